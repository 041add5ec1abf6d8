// The author's side in a browser with JavaScript off: set-up, sign-in, the queue on a wide
// screen (several replies at once, each with its decision beside it, the apply buttons always
// at hand), correcting, names, feed, exports. Every page is inspected as in test/e2e/kit.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createAuthor, PASSWORD } from '../helpers/admin.ts';
import { useTestApp } from '../helpers/app.ts';
import { inspect, skipWithoutBrowser, useHarness } from './kit.ts';
import { seedReplies } from './seed.ts';

const t = useTestApp();

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}
const boxOf = async (page: Page, selector: string): Promise<Box[]> =>
  page.evaluate<Box[]>(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; })`,
  );
const nav = (page: Page) => page.getByRole('navigation', { name: 'Admin' }).innerText();

describe('the author, in a browser without JavaScript', { skip: skipWithoutBrowser }, () => {
  const h = useHarness(t);

  test('sets up, signs in, moderates a screenful of replies at once, corrects and maps names', async (tt) => {
    const context = await h.reader();
    const page = await context.newPage();
    await page.goto(`${h.base}/admin`);
    assert.match(await page.locator('main').innerText(), /npm run postbag -- set-password/);
    await inspect(h, page, 'admin-setup');

    await createAuthor(t.db);
    await seedReplies(t.db);
    await page.goto(`${h.base}/admin`);
    await inspect(h, page, 'admin-sign-in');
    await page.getByLabel('Password').fill('not it');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await inspect(h, page, 'admin-sign-in-refused');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await nav(page), /Pending \(6\)/);
    await inspect(h, page, 'admin-queue');

    // On 1280×800, at least four replies show whole, above the apply bar, with their decision
    // beside their answers.
    const viewport = page.viewportSize()!;
    assert.deepEqual(viewport, { width: 1280, height: 800 });
    const [bar] = await boxOf(page, '.bulk');
    const replies = await boxOf(page, 'article.reply');
    const answers = await boxOf(page, 'article.reply .answers');
    const decisions = await boxOf(page, 'article.reply .decide');
    const whole = replies.filter((r) => r.top >= 0 && r.bottom <= bar!.top);
    assert.ok(
      whole.length >= 4,
      `${whole.length} replies show whole above the bar (tops ${replies.map((r) => Math.round(r.top)).join(',')}, bar at ${bar!.top})`,
    );
    for (let i = 0; i < whole.length; i++) {
      assert.ok(decisions[i]!.left >= answers[i]!.right && decisions[i]!.top < answers[i]!.bottom, `reply ${i + 1}: the decision sits beside the answers`);
    }
    // The apply buttons stay in reach wherever the author is in the list.
    for (const which of ['first', 'last'] as const) {
      await page.locator('article.reply')[which]().scrollIntoViewIfNeeded();
      const [apply] = await boxOf(page, '.bulk button[value=decide]');
      assert.ok(apply!.top >= 0 && apply!.bottom <= viewport.height, `“Apply the decisions” is on screen by the ${which} reply`);
    }

    const first = page.locator('article.reply').nth(0);
    const second = page.locator('article.reply').nth(1);
    await first.getByLabel('Approve').check();
    await second.getByLabel('Reject').check();
    await page.getByRole('button', { name: 'Apply the decisions' }).click();
    assert.match(await nav(page), /Pending \(4\)[\s\S]*Approved \(4\)[\s\S]*Rejected \(1\)/);
    await page.locator('article.reply').nth(-1).getByRole('checkbox').check();
    await page.locator('article.reply').nth(-2).getByRole('checkbox').check();
    await page.locator('.bulk').getByRole('button', { name: 'Spam' }).click();
    assert.match(await nav(page), /Pending \(2\)[\s\S]*Spam \(2\)/);

    await page.getByRole('link', { name: 'Approved (4)' }).click();
    await inspect(h, page, 'admin-queue-approved');
    await page.getByLabel('Search the answers').fill('nothing says this');
    await page.getByRole('button', { name: 'Show' }).click();
    assert.match(await page.locator('main').innerText(), /No approved replies match/);
    await inspect(h, page, 'admin-queue-no-match');

    await page.getByRole('link', { name: 'Names' }).click();
    assert.match(await page.locator('.unmatched').innerText(), /Elemnt Nightly/);
    await inspect(h, page, 'admin-names');

    await page.getByRole('link', { name: /^Pending/ }).click();
    const typo = page.locator('article.reply', { hasText: 'Elemnt Nightly' });
    await typo.getByRole('link', { name: 'Correct' }).click();
    await page.getByLabel('Which client programs or apps do you use? (Matrix)').fill('Element Nightly');
    await page.getByRole('button', { name: 'Save correction' }).first().click();
    assert.match(await page.locator('.correction .help').first().innerText(), /^The reader typed: .?Elemnt Nightly.?$/);
    await inspect(h, page, 'admin-reply');
    await page.getByRole('link', { name: 'Delete this reply for good' }).click();
    await inspect(h, page, 'admin-delete');

    await page.getByRole('link', { name: 'Feed' }).click();
    await inspect(h, page, 'admin-feed');
    await page.getByRole('link', { name: 'Exports' }).click();
    await inspect(h, page, 'admin-exports');
    await context.close();

    for (const [name, height] of h.heights) tt.diagnostic(`height of ${name}: ${height[320]} px at 320, ${height[1280]} px at 1280`);
  });

  test('“Leave pending” decides nothing: a reply approved meanwhile in another tab stays approved', async () => {
    await createAuthor(t.db);
    await seedReplies(t.db);
    const context = await h.reader();
    const page = await context.newPage();
    await page.goto(`${h.base}/admin`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const ids = page.locator('article.reply input[name=ids]');
    const [first, second] = [(await ids.nth(0).getAttribute('value'))!, (await ids.nth(1).getAttribute('value'))!];
    await t.db.reply.update({ where: { id: first }, data: { status: 'approved' } });
    await page.locator('article.reply').nth(1).getByLabel('Reject').check();
    await page.getByRole('button', { name: 'Apply the decisions' }).click();
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id: first } })).status, 'approved');
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id: second } })).status, 'rejected');
    await context.close();
  });
});
