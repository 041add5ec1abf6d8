// One Postbag app per embedded data folder: a second `postbag serve` there would share the
// first one's PostgreSQL and stop it at its exit, so it is refused; an app that was killed
// does not keep the next one from starting.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { dataFolder, exists, startApp } from './data-folder.ts';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('one app per embedded data folder', () => {
  test('a second app is refused, told which app serves there and what to do; the first serves on', async (t) => {
    const dataDir = await dataFolder(t);
    const first = await startApp(t, dataDir);
    await first.serving;
    const second = await startApp(t, dataDir);
    await assert.rejects(
      second.serving,
      new RegExp(`Another Postbag \\(process ${first.child.pid}\\) is already serving from ${escape(dataDir)}\\. Stop it first, or set DATABASE_URL`),
    );
    const page = await fetch(`${first.url}r/no-such-reply`);
    assert.equal(page.status, 404, 'the first app still finds replies in its database');
    assert.equal(await first.stop(), 0);
  });

  test('an app that was killed leaves the folder free for the next, which stops the server it took over', async (t) => {
    const dataDir = await dataFolder(t);
    const killed = await startApp(t, dataDir);
    await killed.serving;
    killed.child.kill('SIGKILL');

    const next = await startApp(t, dataDir);
    await next.serving;
    assert.equal(await next.stop(), 0);
    assert.equal(await exists(path.join(dataDir, 'pg', 'postmaster.pid')), false, 'no server is left running');
  });

  test('of two apps started together on a new data folder, one serves and the other is refused', async (t) => {
    const dataDir = await dataFolder(t);
    const apps = await Promise.all([startApp(t, dataDir), startApp(t, dataDir)]);
    const outcomes = await Promise.allSettled(apps.map((app) => app.serving));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as Error).message] : []));
    assert.equal(refused.length, 1, refused.join('\n'));
    assert.match(refused[0] ?? '', /Another Postbag \(process \d+\) is already serving from/);
    const serving = apps[outcomes.findIndex((outcome) => outcome.status === 'fulfilled')];
    assert.equal(await serving?.stop(), 0);
  });
});
