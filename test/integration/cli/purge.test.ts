// What Postbag forgets: `postbag purge` as the author runs it, the purge steps themselves, and
// the running app's own hourly purge.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { purge } from '../../../src/retention/purge.ts';
import { schedulePurge } from '../../../src/retention/schedule.ts';
import { useTestApp } from '../../helpers/app.ts';
import { postbag } from '../../helpers/postbag.ts';
import { memoryLogger } from '../../helpers/logs.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp();

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

async function remainingIds(): Promise<string[]> {
  return (await t.db.reply.findMany({ orderBy: { createdAt: 'asc' } })).map((r) => r.id);
}

async function postbagPurge(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const { code, out, err } = await postbag(['purge', ...args], { DATABASE_URL: t.database.url, ...env });
  return { code, output: out + err };
}

describe('purging', () => {
  test('deletes rejected and spam replies decided longer ago than the age, answers included; younger decisions, approved and pending replies stay', async () => {
    const old = daysAgo(400);
    const gone = [
      await storeReply(t.db, { status: 'rejected', createdAt: old, moderatedAt: daysAgo(31) }),
      await storeReply(t.db, { status: 'spam', createdAt: old, moderatedAt: daysAgo(31) }),
      await storeReply(t.db, { status: 'spam', createdAt: daysAgo(40) }), // never moderated: its own date counts
    ];
    const kept = [
      await storeReply(t.db, { status: 'approved', createdAt: old, moderatedAt: old }),
      await storeReply(t.db, { status: 'pending', createdAt: old }),
      await storeReply(t.db, { status: 'rejected', createdAt: old, moderatedAt: daysAgo(29) }), // rejected lately: time to undo
      await storeReply(t.db, { status: 'spam', createdAt: daysAgo(1), moderatedAt: daysAgo(1) }),
    ];
    const purged = await purge(t.db, { rejectedAfterDays: 30, floodWindowMs: 600_000 });
    assert.deepEqual(
      purged.find((p) => p.what === 'rejected and spam replies'),
      { what: 'rejected and spam replies', count: 3 },
    );
    assert.deepEqual(
      await remainingIds(),
      kept.map((r) => r.id),
    );
    assert.equal(await t.db.answer.count({ where: { replyId: { in: gone.map((r) => r.id) } } }), 0);
    assert.equal(await t.db.answer.count(), kept.length);
  });

  test('deletes sign-in counters whose window and block are over, and expired sessions; live ones stay', async () => {
    await t.db.signInThrottle.createMany({
      data: [
        { key: 'client:window-over', failures: 2, windowStartedAt: minutesAgo(20) },
        { key: 'client:block-over', failures: 6, windowStartedAt: minutesAgo(20), blockedUntil: minutesAgo(1) },
        { key: 'client:counting', failures: 2, windowStartedAt: minutesAgo(5) },
        { key: 'client:blocked', failures: 6, windowStartedAt: minutesAgo(20), blockedUntil: new Date(Date.now() + 60_000) },
        { key: 'overall', failures: 3, windowStartedAt: minutesAgo(1) },
      ],
    });
    await t.db.adminSession.createMany({
      data: [
        { sid: 'expired', data: {}, expiresAt: minutesAgo(1) },
        { sid: 'live', data: {}, expiresAt: new Date(Date.now() + 60_000) },
      ],
    });
    const purged = await purge(t.db, { rejectedAfterDays: 30, floodWindowMs: 600_000 });
    assert.deepEqual(purged, [
      { what: 'rejected and spam replies', count: 0 },
      { what: 'expired sign-in counters', count: 2 },
      { what: 'expired admin sessions', count: 1 },
      { what: 'expired flood counters', count: 0 },
      { what: 'old daily keys of flood counters', count: 0 },
      { what: 'expired Gemini drafts', count: 0 },
      { what: 'rows of name counts folded into others', count: 0 },
    ]);
    const keys = (await t.db.signInThrottle.findMany({ orderBy: { key: 'asc' } })).map((row) => row.key);
    assert.deepEqual(keys, ['client:blocked', 'client:counting', 'overall']);
    assert.deepEqual(
      (await t.db.adminSession.findMany()).map((row) => row.sid),
      ['live'],
    );
  });
});

test('deletes flood counters whose window is over, daily keys from before yesterday, and expired Gemini drafts', async () => {
  const now = Date.now();
  await t.db.clientLimit.createMany({
    data: [
      { key: 'client:old', windowStart: new Date(now - 3_600_000), count: 3 },
      { key: 'client:live', windowStart: new Date(now - 60_000), count: 1 },
    ],
  });
  const day = (offset: number) => `client_key:${new Date(now + offset * 86_400_000).toISOString().slice(0, 10)}`;
  await t.db.setting.createMany({ data: [day(-2), day(-1), day(0)].map((key) => ({ key, value: 'k' })) });
  await t.db.geminiDraft.createMany({
    data: [
      { token: 'expired', surveySlug: 'leaving-session', fields: {}, expiresAt: new Date(now - 1000) },
      { token: 'open', surveySlug: 'leaving-session', fields: {}, expiresAt: new Date(now + 60_000) },
    ],
  });
  await purge(t.db, { rejectedAfterDays: 30, floodWindowMs: 600_000 });
  assert.deepEqual(
    (await t.db.clientLimit.findMany()).map((row) => row.key),
    ['client:live'],
  );
  assert.deepEqual(
    (await t.db.setting.findMany({ where: { key: { startsWith: 'client_key:' } }, orderBy: { key: 'asc' } })).map((row) => row.key),
    [day(-1), day(0)],
  );
  assert.deepEqual(
    (await t.db.geminiDraft.findMany()).map((row) => row.token),
    ['open'],
  );
});

describe('postbag purge', () => {
  test('--older-than 10d deletes replies rejected more than 10 days ago and says what it deleted', async () => {
    await storeReply(t.db, { status: 'rejected', moderatedAt: daysAgo(11) });
    const recent = await storeReply(t.db, { status: 'rejected', moderatedAt: daysAgo(9) });
    const result = await postbagPurge(['--older-than', '10d']);
    assert.equal(result.code, 0, result.output);
    assert.equal(
      result.output,
      'Deleted 1 rejected and spam replies, 0 expired sign-in counters, 0 expired admin sessions, 0 expired flood counters, 0 old daily keys of flood counters, 0 expired Gemini drafts, 0 rows of name counts folded into others.\n',
    );
    assert.deepEqual(await remainingIds(), [recent.id]);
  });

  test('without --older-than takes PURGE_AFTER_DAYS', async () => {
    await storeReply(t.db, { status: 'spam', moderatedAt: daysAgo(9) });
    const result = await postbagPurge([], { PURGE_AFTER_DAYS: '5' });
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(await remainingIds(), []);
  });

  test('refuses an age that is not a number of days, and deletes nothing', async () => {
    await storeReply(t.db, { status: 'rejected', moderatedAt: daysAgo(400) });
    const ages = ['30', '3w', '0d', '-1d'];
    const results = await Promise.all(ages.map((age) => postbagPurge([`--older-than=${age}`])));
    results.forEach((result, i) => {
      assert.notEqual(result.code, 0, ages[i]);
      assert.match(result.output, /give --older-than as a number of days, e\.g\. 30d/);
    });
    assert.equal((await remainingIds()).length, 1);
  });
});

describe('the app’s own purge', () => {
  test('runs as the app starts, and says what it deleted', async () => {
    await storeReply(t.db, { status: 'spam', moderatedAt: daysAgo(31) });
    const { logger, text } = memoryLogger();
    await schedulePurge(t.db, { rejectedAfterDays: 30, floodWindowMs: 600_000 }, logger).stop();
    assert.deepEqual(await remainingIds(), []);
    assert.match(text(), /"purged":\[\{"what":"rejected and spam replies","count":1\}\],"msg":"old data purged"/);
  });

  test('logs a failure instead of throwing it, for the next hour to try again', async () => {
    const { logger, text } = memoryLogger();
    const broken = new Proxy(t.db, {
      get: (target, prop) => (prop === 'reply' ? { deleteMany: () => Promise.reject(new Error('database away')) } : (Reflect.get(target, prop) as unknown)),
    });
    await schedulePurge(broken, { rejectedAfterDays: 30, floodWindowMs: 600_000 }, logger).stop();
    assert.match(text(), /"level":50.*database away.*purging old data failed/);
  });
});
