import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { useTestApp } from '../helpers/app.ts';
import { postForm, secretIn, tokenOf } from '../helpers/forms.ts';

const t = useTestApp();

async function sendReply(): Promise<string> {
  const token = tokenOf((await request(t.app).get('/s/leaving-session')).text);
  const secret = secretIn(token);
  await postForm(t.app, '/s/leaving-session/replies', [
    ['token', token],
    ['messengers', 'matrix'],
    ['why', 'Rooms.'],
    ['contact', 'me@example.org'],
  ]).expect(303);
  return secret;
}

describe('the private link', () => {
  test('shows the reader their answers, including the private contact address', async () => {
    const secret = await sendReply();
    const res = await request(t.app).get(`/r/${secret}`).expect(200);
    assert.match(res.text, /Your reply to “Leaving Session”/);
    assert.match(res.text, /Rooms\./);
    assert.match(res.text, /me@example\.org/);
  });

  test('lets the reader change their reply, which then waits for moderation again', async () => {
    const secret = await sendReply();
    await t.db.reply.updateMany({ data: { status: 'approved' } });
    const edit = await request(t.app).get(`/r/${secret}/edit`).expect(200);
    assert.ok(edit.text.includes('Rooms.</textarea>'), 'the form is filled with the reply');
    assert.ok(edit.text.includes('value="matrix" checked'));

    const res = await postForm(t.app, `/r/${secret}/edit`, [['messengers', 'xmpp'], ['why', 'Lighter.']]).expect(303);
    assert.equal(res.headers.location, `/r/${secret}?edited`);
    const reply = await t.db.reply.findFirstOrThrow({ include: { answers: true } });
    assert.equal(reply.status, 'pending');
    assert.deepEqual(reply.answers.map((a) => a.value).sort(), ['Lighter.', 'xmpp']);
    assert.equal(reply.contact, null, 'a field emptied in the edit is emptied in the reply');
  });

  test('a reply marked as spam stays spam when edited', async () => {
    const secret = await sendReply();
    await t.db.reply.updateMany({ data: { status: 'spam' } });
    await postForm(t.app, `/r/${secret}/edit`, [['messengers', 'xmpp']]).expect(303);
    assert.equal((await t.db.reply.findFirstOrThrow()).status, 'spam');
  });

  test('keeps the typed text when an edit has a mistake', async () => {
    const secret = await sendReply();
    const res = await postForm(t.app, `/r/${secret}/edit`, [['why', 'Only this']]).expect(400);
    assert.ok(res.text.includes('Only this</textarea>'));
    assert.equal((await t.db.answer.findMany()).length, 2, 'the stored reply is unchanged');
  });

  test('deletes the reply after asking', async () => {
    const secret = await sendReply();
    const confirm = await request(t.app).get(`/r/${secret}/delete`).expect(200);
    assert.match(confirm.text, /cannot be undone/);
    assert.equal(await t.db.reply.count(), 1, 'asking deletes nothing');
    await request(t.app).post(`/r/${secret}/delete`).expect(200);
    assert.equal(await t.db.reply.count(), 0);
    assert.equal(await t.db.answer.count(), 0);
    await request(t.app).get(`/r/${secret}`).expect(404);
  });

  test('answers 404 to a wrong or malformed secret, 400 to an undecodable one', async () => {
    await sendReply();
    await request(t.app).get(`/r/${'A'.repeat(43)}`).expect(404);
    await request(t.app).get('/r/%00<script>').expect(404);
    await request(t.app).get('/r/%ff').expect(400);
    await request(t.app).post(`/r/${'A'.repeat(43)}/delete`).expect(404);
    assert.equal(await t.db.reply.count(), 1);
  });
});
