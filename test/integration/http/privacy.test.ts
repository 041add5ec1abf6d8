import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import request from 'supertest';
import { feedToken } from '../../../src/feed/feed.ts';
import { useTestApp } from '../../helpers/app.ts';
import { memoryLogger } from '../../helpers/logs.ts';
import { visibleText } from '../../helpers/pages.ts';
import { postForm, secretIn, sendReply, tokenOf } from '../../helpers/replies.ts';

const t = useTestApp();

/** GET with the request target exactly as given, on a connection of its own; resolves with the status. */
async function rawGet({ port }: AddressInfo, target: string): Promise<number> {
  const socket = connect(port, '127.0.0.1');
  socket.write(`GET ${target} HTTP/1.1\r\nHost: postbag.example\r\nConnection: close\r\n\r\n`);
  let response = '';
  for await (const chunk of socket) response += String(chunk);
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
}

describe("readers' privacy", () => {
  test('logs hold neither the reader’s address, nor their private link, nor the feed’s token', async () => {
    const { logger, text } = memoryLogger();
    const app = await t.makeApp({ logger, trustProxy: true });
    const token = tokenOf((await request(app).get('/s/leaving-session').set('X-Forwarded-For', '203.0.113.50')).text);
    const secret = secretIn(token);
    await postForm(app, '/s/leaving-session/replies', [
      ['token', token],
      ['messengers', 'matrix'],
    ])
      .set('X-Forwarded-For', '203.0.113.50')
      .expect(303);
    await request(app).get(`/r/${secret}`).set('X-Forwarded-For', '203.0.113.50').expect(200);
    await request(app).get(`/R/${secret}`).expect(200); // Express matches paths without case
    await request(app).get('/feed/not-the-token').expect(404);
    const logged = text();
    assert.match(logged, /"url":"\/r\/…"/, 'requests are logged');
    assert.doesNotMatch(logged, /203\.0\.113\.50|127\.0\.0\.1|::1/);
    assert.ok(!logged.includes(secret));
    assert.ok(!logged.includes('not-the-token'), 'feed tokens are not logged either');
  });

  test('no form of request target puts a private link or the feed token into the log', async () => {
    const { logger, text } = memoryLogger();
    const app = await t.makeApp({ logger });
    const formToken = tokenOf((await request(app).get('/s/leaving-session')).text);
    const secret = secretIn(formToken);
    await postForm(app, '/s/leaving-session/replies', [
      ['token', formToken],
      ['messengers', 'matrix'],
    ]).expect(303);
    const token = await feedToken(t.db);
    const escaped = [...secret].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    // Sent as written: supertest would resolve them first, as a browser does, but any client may send these.
    const targets: [string, number][] = [
      [`http://postbag.example/r/${secret}`, 200], // absolute form: Express routes it on its path
      [`HTTPS://ada:pw@postbag.example/R/${secret}/edit/`, 200],
      [`http://postbag.example/feed/${token}`, 200],
      [`/FEED/${token}/`, 200],
      [`/r/${escaped}`, 200],
      [`//r/${secret}`, 404],
      [`//postbag.example/r/${secret}`, 404],
      [`/./r/${secret}`, 404],
      [`/%72/${secret}`, 404],
      [`/r%2F${secret}`, 404],
      [`/r\\${secret}`, 404],
      [`/r/${secret}%E0%A4%A`, 400],
    ];
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      for (const [target, status] of targets) assert.equal(await rawGet(server.address() as AddressInfo, target), status, target);
    } finally {
      server.close();
    }
    const logged = text();
    assert.equal(logged.match(/"statusCode"/g)?.length, targets.length + 2, 'every request is logged');
    for (const value of [secret, token]) {
      for (const piece of [value.slice(0, 15), value.slice(15, 30), value.slice(28)]) assert.ok(!logged.includes(piece), `${piece} is in the log`);
    }
    assert.ok(!logged.includes(escaped.slice(0, 30)));
    assert.ok(!logged.includes('ada:pw'), 'nor userinfo');
    assert.match(logged, /"url":"http:\/\/postbag\.example\/r\/…"/);
  });

  test('every reader page links to the privacy notice', async () => {
    const token = tokenOf((await request(t.app).get('/s/leaving-session')).text);
    const secret = secretIn(token);
    await postForm(t.app, '/s/leaving-session/replies', [
      ['token', token],
      ['messengers', 'matrix'],
    ]).expect(303);
    const pages = ['/', '/s/leaving-session', `/r/${secret}`, `/r/${secret}/edit`, `/r/${secret}/delete`, '/s/leaving-session/tally', '/privacy'];
    for (const page of pages) assert.match((await request(t.app).get(page).expect(200)).text, /<a href="\/privacy">/, page);
    const deleted = await request(t.app).post(`/r/${secret}/delete`);
    assert.match(deleted.text, /<a href="\/privacy">/, 'the page after deleting');
  });

  test('the privacy notice says what is kept, why, for how long, and how to remove it', async () => {
    const notice = visibleText((await request(t.app).get('/privacy').expect(200)).text);
    for (const claim of [
      /A contact address ?, only if you give one, .* never published/,
      /A hash of your private link's secret/,
      /network \(IP\) address is not stored with your reply/,
      /a keyed hash of your network address, made with a key that is replaced every day and deleted within 48 hours/,
      /rejected, or marked as spam\): deleted 30 days after that decision\./,
      /Open your private link and choose “Delete my reply”/,
      /ask the author of the post/,
      /reverse proxy .* access log, with every reader's network address/,
    ]) {
      assert.match(notice, claim);
    }
    const operatorsChoice = visibleText(
      (
        await request(await t.makeApp({ purgeAfterDays: 7 }))
          .get('/privacy')
          .expect(200)
      ).text,
    );
    assert.match(operatorsChoice, /deleted 7 days after that decision \(Postbag's default is 30 days; whoever runs this site chose 7\)/);
  });

  test('the privacy notice accounts for every column stored with a reply', async () => {
    // A new column must be weighed against the notice (and added to it) before this list changes.
    const columns = await t.db.$queryRaw<{ table_name: string; column_name: string }[]>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name IN ('reply', 'answer') ORDER BY table_name, column_name`;
    assert.deepEqual(
      columns.map((c) => `${c.table_name}.${c.column_name}`),
      [
        'answer.id',
        'answer.is_other',
        'answer.name_key',
        'answer.original',
        'answer.original_question_id',
        'answer.position',
        'answer.question_id',
        'answer.reply_id',
        'answer.scope',
        'answer.value',
        'reply.channel',
        'reply.consent_quote',
        'reply.contact',
        'reply.created_at',
        'reply.display_name',
        'reply.gemini_client',
        'reply.hold_reasons',
        'reply.id',
        'reply.moderated_at',
        'reply.secret_hash',
        'reply.status',
        'reply.survey_slug',
        'reply.updated_at',
      ],
    );
  });

  test('reader pages set no cookie and no referrer, and load nothing from elsewhere', async () => {
    const secret = await sendReply(t.app, [['messengers', 'matrix']]);
    for (const path of ['/s/leaving-session', `/r/${secret}`, `/r/${secret}/edit`]) {
      const res = await request(t.app).get(path).expect(200);
      assert.equal(res.headers['set-cookie'], undefined, path);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', path);
      // Links to the post (its copy on the web) are the reader's to follow, and send no referrer.
      assert.doesNotMatch(res.text, /\ssrc="(https?:)?\/\//, `${path}: no script, image or frame from elsewhere`);
      assert.doesNotMatch(res.text, /<link[^>]+href="(https?:)?\/\//, `${path}: no stylesheet or icon from elsewhere`);
      assert.match(res.text, /<meta name="referrer" content="no-referrer">/, path);
    }
  });

  test('the form may stay in the browser for Back, but not in a shared cache; other reader pages are never kept', async () => {
    const form = await request(t.app).get('/s/leaving-session').expect(200);
    assert.equal(form.headers['cache-control'], 'private, no-cache');
    assert.match(form.text, /action="\/s\/leaving-session\/replies"/);
    const secret = await sendReply(t.app, [['messengers', 'matrix']]);
    for (const page of ['/', '/s/leaving-session/tally', `/r/${secret}`, `/r/${secret}/edit`]) {
      assert.equal((await request(t.app).get(page).expect(200)).headers['cache-control'], 'no-store', page);
    }
  });

  test('an unexpected failure shows a plain 500 page with a reference, and logs it with the request id', async () => {
    const { logger, text } = memoryLogger();
    const broken = new Proxy(t.db, {
      get: (target, prop): unknown => (prop === 'reply' ? { findUnique: () => Promise.reject(new Error('database on fire')) } : Reflect.get(target, prop)),
    });
    const app = await t.makeApp({ logger, db: broken });
    const res = await request(app)
      .get(`/r/${'a'.repeat(43)}`)
      .expect(500);
    assert.doesNotMatch(res.text, /database on fire|at .*\.ts/);
    const reference = /<code>([0-9a-f-]{36})<\/code>/.exec(res.text)?.[1];
    assert.ok(reference, 'the page shows a reference');
    assert.ok(text().includes(reference) && text().includes('database on fire'), 'the log has the error and the same id');
  });
});
