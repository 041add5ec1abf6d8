// What Postbag forgets: `postbag purge` as the author runs it, the purge steps themselves, and
// the running app's own hourly purge.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import type { Db } from '../../src/db/client.ts';
import { purge } from '../../src/retention/purge.ts';
import { schedulePurge } from '../../src/retention/schedule.ts';
import { storeReply } from '../helpers/admin.ts';
import { projectDir, useTestApp } from '../helpers/app.ts';
import { memoryLogger } from '../helpers/logs.ts';

const t = useTestApp();
const run = promisify(execFile);

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

async function remainingIds(): Promise<string[]> {
  return (await t.db.reply.findMany({ orderBy: { createdAt: 'asc' } })).map((r) => r.id);
}

async function postbagPurge(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/postbag.js', 'purge', ...args], {
      cwd: projectDir,
      env: { ...process.env, DATABASE_URL: t.database.url, LOG_LEVEL: 'silent', ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
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
    const purged = await purge(t.db, { rejectedAfterDays: 30 });
    assert.deepEqual(purged.find((p) => p.what === 'rejected and spam replies'), { what: 'rejected and spam replies', count: 3 });
    assert.deepEqual(await remainingIds(), kept.map((r) => r.id));
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
    const purged = await purge(t.db, { rejectedAfterDays: 30 });
    assert.deepEqual(purged, [
      { what: 'rejected and spam replies', count: 0 },
      { what: 'expired sign-in counters', count: 2 },
      { what: 'expired admin sessions', count: 1 },
    ]);
    const keys = (await t.db.signInThrottle.findMany({ orderBy: { key: 'asc' } })).map((row) => row.key);
    assert.deepEqual(keys, ['client:blocked', 'client:counting', 'overall']);
    assert.deepEqual((await t.db.adminSession.findMany()).map((row) => row.sid), ['live']);
  });
});

describe('postbag purge', () => {
  test('--older-than 10d deletes replies rejected more than 10 days ago and says what it deleted', async () => {
    await storeReply(t.db, { status: 'rejected', moderatedAt: daysAgo(11) });
    const recent = await storeReply(t.db, { status: 'rejected', moderatedAt: daysAgo(9) });
    const result = await postbagPurge(['--older-than', '10d']);
    assert.equal(result.code, 0, result.output);
    assert.equal(result.output, 'Deleted 1 rejected and spam replies, 0 expired sign-in counters, 0 expired admin sessions.\n');
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
    await schedulePurge(t.db, { rejectedAfterDays: 30 }, logger).stop();
    assert.deepEqual(await remainingIds(), []);
    assert.match(text(), /"purged":\[\{"what":"rejected and spam replies","count":1\}\],"msg":"old data purged"/);
  });

  test('logs a failure instead of throwing it, for the next hour to try again', async () => {
    const { logger, text } = memoryLogger();
    const broken = new Proxy(t.db, {
      get: (target, prop) => (prop === 'reply' ? { deleteMany: () => Promise.reject(new Error('database away')) } : Reflect.get(target, prop)),
    }) as Db;
    await schedulePurge(broken, { rejectedAfterDays: 30 }, logger).stop();
    assert.match(text(), /"level":50.*database away.*purging old data failed/);
  });
});
