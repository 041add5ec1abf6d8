import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataDirBusy, lockDataDir } from '../../src/db/app-lock.ts';

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'postbag-lock-'));
});
after(() => rm(dataDir, { recursive: true, force: true }));

describe('one app per data folder', () => {
  test('the lock is taken, and released at stop', async () => {
    const release = await lockDataDir(dataDir);
    assert.equal((await readFile(path.join(dataDir, 'postbag.pid'), 'utf8')).trim(), String(process.pid));
    await release();
    await assert.rejects(readFile(path.join(dataDir, 'postbag.pid')));
  });

  test('a second serving Postbag is refused with a message that says what to do', async () => {
    // A stand-in process whose command line reads like `postbag serve`.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'src/cli.ts', 'serve']);
    try {
      await writeFile(path.join(dataDir, 'postbag.pid'), `${other.pid}\n`);
      await assert.rejects(lockDataDir(dataDir), (err) => err instanceof DataDirBusy && /set DATABASE_URL/.test(err.message));
    } finally {
      other.kill();
    }
  });

  test('a lock left by a killed app, or naming another program, is taken over', async () => {
    for (const stale of ['999999', String(process.ppid)]) {
      await writeFile(path.join(dataDir, 'postbag.pid'), `${stale}\n`);
      const release = await lockDataDir(dataDir);
      await release();
    }
  });
});
