// The flood counters commit without waiting for the disk (src/flood/limits.ts), and only they:
// the connection goes back to the pool flushing as before, so the reply stored next on it is
// on disk before the reader is told it is stored.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openDb, poolOf, type Db } from '../../../src/db/client.ts';
import { countReply } from '../../../src/flood/limits.ts';
import { useTestApp } from '../../helpers/app.ts';

const t = useTestApp();
const limits = { client: { count: 1, windowMs: 60_000 }, global: { count: 100, windowMs: 60_000 } };

describe('the flood counters', () => {
  // One connection, so every statement below runs on the one the counters used.
  let single: Db | undefined;
  after(() => single?.$disconnect());

  test('count and refuse, and leave their connection flushing every commit', async () => {
    single = openDb(t.database.url, { maxConnections: 1 });
    const pool = poolOf(single);
    // The test databases skip the flush; this connection is set to flush, as a real server does.
    await pool.query('SET synchronous_commit = on');
    assert.deepEqual(await countReply(single, 'a-network', limits), { allowed: true });
    assert.equal((await countReply(single, 'a-network', limits)).allowed, false);
    const { rows } = await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    assert.equal(rows[0]?.synchronous_commit, 'on');
  });
});
