// A reader's whole path in a browser with JavaScript off: the form, its mistakes and how they
// are fixed, the private page (with the author's corrections marked as the author's), changing
// and deleting the reply, the tally. Every page is inspected at 320 and 1280 px in both colour
// schemes (test/e2e/kit.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { correctAnswer } from '../../src/moderation/actions.ts';
import { SurveyStates } from '../../src/surveys/state.ts';
import { useTestApp } from '../helpers/app.ts';
import { contrast, inspect, schemes, skipWithoutBrowser, useHarness } from './kit.ts';
import { seedReplies } from './seed.ts';

const t = useTestApp();

const summary = (page: Page) => page.locator('.problems');
const send = (page: Page) => page.getByRole('button', { name: 'Send my reply' }).click();

describe('a reader, in a browser without JavaScript', () => {
  const h = useHarness(t);

  test(
    'answers; is told what to fix and where; sees the author’s corrections as the author’s; changes and deletes the reply',
    { skip: skipWithoutBrowser },
    async (tt) => {
      await seedReplies(t.db);
      const context = await h.reader();
      const page = await context.newPage();

      await page.goto(`${h.base}/`);
      await inspect(h, page, 'surveys');
      await page.getByRole('link', { name: 'Leaving Session' }).click();
      assert.match(await page.locator('.lede').innerText(), /^Questions from the capsule's author, in the post of 1 May 2026/);
      await inspect(h, page, 'form');
      for (const label of ['Matrix client 1', 'Matrix client 3', 'XMPP client 2', 'Delta Chat client 1']) {
        assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `a field labelled “${label}”`);
      }

      await send(page);
      assert.match(await summary(page).innerText(), /“Which of these messengers do you use\?” needs an answer: tick at least one/);
      assert.equal(await summary(page).getByRole('link').first().getAttribute('href'), '#f-messengers-matrix');
      await inspect(h, page, 'form-empty');

      await page.getByLabel('Matrix client 1').fill('Elemnt');
      await page.getByLabel('XMPP', { exact: true }).check();
      await page.getByLabel('Why do you use them?').fill('Rooms for every club I am in.');
      await send(page);
      const fix = summary(page).getByRole('link', {
        name: /You named Matrix clients but did not tick Matrix: tick Matrix under “Which of these messengers do you use\?”/,
      });
      assert.equal(await fix.getAttribute('href'), '#f-messengers-matrix', 'the summary links to the box to tick');
      assert.equal(await page.locator('#e-f-clients-matrix a').getAttribute('href'), '#f-messengers-matrix', 'so does the message by the field');
      assert.equal(await page.getByLabel('Matrix client 1').inputValue(), 'Elemnt', 'what was typed is kept');
      assert.equal(await page.getByLabel('Why do you use them?').inputValue(), 'Rooms for every club I am in.');
      await inspect(h, page, 'form-unticked');
      await fix.click();
      assert.equal(new URL(page.url()).hash, '#f-messengers-matrix');

      await page.getByLabel('Matrix', { exact: true }).check();
      await page.getByLabel('You may quote my answers in the published tally').check();
      await send(page);
      assert.match(await page.locator('h1').innerText(), /Thank you!/);
      const link = await page.locator('.private-link a').getAttribute('href');
      assert.match(link ?? '', /^\/r\/[A-Za-z0-9_-]{43}$/);
      await inspect(h, page, 'reply-sent');

      // The author corrects the spelling and publishes the reply.
      const reply = await t.db.reply.findFirstOrThrow({
        where: { contact: null, displayName: null, consentQuote: true, status: 'pending' },
        include: { answers: true },
      });
      const typo = reply.answers.find((a) => a.value === 'Elemnt')!;
      assert.equal(await correctAnswer(t.db, t.surveys.get('leaving-session')!, { replyId: reply.id, answerId: typo.id, value: 'Element' }), null);
      await t.db.reply.update({ where: { id: reply.id }, data: { status: 'approved' } });
      await page.goto(`${h.base}${link}`);
      assert.match(await page.locator('.answers').innerText(), /Element \(corrected by the author: you wrote “Elemnt”\)/);
      await inspect(h, page, 'reply-corrected');

      await page.getByRole('link', { name: 'Change my reply' }).click();
      assert.match(await page.locator('h1').innerText(), /^Change your reply to “Leaving Session”/);
      const notice = await page.locator('.notice').innerText();
      assert.match(notice, /published in the tally\. When you save, it leaves the tally and goes back to the author/);
      assert.match(notice, /The author corrected some of your answers/);
      assert.equal(await page.getByRole('link', { name: 'go back to your reply' }).getAttribute('href'), link);
      assert.equal(await page.getByRole('link', { name: 'Back to my reply without saving' }).getAttribute('href'), link);
      await inspect(h, page, 'reply-edit');

      await page.getByLabel('Matrix', { exact: true }).uncheck();
      await page.getByRole('button', { name: 'Save my changes' }).click();
      assert.match(await summary(page).innerText(), /Your changes are not saved yet/);
      assert.match(await summary(page).innerText(), /You named Matrix clients but did not tick Matrix/);
      await inspect(h, page, 'reply-edit-mistake');
      await page.getByLabel('Matrix', { exact: true }).check();
      await page.getByRole('button', { name: 'Save my changes' }).click();
      assert.match(await page.locator('.notice[role=status]').innerText(), /Your changes are saved/);
      await inspect(h, page, 'reply-changed');

      await page.getByRole('link', { name: 'Delete my reply' }).click();
      await inspect(h, page, 'reply-delete');
      await page.getByRole('button', { name: 'Yes, delete my reply' }).click();
      assert.match(await page.locator('h1').innerText(), /Your reply is deleted/);
      await inspect(h, page, 'reply-deleted');

      await page.goto(`${h.base}/s/leaving-session/tally`);
      assert.match(await page.locator('main').innerText(), /3 replies counted/);
      await inspect(h, page, 'tally');
      await page.goto(`${h.base}/s/no-such-post`);
      await inspect(h, page, 'not-found');

      // The author closes the survey: its form says so and leads to the tally, as the front page does.
      await new SurveyStates(t.db).set(t.surveys.get('leaving-session')!, false);
      await page.goto(`${h.base}/s/leaving-session`);
      assert.match(await page.locator('.notice').innerText(), /This survey is closed: it takes no more replies\./);
      assert.match(await page.locator('.post-links').innerText(), /^Read the post in Gemini: gemini:\/\/\S+, or on the web\.$/);
      await inspect(h, page, 'form-closed');
      await page.goto(`${h.base}/`);
      assert.match(await page.locator('main').innerText(), /Closed: what readers answered\s+Leaving Session, from the post of 1 May 2026/);
      await inspect(h, page, 'surveys-closed');
      await page.getByRole('link', { name: 'Leaving Session' }).click();
      assert.equal(new URL(page.url()).pathname, '/s/leaving-session/tally');
      await context.close();

      for (const [name, height] of h.heights) tt.diagnostic(`height of ${name}: ${height[320]} px at 320, ${height[1280]} px at 1280`);
    },
  );

  test('the focus ring stands out from the page in both schemes', { skip: skipWithoutBrowser }, async () => {
    const context = await h.reader();
    const page = await context.newPage();
    await page.goto(`${h.base}/s/leaving-session`);
    for (const scheme of schemes) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const target of [
        page.getByRole('link', { name: 'What readers answered so far' }),
        page.getByLabel('Why do you use them?'),
        page.getByRole('button', { name: 'Send my reply' }),
      ]) {
        await target.focus();
        const ring = await page.evaluate<{ colour: string; style: string; width: string; page: string }>(
          `(() => { const s = getComputedStyle(document.activeElement); return { colour: s.outlineColor, style: s.outlineStyle, width: s.outlineWidth, page: getComputedStyle(document.documentElement).backgroundColor }; })()`,
        );
        assert.equal(ring.style, 'solid');
        assert.ok(parseFloat(ring.width) >= 2, `a ring at least 2 px wide (${ring.width})`);
        const ratio = contrast(ring.colour, ring.page);
        assert.ok(ratio >= 3, `focus ring ${ring.colour} on ${ring.page}: ${ratio.toFixed(2)}:1 (${scheme})`);
      }
    }
    await context.close();
  });
});
