import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import path from 'node:path';
import { hashSecret } from '../../../src/replies/secret.ts';
import { loadSurveys } from '../../../src/surveys/load.ts';
import { fixturesDir, useTestApp } from '../../helpers/app.ts';
import { fieldError } from '../../helpers/pages.ts';
import { type FormPairs, openForm, postForm, secretIn, tokenOf } from '../../helpers/replies.ts';

const t = useTestApp();

const freshToken = () => openForm(t.app);

function fullReply(token: string): FormPairs {
  return [
    ['token', token],
    ['messengers', 'matrix'],
    ['messengers', 'xmpp'],
    ['messengers.other', 'SimpleX, Signal'],
    ['why', 'Federation.\r\nNo phone number.'],
    ['compare', 'XMPP is lighter; Matrix has more rooms.'],
    ['clients.matrix', 'element desktop'],
    ['clients.matrix', 'FluffyChat'],
    ['clients.matrix', ''],
    ['hosting.matrix', 'self-host'],
    ['server.matrix', 'Synapse'],
    ['clients.xmpp', 'Conversations'],
    ['hosting.xmpp', 'provider'],
    ['provider.xmpp', 'yax.im'],
    ['display_name', 'Ada'],
    ['contact', 'ada@example.org'],
    ['consent_quote', 'yes'],
  ];
}

describe('the list of surveys', () => {
  test('shows open surveys and links to their forms', async () => {
    const res = await request(t.app).get('/').expect(200);
    assert.match(res.text, /<a href="\/s\/leaving-session">Leaving Session<\/a>/);
  });
});

describe('GET /s/:slug', () => {
  test('shows a form without scripts in which every control has a label', async () => {
    const res = await request(t.app).get('/s/leaving-session').expect(200);
    assert.doesNotMatch(res.text, /<script/i);
    const ids = [...res.text.matchAll(/<(?:input|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(ids.length > 20, `expected many controls, found ${ids.length}`);
    for (const id of ids) assert.match(res.text, new RegExp(`<label for="${id}">`), `control ${id} has no label`);
    assert.match(res.headers['content-security-policy'] ?? '', /script-src 'none'/);
  });

  test('suggests client names from the catalog for each messenger', async () => {
    const res = await request(t.app).get('/s/leaving-session').expect(200);
    assert.match(res.text, /list="names-matrix-client"/);
    const matrixClients = /<datalist id="names-matrix-client">(.*?)<\/datalist>/.exec(res.text)?.[1] ?? '';
    assert.match(matrixClients, /<option value="Element">/);
    assert.doesNotMatch(matrixClients, /Conversations/);
  });

  test('offers "No answer" on every single-choice question, ticked until the reader picks', async () => {
    const res = await request(t.app).get('/s/leaving-session').expect(200);
    const groups = new Set([...res.text.matchAll(/type="radio"[^>]* name="([^"]+)"/g)].map((m) => m[1]!));
    assert.deepEqual([...groups].sort(), ['hosting.deltachat', 'hosting.matrix', 'hosting.xmpp']);
    for (const group of groups) {
      const id = `f-${group.replace('.', '-')}-none`;
      assert.ok(res.text.includes(`<input type="radio" id="${id}" name="${group}" value="" checked>`), group);
      assert.ok(res.text.includes(`<label for="${id}">No answer</label>`), group);
      assert.equal(res.text.match(new RegExp(`name="${group}" value="[^"]*" checked`, 'g'))?.length, 1, `${group}: one tick`);
    }
  });

  test('gives each visit a new token, holding a new secret for the private link', async () => {
    const [first, second] = [await freshToken(), await freshToken()];
    assert.notEqual(secretIn(first), secretIn(second));
  });

  test('answers 404 for an unknown survey', async () => {
    const res = await request(t.app).get('/s/no-such-post').expect(404);
    assert.match(res.text, /no survey at this address/);
  });
});

describe('POST /s/:slug with a valid reply', () => {
  test('stores it as pending and sends the reader to the thank-you page with their private link', async () => {
    const token = await freshToken();
    const secret = secretIn(token);
    const res = await postForm(t.app, '/s/leaving-session/replies', fullReply(token)).expect(303);
    assert.equal(res.headers.location, `/r/${secret}?thanks`);

    const replies = await t.db.reply.findMany({ include: { answers: true } });
    assert.equal(replies.length, 1);
    const reply = replies[0]!;
    assert.equal(reply.status, 'pending');
    assert.equal(reply.secretHash, hashSecret(secret));
    assert.equal(reply.displayName, 'Ada');
    assert.equal(reply.contact, 'ada@example.org');
    assert.equal(reply.consentQuote, true);
    const answer = (q: string, scope = '') =>
      reply.answers
        .filter((a) => a.questionId === q && a.scope === scope)
        .sort((a, b) => a.position - b.position)
        .map((a) => a.value);
    assert.deepEqual(answer('messengers'), ['matrix', 'xmpp', 'SimpleX', 'Signal']);
    assert.deepEqual(answer('why'), ['Federation.\nNo phone number.']);
    assert.deepEqual(answer('clients', 'matrix'), ['element desktop', 'FluffyChat']);
    assert.deepEqual(answer('hosting', 'matrix'), ['self-host']);
    assert.deepEqual(answer('provider', 'xmpp'), ['yax.im']);
    const typedIn = reply.answers.find((a) => a.value === 'element desktop');
    assert.equal(typedIn?.nameKey, 'elementdesktop');

    const thanks = await request(t.app).get(res.headers.location).expect(200);
    assert.match(thanks.text, /Thank you!/);
    assert.ok(thanks.text.includes(`/r/${secret}`));
    assert.match(thanks.text, /waiting for the author/);
  });

  test('stores one reply when the same form is sent twice', async () => {
    const token = await freshToken();
    const secret = secretIn(token);
    await postForm(t.app, '/s/leaving-session/replies', fullReply(token)).expect(303);
    const answers = await t.db.answer.count();
    const again = await postForm(t.app, '/s/leaving-session/replies', fullReply(token)).expect(303);
    assert.equal(again.headers.location, `/r/${secret}?thanks`);
    assert.equal(await t.db.reply.count(), 1);
    assert.equal(await t.db.answer.count(), answers);
  });

  test('keeps the last version when the reader goes back, changes an answer and sends again', async () => {
    const token = await freshToken();
    await postForm(t.app, '/s/leaving-session/replies', [
      ['token', token],
      ['messengers', 'matrix'],
    ]).expect(303);
    await postForm(t.app, '/s/leaving-session/replies', [
      ['token', token],
      ['messengers', 'xmpp'],
    ]).expect(303);
    const answers = await t.db.answer.findMany();
    assert.deepEqual(
      answers.map((a) => a.value),
      ['xmpp'],
    );
    assert.equal(await t.db.reply.count(), 1);
  });

  test('accepts the "No answer" radios a text browser sends for every messenger', async () => {
    const noAnswers: FormPairs = ['matrix', 'xmpp', 'deltachat'].map((m) => [`hosting.${m}`, '']);
    await postForm(t.app, '/s/leaving-session/replies', [['token', await freshToken()], ['messengers', 'xmpp'], ...noAnswers]).expect(303);
    assert.equal(await t.db.answer.count(), 1);
  });

  test('accepts a reply with only the required answer', async () => {
    await postForm(t.app, '/s/leaving-session/replies', [
      ['token', await freshToken()],
      ['messengers', 'deltachat'],
    ]).expect(303);
    assert.equal(await t.db.answer.count(), 1);
  });
});

describe('POST /s/:slug with mistakes', () => {
  async function rejected(pairs: FormPairs, status = 400) {
    const res = await postForm(t.app, '/s/leaving-session/replies', [['token', await freshToken()], ...pairs]).expect(status);
    assert.equal(await t.db.reply.count(), 0, 'nothing is stored');
    return res.text;
  }

  test('asks for the required answer and keeps everything typed', async () => {
    const html = await rejected([
      ['why', 'Because <b>privacy</b> & "freedom"'],
      ['display_name', 'Zoë'],
    ]);
    assert.equal(fieldError(html, 'f-messengers'), 'Please answer this question.');
    assert.ok(html.includes('Because &lt;b&gt;privacy&lt;/b&gt; &amp; &#34;freedom&#34;</textarea>'));
    assert.ok(html.includes('value="Zoë"'));
  });

  test('refuses an answer longer than allowed, saying by how much', async () => {
    const html = await rejected([
      ['messengers', 'matrix'],
      ['why', 'x'.repeat(2001)],
    ]);
    assert.match(fieldError(html, 'f-why') ?? '', /2000 characters \(it has 2001\)/);
  });

  test('refuses an unknown messenger', async () => {
    const html = await rejected([['messengers', 'session']]);
    assert.equal(fieldError(html, 'f-messengers'), 'Please pick from the options listed.');
  });

  test('refuses clients for a messenger the reader did not pick', async () => {
    const html = await rejected([
      ['messengers', 'xmpp'],
      ['clients.matrix', 'Element'],
    ]);
    assert.match(fieldError(html, 'f-clients-matrix') ?? '', /for Matrix but did not pick it/);
    assert.ok(html.includes('value="Element"'));
  });

  test('refuses more names than the question allows', async () => {
    const names: FormPairs = ['a', 'b', 'c', 'd'].map((n) => ['clients.matrix', n]);
    const html = await rejected([['messengers', 'matrix'], ...names]);
    assert.equal(fieldError(html, 'f-clients-matrix'), 'Please name at most 3.');
  });

  test('refuses NUL bytes and control characters', async () => {
    const html = await rejected([
      ['messengers', 'matrix'],
      ['why', 'ok\u0000then\u001b[31m'],
    ]);
    assert.match(fieldError(html, 'f-why') ?? '', /control characters/);
    assert.ok(html.includes('okthen[31m</textarea>'), 'the rest of the text is kept');
  });

  test('refuses a field sent twice that takes one value', async () => {
    const html = await rejected([
      ['messengers', 'matrix'],
      ['display_name', 'A'],
      ['display_name', 'B'],
    ]);
    assert.equal(fieldError(html, 'f-display-name'), 'This field was sent more than once.');
  });

  test('refuses a radio answer that is not an option', async () => {
    const html = await rejected([
      ['messengers', 'matrix'],
      ['hosting.matrix', 'both'],
    ]);
    assert.equal(fieldError(html, 'f-hosting-matrix'), 'Please pick from the options listed.');
  });

  test('shows the form again with a new token, keeping the answers, when the token is missing or forged', async () => {
    const forged = `${(await freshToken()).slice(0, -4)}AAAA`;
    for (const token of [[], [['token', 'short']], [['token', forged]]] as FormPairs[]) {
      const res = await postForm(t.app, '/s/leaving-session/replies', [...token, ['messengers', 'matrix']]).expect(400);
      assert.match(res.text, /did not come from this page/);
      assert.match(secretIn(tokenOf(res.text)), /^[A-Za-z0-9_-]{43}$/);
      assert.ok(res.text.includes('value="matrix" checked'));
    }
    assert.equal(await t.db.reply.count(), 0);
  });

  test("with another survey's form token, loses nothing: the form comes back with everything typed and a new token", async () => {
    const fixtures = await loadSurveys(path.join(fixturesDir, 'surveys'));
    const app = await t.makeApp({ surveys: new Map([...t.surveys, ...fixtures]) });
    const leaving = await openForm(app);
    await postForm(app, '/s/leaving-session/replies', [
      ['token', leaving],
      ['messengers', 'matrix'],
    ]).expect(303);
    const typed: FormPairs = [
      ['editor', 'emacs'],
      ['tip', 'Write offline.'],
    ];

    const res = await postForm(app, '/s/text-editors/replies', [['token', leaving], ...typed]).expect(400);
    assert.match(res.text, /did not come from this page/);
    assert.ok(res.text.includes('value="emacs" checked'));
    assert.ok(res.text.includes('Write offline.</textarea>'));
    const fresh = tokenOf(res.text);
    assert.notEqual(secretIn(fresh), secretIn(leaving));
    const first = await t.db.reply.findFirstOrThrow({ include: { answers: true } });
    assert.deepEqual([first.surveySlug, first.answers.map((a) => a.value)], ['leaving-session', ['matrix']], 'the first reply is untouched');
    assert.equal(await t.db.reply.count(), 1);

    await postForm(app, '/s/text-editors/replies', [['token', fresh], ...typed]).expect(303);
    const second = await t.db.reply.findFirstOrThrow({ where: { surveySlug: 'text-editors' }, include: { answers: true } });
    assert.equal(second.secretHash, hashSecret(secretIn(fresh)));
    assert.deepEqual(second.answers.map((a) => a.value).sort(), ['Write offline.', 'emacs']);
    assert.match(
      (
        await request(app)
          .get(`/r/${secretIn(leaving)}`)
          .expect(200)
      ).text,
      /Your reply to “Leaving Session”/,
      'each link leads to its own reply',
    );
  });
});

describe('POST /s/:slug with forged or broken requests', () => {
  const raw = (body: string | Buffer, type = 'application/x-www-form-urlencoded') =>
    request(t.app).post('/s/leaving-session/replies').set('Content-Type', type).send(body);

  test('answers 400 to invalid UTF-8', async () => {
    const res = await raw('messengers=matrix&why=%FF%FE').expect(400);
    assert.match(res.text, /not valid UTF-8/);
  });

  test('answers 400 to a malformed %-escape', async () => {
    await raw('messengers=matrix&why=100%ZZ').expect(400);
  });

  test('answers 400 to raw bytes outside ASCII', async () => {
    await raw(Buffer.from('messengers=matrix&why=caf\xc3\xa9', 'latin1')).expect(400);
  });

  test('answers 413 to a body over 64 KiB', async () => {
    const res = await raw(`why=${'a'.repeat(70_000)}`).expect(413);
    assert.match(res.text, /larger than Postbag accepts/);
  });

  test('answers 415 to a body that is not a web form', async () => {
    await raw(JSON.stringify({ messengers: ['matrix'] }), 'application/json').expect(415);
  });

  test('answers 400 to more fields than any form has (over 300)', async () => {
    await raw(Array.from({ length: 400 }, (_, i) => `f${i}=1`).join('&')).expect(400);
  });

  test('answers 415 to a compressed body', async () => {
    await raw('messengers=matrix').set('Content-Encoding', 'gzip').expect(415);
  });

  test('answers 400, not 500, to odd field names and values, storing nothing', async () => {
    const odd: FormPairs = [
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['messengers[]', 'matrix'],
      ['messengers', ''],
      ['why', '\u{1F600}'.repeat(10)],
    ];
    const res = await postForm(t.app, '/s/leaving-session/replies', [['token', await freshToken()], ...odd]);
    assert.equal(res.status, 400);
    assert.equal(await t.db.reply.count(), 0);
  });
});
