// The public tally never makes a reader wait for a count: after a change, readers get the last
// tally while one recount runs in the background, and the new one as soon as it is ready.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDb } from '../../../src/db/client.ts';
import { TallyCache } from '../../../src/tally/cache.ts';
import { useTestApp } from '../../helpers/app.ts';
import { cuttableProxy } from '../../helpers/cuttable-proxy.ts';
import { publishReply } from '../../helpers/replies.ts';

const t = useTestApp();
const survey = () => t.surveys.get('leaving-session')!;
const publish = () => publishReply(t.db, t.surveys, [['messengers', 'matrix']]);

/** Asks until `check` holds; the bound only ends a test that would hang (a busy machine may recount slowly). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail('the new tally never came');
}

describe('the ready tally', () => {
  test('after a change, readers get the last tally at once while one recount runs, then the new one', async () => {
    const cache = new TallyCache(t.db, { freshWaitMs: 0 });
    await publish();
    const first = await cache.tallyOf(survey());
    assert.equal(first.readers, 1);
    await publish();
    const during = await Promise.all(Array.from({ length: 20 }, () => cache.tallyOf(survey())));
    assert.ok(
      during.every((tally) => tally === first),
      'every reader got the ready tally',
    );
    await eventually(async () => (await cache.tallyOf(survey())).readers === 2);
  });

  test('waits up to freshWaitMs for a recount, so small tallies are exact', async () => {
    const cache = new TallyCache(t.db, { freshWaitMs: 10_000 });
    await publish();
    assert.equal((await cache.tallyOf(survey())).readers, 1);
    await publish();
    assert.equal((await cache.tallyOf(survey())).readers, 2);
  });

  test('keeps serving the last tally while the database is away', async () => {
    const proxy = await cuttableProxy(t.database.url);
    const db = openDb(proxy.url);
    try {
      const cache = new TallyCache(db, { freshWaitMs: 0 });
      await publish();
      assert.equal((await cache.tallyOf(survey())).readers, 1);
      proxy.cut();
      assert.equal((await cache.tallyOf(survey())).readers, 1);
    } finally {
      proxy.mend();
      await db.$disconnect();
      await proxy.close();
    }
  });
});
