// A client certificate is optional. When a reader sends one, Postbag keeps only a keyed hash of
// its fingerprint, and the same certificate finds and changes the reply without the link.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { makeSelfSigned, type Credentials } from '../../../src/gemini/certificate.ts';
import { useTestApp } from '../../helpers/app.ts';
import { linksOf, useGemini } from './client.ts';
import { answer, sendShortReply } from './flow.ts';

const t = useTestApp();
const gemini = useGemini(t);
let reader: Credentials;
let stranger: Credentials;
before(async () => {
  [reader, stranger] = await Promise.all([makeSelfSigned('reader'), makeSelfSigned('stranger')]);
});

describe('a Gemini client certificate', () => {
  test('is not needed to answer: the reply just carries no certificate', async () => {
    await sendShortReply(gemini);
    assert.equal((await t.db.reply.findFirstOrThrow()).geminiClient, null);
  });

  test('is kept only as a keyed hash, never as its fingerprint', async () => {
    await sendShortReply(gemini, { identity: reader });
    const stored = (await t.db.reply.findFirstOrThrow()).geminiClient;
    assert.match(stored ?? '', /^[0-9a-f]{64}$/);
    const fingerprint = new X509Certificate(reader.cert).fingerprint256;
    assert.ok(!stored!.includes(fingerprint.replaceAll(':', '').toLowerCase()), 'not the SHA-256 fingerprint');
    const key = await t.db.setting.findUniqueOrThrow({ where: { key: 'gemini-client-key' } });
    assert.match(key.value, /^[A-Za-z0-9_-]{43}$/, 'under a random key kept in the settings');
  });

  test('finds the reply again and changes it, without the private link', async () => {
    await sendShortReply(gemini, { identity: reader });
    const mine = await gemini.get('/a/', undefined, { identity: reader });
    assert.equal(mine.status, 20);
    const [link] = linksOf(mine.body).find(([url]) => url === '/a/mine/leaving-session') ?? [];
    assert.ok(link, 'the survey answered is listed');

    const page = await gemini.get(link, undefined, { identity: reader });
    assert.match(page.body, /Found by your client certificate/);
    assert.match(page.body, /^ XMPP$/m);
    assert.ok(!/gemini:\/\/localhost\/r\//.test(page.body), 'the private link cannot be shown: only its hash is kept');

    assert.equal(await answer(gemini, `${link}/q/messengers/change`, '1', { identity: reader }), link);
    const answers = await t.db.answer.findMany({ where: { questionId: 'messengers' } });
    assert.deepEqual(
      answers.map((a) => a.value),
      ['matrix'],
    );
  });

  test('another certificate, or none, finds nothing', async () => {
    await sendShortReply(gemini, { identity: reader });
    const none = await gemini.get('/a/');
    assert.equal(none.status, 60, 'asks for a certificate at the root of the answering pages');
    assert.equal((await gemini.get('/a/mine/leaving-session')).status, 60);
    assert.equal((await gemini.get('/a/mine/leaving-session', undefined, { identity: stranger })).status, 51);
    assert.match((await gemini.get('/a/', undefined, { identity: stranger })).body, /No reply was sent with this client certificate yet/);
    assert.equal((await gemini.get('/a/mine/leaving-session/q/messengers/change', '1', { identity: stranger })).status, 51);
    assert.equal((await gemini.get('/a/mine/leaving-session/delete', 'yes', { identity: stranger })).status, 51);
    assert.equal(await t.db.reply.count(), 1);
  });

  test('deletes the reply it finds, after a confirmation', async () => {
    await sendShortReply(gemini, { identity: reader });
    assert.match((await gemini.get('/a/mine/leaving-session/delete', 'no', { identity: reader })).meta, /^Nothing was deleted\./);
    assert.equal(await t.db.reply.count(), 1);
    assert.equal((await gemini.get('/a/mine/leaving-session/delete', 'yes', { identity: reader })).status, 20);
    assert.equal(await t.db.reply.count(), 0);
  });
});
