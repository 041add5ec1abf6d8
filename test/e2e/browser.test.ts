// The whole path in a real browser with JavaScript switched off: a reader answers, the author
// signs in and approves, the tally shows the answer. Needs Debian's Chromium (.ci/run installs
// it); without it the test is skipped and says why.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAuthor, PASSWORD } from '../helpers/admin.ts';
import { useTestApp } from '../helpers/app.ts';
import { skipWithoutBrowser, useHarness } from './kit.ts';

const t = useTestApp();

describe('in a browser without JavaScript', () => {
  const h = useHarness(t);

  test('a reader answers, the author approves, and the tally shows it', { skip: skipWithoutBrowser }, async () => {
    await createAuthor(t.db);
    const context = await h.reader();
    const page = await context.newPage();

    await page.goto(`${h.base}/s/leaving-session`);
    await page.getByRole('button', { name: 'Send my reply' }).click();
    assert.match(await page.locator('.problems').innerText(), /“Which of these messengers do you use\?” needs an answer/);

    await page.getByLabel('XMPP', { exact: true }).check();
    await page.getByLabel('XMPP client 1').fill('Conversations');
    await page.getByLabel('Why do you use them?').fill('It just works <3');
    await page.getByLabel('You may quote my answers in the published tally').check();
    await page.getByRole('button', { name: 'Send my reply' }).click();
    assert.match(await page.locator('h1').innerText(), /Thank you!/);
    const privateLink = await page.locator('.private-link a').getAttribute('href');
    assert.match(privateLink ?? '', /^\/r\/[A-Za-z0-9_-]{43}$/);

    await page.goto(`${h.base}/admin`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.locator('nav').innerText(), /Pending \(1\)/);
    await page.getByLabel('Approve', { exact: true }).check();
    await page.getByRole('button', { name: 'Apply the decisions' }).click();
    assert.match(await page.locator('nav').innerText(), /Approved \(1\)/);

    await page.goto(`${h.base}/s/leaving-session/tally`);
    const tally = await page.locator('main').innerText();
    assert.match(tally, /1 reply counted/);
    assert.match(tally, /Conversations/);
    assert.match(tally, /It just works <3/);
    await context.close();
  });
});
