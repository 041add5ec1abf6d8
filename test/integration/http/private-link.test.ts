import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Express } from 'express';
import request from 'supertest';
import { setStatus } from '../../../src/moderation/actions.ts';
import { useTestApp } from '../../helpers/app.ts';
import { visibleText } from '../../helpers/pages.ts';
import { postForm, sendReply } from '../../helpers/replies.ts';

const t = useTestApp();

const sendRooms = () =>
  sendReply(t.app, [
    ['messengers', 'matrix'],
    ['why', 'Rooms.'],
    ['contact', 'me@example.org'],
  ]);

async function approveAll(): Promise<void> {
  await setStatus(
    t.db,
    (await t.db.reply.findMany()).map((r) => r.id),
    'approved',
  );
}

describe('the private link', () => {
  test('shows the reader their answers, including the private contact address', async () => {
    const secret = await sendRooms();
    const res = await request(t.app).get(`/r/${secret}`).expect(200);
    assert.match(res.text, /Your reply to “Leaving Session”/);
    assert.match(res.text, /Rooms\./);
    assert.match(res.text, /me@example\.org/);
  });

  test('lets the reader change their reply, which then waits for moderation again', async () => {
    const secret = await sendRooms();
    await approveAll();
    const edit = await request(t.app).get(`/r/${secret}/edit`).expect(200);
    assert.ok(edit.text.includes('Rooms.</textarea>'), 'the form is filled with the reply');
    assert.ok(edit.text.includes('value="matrix" checked'));

    const res = await postForm(t.app, `/r/${secret}/edit`, [
      ['messengers', 'xmpp'],
      ['why', 'Lighter.'],
    ]).expect(303);
    assert.equal(res.headers.location, `/r/${secret}?edited`);
    const reply = await t.db.reply.findFirstOrThrow({ include: { answers: true } });
    assert.equal(reply.status, 'pending');
    assert.deepEqual(reply.answers.map((a) => a.value).sort(), ['Lighter.', 'xmpp']);
    assert.equal(reply.contact, null, 'a field emptied in the edit is emptied in the reply');
  });

  test('a reply marked as spam stays spam when edited', async () => {
    const secret = await sendRooms();
    await setStatus(
      t.db,
      (await t.db.reply.findMany()).map((r) => r.id),
      'spam',
    );
    await postForm(t.app, `/r/${secret}/edit`, [['messengers', 'xmpp']]).expect(303);
    const reply = await t.db.reply.findFirstOrThrow({ include: { answers: true } });
    assert.equal(reply.status, 'spam');
    assert.deepEqual(
      reply.answers.map((a) => a.value),
      ['xmpp'],
      'the edit itself is saved',
    );
  });

  test('keeps the typed text when an edit has a mistake, and changes nothing stored', async () => {
    const secret = await sendRooms();
    const res = await postForm(t.app, `/r/${secret}/edit`, [['why', 'Only this']]).expect(400);
    assert.ok(res.text.includes('Only this</textarea>'));
    const answers = await t.db.answer.findMany();
    assert.deepEqual(answers.map((a) => a.value).sort(), ['Rooms.', 'matrix'], 'the stored reply is unchanged');
  });

  test('deletes the reply after asking', async () => {
    const secret = await sendRooms();
    const confirm = await request(t.app).get(`/r/${secret}/delete`).expect(200);
    assert.match(confirm.text, /cannot be undone/);
    assert.equal(await t.db.reply.count(), 1, 'asking deletes nothing');
    await request(t.app).post(`/r/${secret}/delete`).expect(200);
    assert.equal(await t.db.reply.count(), 0);
    assert.equal(await t.db.answer.count(), 0);
    await request(t.app).get(`/r/${secret}`).expect(404);
  });

  test('answers 404 to a wrong or malformed secret and 400 to an undecodable one, deleting nothing', async () => {
    await sendRooms();
    await request(t.app)
      .get(`/r/${'A'.repeat(43)}`)
      .expect(404);
    await request(t.app).get('/r/%00<script>').expect(404);
    await request(t.app).get('/r/%ff').expect(400);
    await request(t.app)
      .post(`/r/${'A'.repeat(43)}/delete`)
      .expect(404);
    assert.equal(await t.db.reply.count(), 1);
  });
});

describe("a reader's change to a published reply changes the published tally", () => {
  const tallyText = async () => visibleText((await request(t.app).get('/s/leaving-session/tally').expect(200)).text);

  test('an edit takes the reply out of the tally until the author approves it again', async () => {
    const secret = await sendRooms();
    await sendReply(t.app, [['messengers', 'xmpp']]);
    await approveAll();
    const before = await tallyText();
    assert.match(before, /2 replies counted/);
    assert.match(before, /Matrix 1 50%/);

    await postForm(t.app, `/r/${secret}/edit`, [['messengers', 'deltachat']]).expect(303);
    const after = await tallyText();
    assert.match(after, /1 reply counted/);
    assert.match(after, /Matrix 0 0% XMPP 1 100% Delta Chat 0 0%/, 'neither the old answer nor the new one is counted');

    await approveAll();
    assert.match(await tallyText(), /2 replies counted.*Matrix 0 0% XMPP 1 50% Delta Chat 1 50%/);
  });

  test('a delete takes the reply out of the tally at once', async () => {
    const secret = await sendRooms();
    await sendReply(t.app, [['messengers', 'xmpp']]);
    await approveAll();
    assert.match(await tallyText(), /2 replies counted.*Matrix 1 50% XMPP 1 50%/);

    await request(t.app).post(`/r/${secret}/delete`).expect(200);
    assert.match(await tallyText(), /1 reply counted.*Matrix 0 0% XMPP 1 100%/);
  });
});

describe('the private link of a reply to a survey closed since', () => {
  /** The same app after the author closed the survey (its file now says `"open": false`). */
  async function closedApp(): Promise<Express> {
    const survey = t.surveys.get('leaving-session')!;
    return t.makeApp({ surveys: new Map([[survey.slug, { ...survey, open: false }]]) });
  }

  test('still shows the reply, without the offer to change it', async () => {
    const secret = await sendRooms();
    const res = await request(await closedApp())
      .get(`/r/${secret}`)
      .expect(200);
    assert.match(res.text, /Rooms\./);
    assert.doesNotMatch(res.text, /Change my reply/);
    assert.ok(res.text.includes(`href="/r/${secret}/delete"`));
  });

  test('answers the edit form with 410: the survey is closed, the reply stays, and it can still be seen or deleted', async () => {
    const secret = await sendRooms();
    const res = await request(await closedApp())
      .get(`/r/${secret}/edit`)
      .expect(410);
    const text = visibleText(res.text);
    assert.match(text, /“Leaving Session” is closed/);
    assert.match(text, /replies to it can no longer be changed\. Your reply stays as it was\./);
    assert.doesNotMatch(text, /not saved/, 'nothing was sent');
    assert.ok(res.text.includes(`<a href="/r/${secret}">See my reply</a>`));
    assert.ok(res.text.includes(`<a href="/r/${secret}/delete">Delete my reply</a>`));
    assert.doesNotMatch(res.text, /<form/);
  });

  test('refuses an edit sent after closing with 410, saying it was not saved, and keeps the reply as it was', async () => {
    const secret = await sendRooms();
    await approveAll();
    const res = await postForm(await closedApp(), `/r/${secret}/edit`, [
      ['messengers', 'xmpp'],
      ['why', 'Changed my mind.'],
    ]).expect(410);
    assert.match(visibleText(res.text), /Your changes were not saved: replies to it can no longer be changed\./);
    const reply = await t.db.reply.findFirstOrThrow({ include: { answers: true } });
    assert.equal(reply.status, 'approved', 'it stays in the tally');
    assert.deepEqual(reply.answers.map((a) => a.value).sort(), ['Rooms.', 'matrix']);
  });

  test('still deletes the reply', async () => {
    const secret = await sendRooms();
    const app = await closedApp();
    await request(app).get(`/r/${secret}/delete`).expect(200);
    await request(app).post(`/r/${secret}/delete`).expect(200);
    assert.equal(await t.db.reply.count(), 0);
  });
});
