// The admin's counts per status stay exact whatever writes the replies: a new reply, the
// author's decisions (one or many at once), a reader's edit, a deletion, an emptied table; and
// folding the kept changes together changes no count.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setStatus } from '../../../src/moderation/actions.ts';
import { countsBySurvey, statusCounts } from '../../../src/moderation/counts.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp();

/** What counting every reply says. */
async function counted() {
  const counts = { pending: 0, approved: 0, rejected: 0, spam: 0 };
  for (const group of await t.db.reply.groupBy({ by: ['status'], _count: { _all: true } })) counts[group.status] = group._count._all;
  return counts;
}

describe('the counts per status', () => {
  test('follow new replies, decisions, edits and deletions', async () => {
    const [a, b, c] = [await storeReply(t.db), await storeReply(t.db), await storeReply(t.db, { status: 'approved' })];
    assert.deepEqual(await statusCounts(t.db), { pending: 2, approved: 1, rejected: 0, spam: 0 });
    await setStatus(t.db, [a.id, b.id], 'spam');
    await setStatus(t.db, [c.id], 'rejected');
    // A change that keeps the status (the reader's new name) moves no count.
    await t.db.reply.update({ where: { id: a.id }, data: { displayName: 'Ada' } });
    assert.deepEqual(await statusCounts(t.db), { pending: 0, approved: 0, rejected: 1, spam: 2 });
    await t.db.reply.delete({ where: { id: b.id } });
    assert.deepEqual(await statusCounts(t.db), await counted());
  });

  test('are kept per survey', async () => {
    const other = await storeReply(t.db, { survey: 'another-post' });
    await storeReply(t.db, { status: 'approved' });
    await setStatus(t.db, [other.id], 'approved');
    const bySurvey = await countsBySurvey(t.db);
    assert.deepEqual(bySurvey.get('leaving-session'), { pending: 0, approved: 1, rejected: 0, spam: 0 });
    assert.deepEqual(bySurvey.get('another-post'), { pending: 0, approved: 1, rejected: 0, spam: 0 });
  });

  test('stay exact when many changes are folded together', async () => {
    const replies = await Promise.all(Array.from({ length: 40 }, () => storeReply(t.db)));
    for (const [i, reply] of replies.entries()) await setStatus(t.db, [reply.id], i % 3 === 0 ? 'approved' : 'rejected');
    await t.db.$executeRaw`INSERT INTO reply_status_delta (survey_slug, status, delta) SELECT 'leaving-session', 'pending', 0 FROM generate_series(1, 1000)`;
    assert.ok((await t.db.replyStatusDelta.count()) > 1000);
    assert.deepEqual(await statusCounts(t.db), await counted());
    assert.ok((await t.db.replyStatusDelta.count()) <= 4, 'folded into one row per survey and status');
    assert.deepEqual(await statusCounts(t.db), await counted());
  });

  test('are zero after the replies are emptied at once', async () => {
    await storeReply(t.db);
    await t.db.$executeRaw`TRUNCATE reply CASCADE`;
    assert.deepEqual(await statusCounts(t.db), { pending: 0, approved: 0, rejected: 0, spam: 0 });
  });
});
