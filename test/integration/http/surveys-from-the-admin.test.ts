// The author runs the surveys from the admin: sees each with its replies, closes and reopens it
// without a restart. The state is in the database: every instance agrees at once, a closed form
// says so and links to its tally, and a reply sent to it is not stored.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import request from 'supertest';
import { signedIn, type Agent } from '../../helpers/admin.ts';
import { fixturesDir, useTestApp } from '../../helpers/app.ts';
import { postForm, secretIn, storeReply, tokenOf } from '../../helpers/replies.ts';

const t = useTestApp(path.join(fixturesDir, 'surveys'));

async function setOpen(agent: Agent, csrf: string, slug: string, open: boolean): Promise<string> {
  const res = await agent
    .post(`/admin/surveys/${slug}/state`)
    .type('form')
    .send({ _csrf: csrf, open: open ? 'yes' : 'no' })
    .expect(303);
  const page = await agent.get(res.headers.location!).expect(200);
  return /<p class="notice" role="status">([^<]*)<\/p>/.exec(page.text)?.[1] ?? '';
}

function section(html: string, slug: string): string {
  const start = html.lastIndexOf('<section', html.indexOf(`id="s-${slug}"`));
  return html.slice(start, html.indexOf('</section>', start));
}

describe('surveys, run from the admin', () => {
  test('lists every survey, open or closed, with its replies per status', async () => {
    await storeReply(t.db, { survey: 'text-editors', answers: [{ questionId: 'editor', value: 'vim' }] });
    await storeReply(t.db, { survey: 'text-editors', answers: [{ questionId: 'editor', value: 'vim' }], status: 'approved' });
    await storeReply(t.db, { survey: 'closed-post', answers: [{ questionId: 'answer', value: 'Yes.' }], status: 'spam' });
    const { agent } = await signedIn(t.app, t.db);
    const page = await agent.get('/admin/surveys').expect(200);
    assert.match(page.text, /Pending \(1\)<\/a>/, 'the navigation counts stay');
    const editors = section(page.text, 'text-editors');
    assert.match(editors, /<span class="state open">Open<\/span>/);
    assert.match(editors, /<a href="\/admin\/replies\?status=pending&amp;survey=text-editors">1 pending<\/a>/);
    assert.match(editors, />1 approved</);
    assert.match(editors, />0 spam</);
    assert.match(editors, /Close it/);
    const older = section(page.text, 'closed-post');
    assert.match(older, /<span class="state closed">Closed<\/span>/);
    assert.match(older, />1 spam</);
    assert.match(older, /Open it again/);
  });

  test('a survey closed from the admin says so on its form, links to its tally and stores nothing; reopened, it takes replies again', async () => {
    const { agent, csrf } = await signedIn(t.app, t.db);
    const token = tokenOf((await request(t.app).get('/s/text-editors').expect(200)).text);
    assert.equal(
      await setOpen(agent, csrf, 'text-editors', false),
      '“Which editor writes your capsule?” is closed: its form says so and takes no more replies; its tally stays public.',
    );

    const form = await request(t.app).get('/s/text-editors').expect(410);
    assert.match(form.text, /<h1>Which editor writes your capsule\?<\/h1>/);
    assert.match(form.text, /This survey is closed: it takes no more replies\./);
    assert.match(form.text, /<a class="button" href="\/s\/text-editors\/tally">See what readers answered<\/a>/);
    assert.doesNotMatch(form.text, /<form/);
    await postForm(t.app, '/s/text-editors/replies', [
      ['token', token],
      ['editor', 'vim'],
    ]).expect(410);
    assert.equal(await t.db.reply.count(), 0);

    const index = await request(t.app).get('/').expect(200);
    assert.match(
      index.text,
      /<h2>Closed: what readers answered<\/h2>\s*<ul class="surveys">[\s\S]*<a href="\/s\/text-editors\/tally">Which editor writes your capsule\?<\/a>/,
    );
    assert.doesNotMatch(index.text, /href="\/s\/text-editors"/);
    assert.doesNotMatch((await request(t.app).get('/s/text-editors/tally').expect(200)).text, /Add your reply/);

    assert.match(await setOpen(agent, csrf, 'text-editors', true), /is open again: its form takes replies/);
    await request(t.app).get('/s/text-editors').expect(200);
    await postForm(t.app, '/s/text-editors/replies', [
      ['token', token],
      ['editor', 'vim'],
    ]).expect(303);
    assert.equal(await t.db.reply.count(), 1);
  });

  test('a survey its file starts closed can be opened', async () => {
    const { agent, csrf } = await signedIn(t.app, t.db);
    await request(t.app).get('/s/closed-post').expect(410);
    await setOpen(agent, csrf, 'closed-post', true);
    const token = tokenOf((await request(t.app).get('/s/closed-post').expect(200)).text);
    await postForm(t.app, '/s/closed-post/replies', [
      ['token', token],
      ['answer', 'Better late.'],
    ]).expect(303);
    assert.match((await request(t.app).get('/').expect(200)).text, /href="\/s\/closed-post"/);
  });

  test('every instance agrees at once, with no restart', async () => {
    const [one, two] = [await t.makeApp(), await t.makeApp()];
    await request(two).get('/s/text-editors').expect(200);
    const { agent, csrf } = await signedIn(one, t.db);
    await setOpen(agent, csrf, 'text-editors', false);
    await request(two).get('/s/text-editors').expect(410);
    await setOpen(agent, csrf, 'text-editors', true);
    await request(two).get('/s/text-editors').expect(200);
  });

  test('a reader of a closed survey keeps their reply: it can be seen and deleted, not changed', async () => {
    const token = tokenOf((await request(t.app).get('/s/text-editors').expect(200)).text);
    await postForm(t.app, '/s/text-editors/replies', [
      ['token', token],
      ['editor', 'emacs'],
    ]).expect(303);
    const link = `/r/${secretIn(token)}`;
    assert.match((await request(t.app).get(link).expect(200)).text, /Change my reply/);
    const { agent, csrf } = await signedIn(t.app, t.db);
    await setOpen(agent, csrf, 'text-editors', false);
    const page = await request(t.app).get(link).expect(200);
    assert.doesNotMatch(page.text, /Change my reply/);
    assert.match(page.text, /Delete my reply/);
    const edit = await request(t.app).get(`${link}/edit`).expect(410);
    assert.match(edit.text, /Your reply stays as it was\./);
    assert.match(edit.text, /<a href="\/r\/[^"]+">See my reply<\/a>/);
    await postForm(t.app, `${link}/edit`, [['editor', 'vim']]).expect(410);
    const answers = await t.db.answer.findMany({ where: { questionId: 'editor' } });
    assert.deepEqual(
      answers.map((a) => a.value),
      ['emacs'],
    );
  });

  test('refuses an unknown survey and a state that is neither yes nor no', async () => {
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent.post('/admin/surveys/no-such-post/state').type('form').send({ _csrf: csrf, open: 'no' }).expect(404);
    await agent.post('/admin/surveys/text-editors/state').type('form').send({ _csrf: csrf, open: 'maybe' }).expect(400);
    assert.equal(await t.db.surveyState.count(), 0);
  });
});
