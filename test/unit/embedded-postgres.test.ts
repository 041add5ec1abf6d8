// The embedded PostgreSQL behind `npm start`: its data survives restarts, and neither a killed
// app nor a stale pid file keeps the next start from booting.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, chown, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withClient } from '../../src/db/with-client.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { projectDir } from '../helpers/app.ts';

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'postbag-embedded-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const query = (url: string, sql: string) => withClient(url, async (client) => (await client.query(sql)).rows);

describe('the embedded PostgreSQL', () => {
  test('keeps its data across a stop and a start', async () => {
    const first = await startEmbeddedPostgres(dataDir);
    assert.equal(first.startedHere, true);
    const url = await ensureDatabase(first.serverUrl, 'postbag');
    await query(url, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$still here$$)');
    await first.stop();
    const second = await startEmbeddedPostgres(dataDir);
    try {
      assert.deepEqual(await query(await ensureDatabase(second.serverUrl, 'postbag'), 'SELECT note FROM kept'), [{ note: 'still here' }]);
    } finally {
      await second.stop();
    }
  });

  test('starts after the app that ran it was killed, taking over its server', async () => {
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.join(projectDir, 'src/db/embedded.ts'))};
      await startEmbeddedPostgres(${JSON.stringify(dataDir)}); process.kill(process.pid, 'SIGKILL');`;
    const killed = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectDir });
    assert.equal(killed.signal, 'SIGKILL');
    const next = await startEmbeddedPostgres(dataDir);
    try {
      assert.equal(next.startedHere, false, 'the orphaned server is reused');
      await query(next.serverUrl, 'SELECT 1');
    } finally {
      await next.stop();
    }
  });

  test('starts despite a stale postmaster.pid naming a live process that is not PostgreSQL', async () => {
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    const owner = await stat(path.join(dataDir, 'pg'));
    await writeFile(pidFile, `${process.pid}\n${path.join(dataDir, 'pg')}\n`);
    await chown(pidFile, owner.uid, owner.gid);
    const server = await startEmbeddedPostgres(dataDir);
    try {
      assert.equal(server.startedHere, true);
      await query(server.serverUrl, 'SELECT 1');
    } finally {
      await server.stop();
    }
  });
});
