// The real `postbag` binary (bin/postbag.js, running the compiled dist/), once per command, as
// an author runs it: the other CLI tests run the same program in-process.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../../src/db/embedded.ts';
import { projectDir } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';

const run = promisify(execFile);
let database: TestDatabase;
let dir: string;
before(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'postbag-binary-'));
});
after(async () => {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent', GEMINI_PORT: '0' });
const postbag = (args: string[], input?: string) => {
  const child = execFile(process.execPath, ['bin/postbag.js', ...args], { cwd: projectDir, env: env() });
  if (input !== undefined) child.stdin!.end(input);
  return new Promise<{ code: number; out: string }>((resolve) => {
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.stderr!.on('data', (chunk) => (out += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
};

describe('the postbag binary', () => {
  test('--help lists every command', async () => {
    const { stdout } = await run(process.execPath, ['bin/postbag.js', '--help'], { cwd: projectDir });
    for (const command of ['serve', 'migrate', 'migration', 'set-password', 'export']) assert.match(stdout, new RegExp(`^  ${command}\\b`, 'm'), command);
  });

  test('migrate, set-password and export do their work and exit 0', async () => {
    assert.match((await postbag(['migrate'])).out, /up to date/);
    const password = await postbag(['set-password'], 'a long enough passphrase\n');
    assert.equal(password.code, 0, password.out);
    const out = path.join(dir, 'tally.gmi');
    const exported = await postbag(['export', 'leaving-session', '--out', out]);
    assert.equal(exported.code, 0, exported.out);
    assert.match(await readFile(out, 'utf8'), /^# Leaving Session/);
  });

  test('migration finds nothing to write when the schema matches the migrations', async () => {
    const result = await postbag(['migration', 'nothing_new']);
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /matches the migrations: nothing to write/);
  });

  test('serve answers, and stops with exit code 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/postbag.js', 'serve'], { cwd: projectDir, env: { ...env(), PORT: String(port) } });
    try {
      let ready = false;
      for (let i = 0; i < 100 && !ready; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (res) => res.ok,
          () => false,
        );
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(ready, 'it answered /healthz');
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
