// The author's side in a browser with JavaScript off: set-up, sign-in, the queue on a wide
// screen (several replies at once, each with its decision beside it, the apply buttons always
// at hand, what is new since the last visit marked), each action confirmed, correcting and
// deciding on a reply's page, names mapped and unmapped, surveys closed, feed, exports, and a
// session that ends while deciding. Every page is inspected as in test/e2e/kit.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import path from 'node:path';
import { createAuthor, PASSWORD } from '../helpers/admin.ts';
import { fixturesDir, projectDir, useTestApp } from '../helpers/app.ts';
import { inspect, skipWithoutBrowser, useHarness } from './kit.ts';
import { seedReplies } from './seed.ts';

// Leaving Session, and two more surveys (one closed by its file): the queue offers a filter per survey.
const t = useTestApp([path.join(projectDir, 'surveys'), path.join(fixturesDir, 'surveys')]);

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
const confirmation = (page: Page) => page.locator('.notice[role=status]').innerText();

describe('the author, in a browser without JavaScript', () => {
  const h = useHarness(t);

  test('sets up, signs in, moderates a screenful of replies at once, corrects and maps names', { skip: skipWithoutBrowser }, async (tt) => {
    const context = await h.reader();
    const page = await context.newPage();
    await page.goto(`${h.base}/admin`);
    assert.match(await page.locator('main').innerText(), /npm run postbag -- set-password/);
    await inspect(h, page, 'admin-setup');

    await createAuthor(t.db);
    await seedReplies(t.db);
    // The author was last here after the third reply came: the three after it are new.
    await t.db.author.update({ where: { id: 1 }, data: { lastSeenAt: new Date(Date.UTC(2026, 10, 20, 9, 20)) } });
    await page.goto(`${h.base}/admin`);
    await inspect(h, page, 'admin-sign-in');
    await page.getByLabel('Password').fill('not it');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await inspect(h, page, 'admin-sign-in-refused');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await nav(page), /Pending \(6\)/);
    assert.equal(await page.locator('article.reply .new-mark').count(), 3);
    assert.match(await page.locator('main').innerText(), /3 new since your last visit, which ended 20 November at 09:20 UTC/);
    assert.deepEqual(await page.getByLabel('Survey', { exact: true }).locator('option').allInnerTexts(), [
      'All surveys (6)',
      'Which editor writes your capsule? (0)',
      'Leaving Session (6)',
      'An older question (0)',
    ]);
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
    assert.equal(await confirmation(page), '1 reply approved and 1 rejected.');
    await inspect(h, page, 'admin-queue-confirmed');
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
    await page.getByLabel('Name for “Elemnt Nightly”').fill('Element Nightly');
    await page.locator('.unmatched tr', { hasText: 'Elemnt Nightly' }).getByRole('button', { name: 'Map' }).click();
    assert.equal(await confirmation(page), '“elemntnightly” now counts as Element Nightly, in every reply, past and future.');
    assert.match(await page.locator('table.known').innerText(), /Element Nightly/);
    await inspect(h, page, 'admin-names-mapped');
    await page.getByRole('button', { name: 'Undo “elemntnightly” as Element Nightly' }).click();
    assert.match(await confirmation(page), /^“elemntnightly” no longer counts as Element Nightly/);
    assert.match(await page.locator('.unmatched').innerText(), /Elemnt Nightly/);

    await page.getByRole('link', { name: /^Pending/ }).click();
    const typo = page.locator('article.reply', { hasText: 'Elemnt Nightly' });
    await typo.getByRole('link', { name: 'Correct' }).click();
    await page.getByLabel('Which client programs or apps do you use? (Matrix)').fill('Element Nightly');
    await page.getByRole('button', { name: 'Save correction' }).first().click();
    assert.match(await page.locator('.correction .help').first().innerText(), /^The reader typed: .?Elemnt Nightly.?$/);
    assert.match(await confirmation(page), /^Correction saved\./);
    await inspect(h, page, 'admin-reply');
    await page.getByRole('button', { name: 'Approve' }).click();
    assert.equal(await confirmation(page), '1 reply approved.');
    assert.match(await page.locator('.lede').first().innerText(), /^Approved ·/);
    await inspect(h, page, 'admin-reply-approved');
    await page.getByRole('link', { name: 'Delete this reply for good' }).click();
    await inspect(h, page, 'admin-delete');

    await page.getByRole('link', { name: 'Feed' }).click();
    await page.getByRole('button', { name: 'Make a new address' }).click();
    assert.match(await confirmation(page), /^The feed has a new address/);
    await inspect(h, page, 'admin-feed');
    await page.getByRole('link', { name: 'Exports' }).click();
    await inspect(h, page, 'admin-exports');

    await page.getByRole('link', { name: 'Surveys' }).click();
    await inspect(h, page, 'admin-surveys');
    await page.getByRole('button', { name: 'Close it (Leaving Session)' }).click();
    assert.match(await confirmation(page), /^“Leaving Session” is closed/);
    assert.match(await page.locator('section', { hasText: 'Leaving Session' }).innerText(), /Closed ·[\s\S]*Open it again/);
    await inspect(h, page, 'admin-surveys-closed');
    await context.close();

    for (const [name, height] of h.heights) tt.diagnostic(`height of ${name}: ${height[320]} px at 320, ${height[1280]} px at 1280`);
  });

  /** The author, signed in, before the queue of the seeded replies. */
  async function queueOfSeededReplies(): Promise<{ context: BrowserContext; page: Page }> {
    await createAuthor(t.db);
    await seedReplies(t.db);
    const context = await h.reader();
    const page = await context.newPage();
    await page.goto(`${h.base}/admin`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    return { context, page };
  }

  test('“Leave pending” decides nothing: a reply approved meanwhile in another tab stays approved', { skip: skipWithoutBrowser }, async () => {
    const { context, page } = await queueOfSeededReplies();
    const ids = page.locator('article.reply input[name=ids]');
    const [first, second] = [(await ids.nth(0).getAttribute('value'))!, (await ids.nth(1).getAttribute('value'))!];
    await t.db.reply.update({ where: { id: first }, data: { status: 'approved' } });
    await page.locator('article.reply').nth(1).getByLabel('Reject').check();
    await page.getByRole('button', { name: 'Apply the decisions' }).click();
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id: first } })).status, 'approved');
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id: second } })).status, 'rejected');
    await context.close();
  });

  test('a session that ends while deciding: the sign-in page keeps the decisions, and signing in applies them', { skip: skipWithoutBrowser }, async () => {
    const { context, page } = await queueOfSeededReplies();
    const id = (await page.locator('article.reply input[name=ids]').first().getAttribute('value'))!;
    await page.locator('article.reply').first().getByLabel('Approve').check();
    await t.db.adminSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    await page.getByRole('button', { name: 'Apply the decisions' }).click();
    assert.match(await page.locator('.notice').innerText(), /Your session ended before your decisions were applied/);
    await inspect(h, page, 'admin-sign-in-carrying');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal(await confirmation(page), '1 reply approved.');
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id } })).status, 'approved');
    await context.close();
  });
});
