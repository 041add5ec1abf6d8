// Throwaway data folders for the embedded PostgreSQL's tests, and `postbag serve` run on them.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { freePort, startEmbeddedPostgres } from '../../../src/db/embedded.ts';
import { projectDir } from '../../helpers/app.ts';

export const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * A data folder of the test's own. Afterwards a server still running on it (a test that failed
 * midway) is stopped, and the folder removed. A cluster too broken to stop is reported rather
 * than thrown: a throwing hook would keep the later ones (killing the test's apps) from running.
 */
export async function dataFolder(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'postbag-data-'));
  t.after(async () => {
    if (await exists(path.join(dir, 'pg', 'postmaster.pid'))) {
      await startEmbeddedPostgres(dir)
        .then((server) => server.stop())
        .catch((err: Error) => t.diagnostic(`could not stop the server left on ${dir}: ${err.message}`));
    }
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

export interface App {
  child: ChildProcess;
  url: string;
  /** Settles when the app serves, or with what it printed when it exits first. */
  serving: Promise<void>;
  /** SIGTERM, as a service manager stops it; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** `postbag serve` on the embedded PostgreSQL under `dataDir`; killed after the test if still running. */
export async function startApp(t: TestContext, dataDir: string): Promise<App> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/postbag.js', 'serve'], {
    cwd: projectDir,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', GEMINI_PORT: '0' },
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  const serving = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Postbag is serving on')) resolve();
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    void exited.then((code) => reject(new Error(`postbag serve exited with ${code}: ${output}`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    return exited;
  };
  return { child, url: `http://127.0.0.1:${port}/`, serving, stop };
}
