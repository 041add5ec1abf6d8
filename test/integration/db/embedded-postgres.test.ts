// The embedded PostgreSQL behind `npm start`: made on first use, its data kept across restarts,
// and neither a killed app nor a stale postmaster.pid keeps the next start from booting.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chown, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ensureDatabase, startEmbeddedPostgres } from '../../../src/db/embedded.ts';
import { withClient } from '../../../src/db/with-client.ts';
import { projectDir } from '../../helpers/app.ts';
import { dataFolder, exists } from './data-folder.ts';

const query = (url: string, sql: string) => withClient(url, async (client) => (await client.query<Record<string, unknown>>(sql)).rows);

/**
 * A cluster whose server is gone but whose postmaster.pid names another process: what a server
 * killed with its machine leaves behind, once its pid has ended or been given to another program.
 * `pidFor` gets the user the server runs as (`postgres` when the tests run as root).
 */
async function leaveStalePidFile(dataDir: string, pidFor: (serverUser: { uid: number; gid: number }) => number): Promise<void> {
  const server = await startEmbeddedPostgres(dataDir);
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  const written = await readFile(pidFile, 'utf8');
  await server.stop();
  const serverUser = await stat(path.join(dataDir, 'pg'));
  await writeFile(pidFile, written.replace(/^\d+/, String(pidFor(serverUser))));
  await chown(pidFile, serverUser.uid, serverUser.gid);
}

/** A start on `dataDir` gives a server that answers, started by this start or found running; then it is stopped. */
async function assertStarts(dataDir: string, how: { startedHere: boolean; because: string }): Promise<void> {
  const server = await startEmbeddedPostgres(dataDir);
  try {
    assert.equal(server.startedHere, how.startedHere, how.because);
    await query(server.serverUrl, 'SELECT 1');
  } finally {
    await server.stop();
  }
}

const startsAfresh = { startedHere: true, because: 'a server of its own, not one the stale file names' };

describe('the embedded PostgreSQL', () => {
  test('is made on the first start, and a restart finds the data it kept', async (t) => {
    const dataDir = await dataFolder(t);
    const first = await startEmbeddedPostgres(dataDir);
    assert.equal(first.startedHere, true);
    assert.equal(await exists(path.join(dataDir, 'pg', 'PG_VERSION')), true, 'the cluster is in DATA_DIR/pg');
    const url = await ensureDatabase(first.serverUrl, 'postbag');
    await query(url, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$still here$$)');
    await first.stop();

    const second = await startEmbeddedPostgres(dataDir);
    try {
      assert.equal(second.startedHere, true);
      assert.deepEqual(await query(await ensureDatabase(second.serverUrl, 'postbag'), 'SELECT note FROM kept'), [{ note: 'still here' }]);
    } finally {
      await second.stop();
    }
  });

  test('a server already running on the cluster is used, not started twice', async (t) => {
    const dataDir = await dataFolder(t);
    const running = await startEmbeddedPostgres(dataDir);
    try {
      const found = await startEmbeddedPostgres(dataDir);
      assert.equal(found.startedHere, false);
      assert.equal(found.serverUrl, running.serverUrl);
    } finally {
      await running.stop();
    }
  });

  test('the server of an app that was killed is taken over by the next start', async (t) => {
    const dataDir = await dataFolder(t);
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.join(projectDir, 'src/db/embedded.ts'))};
      await startEmbeddedPostgres(${JSON.stringify(dataDir)}); process.kill(process.pid, 'SIGKILL');`;
    const killed = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectDir });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr.toString());
    await assertStarts(dataDir, { startedHere: false, because: 'the orphaned server is reused' });
  });

  test('starts despite a stale postmaster.pid naming a process that has ended', async (t) => {
    const dataDir = await dataFolder(t);
    await leaveStalePidFile(dataDir, () => spawnSync(process.execPath, ['-e', '']).pid);
    await assertStarts(dataDir, startsAfresh);
  });

  test('starts despite a stale postmaster.pid naming a live process that is not PostgreSQL', async (t) => {
    const dataDir = await dataFolder(t);
    // PostgreSQL's own check takes any live process of the server's user for a running server
    // (another user's it ignores), so the unrelated process runs as that user. It is `sleep`,
    // which that user may run wherever this Node lives (not so for a Node under /root).
    let unrelated: ChildProcess | undefined;
    await leaveStalePidFile(dataDir, ({ uid, gid }) => {
      const asServerUser = process.getuid?.() === 0 ? { uid, gid } : {};
      unrelated = spawn('sleep', ['600'], { ...asServerUser, stdio: 'ignore' });
      t.after(() => unrelated?.kill());
      return unrelated.pid!;
    });
    await assertStarts(dataDir, startsAfresh);
    assert.equal(unrelated?.exitCode, null, 'the process the file names lived throughout');
  });
});
