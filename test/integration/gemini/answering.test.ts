// A reader answers the whole survey from a Gemini client, one question per prompt, gets a
// private link and changes an answer through it; the author sees the reply in the queue as
// coming from Gemini, approves it, and the tally read over Gemini counts it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { linksOf, linkTo, useGemini } from './client.ts';
import { answer, answerSurvey, startDraft } from './flow.ts';

const t = useTestApp();
const gemini = useGemini(t);

describe('answering from a Gemini client', () => {
  test('a reader answers every question, one prompt each, and the reply waits for the author', async () => {
    await answerSurvey(gemini);
    const reply = await t.db.reply.findFirstOrThrow({ include: { answers: true } });
    assert.equal(reply.status, 'pending');
    assert.equal(reply.channel, 'gemini');
    assert.equal(reply.geminiClient, null, 'no certificate, nothing to remember');
    assert.equal(reply.displayName, 'Ada');
    assert.equal(reply.contact, 'ada@example.org');
    assert.equal(reply.consentQuote, true);
    const values = (question: string, scope = '') =>
      reply.answers
        .filter((a) => a.questionId === question && a.scope === scope)
        .sort((a, b) => a.position - b.position)
        .map((a) => a.value);
    assert.deepEqual(values('messengers'), ['matrix', 'deltachat', 'Signal']);
    assert.deepEqual(values('why'), ['Rooms and bridges.\nAnd it is federated.']);
    assert.deepEqual(values('clients', 'matrix'), ['Element', 'Nheko']);
    assert.deepEqual(values('hosting', 'matrix'), ['self-host']);
    assert.deepEqual(values('server', 'matrix'), ['Synapse']);
    assert.deepEqual(values('provider', 'deltachat'), ['nine.testrun.org']);
    assert.deepEqual(values('clients', 'xmpp'), [], 'XMPP was not picked: its questions were never asked');
    assert.equal(await t.db.geminiDraft.count(), 0, 'the draft is gone once sent');
  });

  test('the private link shows the reply and changes an answer, which then waits for the author again', async () => {
    const link = await answerSurvey(gemini);
    await t.db.reply.updateMany({ data: { status: 'approved' } });
    const page = await gemini.get(link);
    assert.equal(page.status, 20);
    assert.ok(
      linksOf(page.body).some(([url]) => url === `gemini://localhost${link}`),
      'the full private link is on the page',
    );
    assert.match(page.body, /^ Status: published in the tally\./m);

    const change = linksOf(page.body).find(([url]) => url === `${link}/q/why/change`);
    assert.ok(change, 'each answer has a link to change it');
    const prompt = await gemini.get(change[0]);
    assert.equal(prompt.status, 10);
    assert.equal(await answer(gemini, change[0], 'Bridges to everything.'), link);

    const reply = await t.db.reply.findFirstOrThrow({ include: { answers: true } });
    assert.equal(reply.status, 'pending');
    assert.deepEqual(
      reply.answers.filter((a) => a.questionId === 'why').map((a) => a.value),
      ['Bridges to everything.'],
    );
    assert.equal(reply.answers.filter((a) => a.questionId === 'clients').length, 3, 'the other answers are kept');
    assert.match((await gemini.get(link)).body, /^> Bridges to everything\.$/m);
  });

  test('the author sees it in the queue as coming from Gemini; once approved, the Gemini tally counts it', async () => {
    await answerSurvey(gemini);
    const { agent, csrf } = await signedIn(t.app, t.db);
    const queue = await agent.get('/admin/replies').expect(200);
    assert.match(queue.text, /<dt>Via<\/dt><dd class="channel">Gemini<\/dd>/);

    const before = await gemini.get('/s/leaving-session/tally.gmi');
    assert.match(before.body, /No reply has been published yet\./);
    const { id } = await t.db.reply.findFirstOrThrow();
    await agent.post('/admin/replies/moderate').type('form').send({ _csrf: csrf, action: 'approved', ids: id, back: '/admin/replies' }).expect(303);

    const tally = await gemini.get('/s/leaving-session/tally.gmi');
    assert.equal(tally.status, 20);
    assert.equal(tally.meta, 'text/gemini; charset=utf-8');
    assert.match(tally.body, /^ 1 reply counted/m);
    assert.match(tally.body, /^\* Matrix: 1 of 1 reader \(100%\)$/m);
    const overHttp = await request(t.app).get('/s/leaving-session/tally.gmi').expect(200);
    assert.equal(tally.body, overHttp.text, 'the same document as over HTTP');
  });

  test('sending answered with anything but yes sends nothing, and the prompt says so', async () => {
    const draft = await startDraft(gemini);
    const kept = await gemini.get(`${draft}/send`, 'send');
    assert.equal(kept.status, 10);
    assert.match(kept.meta, /^Nothing was sent\. Send your reply to “Leaving Session”\? Type yes to send it/);
    assert.equal(await t.db.reply.count(), 0);
  });

  test('the tally’s “Up One Level” leads to the surveys, and the survey’s folder to its page', async () => {
    const tallyUrl = new URL('gemini://localhost/s/leaving-session/tally.gmi');
    const up = new URL(linkTo((await gemini.get(tallyUrl.pathname)).body, 'Up One Level'), tallyUrl);
    const surveys = await gemini.get(up.pathname);
    assert.equal(surveys.status, 20, `${up.pathname} → ${surveys.status} ${surveys.meta}`);
    assert.ok(linkTo(surveys.body, 'Leaving Session (2026-05-01)'));
    const folder = await gemini.get('/s/leaving-session/');
    assert.equal(folder.status, 20);
    assert.match(folder.body, /^# Leaving Session$/m);
  });

  test('a reply can be deleted through its private link, after a confirmation', async () => {
    const link = await answerSurvey(gemini);
    const ask = await gemini.get(`${link}/delete`);
    assert.equal(ask.status, 10);
    const kept = await gemini.get(`${link}/delete`, 'no');
    assert.deepEqual([kept.status, kept.meta.startsWith('Nothing was deleted. Delete your reply')], [10, true], 'anything but yes keeps it, and says so');
    assert.equal(await t.db.reply.count(), 1);
    const deleted = await gemini.get(`${link}/delete`, 'yes');
    assert.equal(deleted.status, 20);
    assert.equal(await t.db.reply.count(), 0);
    assert.equal((await gemini.get(link)).status, 51);
  });
});
