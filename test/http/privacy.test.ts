import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import type { Db } from '../../src/db/client.ts';
import { useTestApp } from '../helpers/app.ts';
import { postForm, secretIn, tokenOf } from '../helpers/forms.ts';

const t = useTestApp();

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), text: () => lines.join('') };
}

describe("readers' privacy", () => {
  test('logs hold neither the reader’s address nor their private link', async () => {
    const { logger, text } = memoryLogger();
    const app = await t.makeApp({ logger, trustProxy: true });
    const token = tokenOf((await request(app).get('/s/leaving-session').set('X-Forwarded-For', '203.0.113.50')).text);
    const secret = secretIn(token);
    await postForm(app, '/s/leaving-session/replies', [['token', token], ['messengers', 'matrix']]).set('X-Forwarded-For', '203.0.113.50').expect(303);
    await request(app).get(`/r/${secret}`).set('X-Forwarded-For', '203.0.113.50').expect(200);
    await request(app).get(`/R/${secret}`).expect(200); // Express matches paths without case
    await request(app).get('/feed/not-the-token').expect(404);
    const logged = text();
    assert.match(logged, /"url":"\/r\/…"/, 'requests are logged');
    assert.doesNotMatch(logged, /203\.0\.113\.50|127\.0\.0\.1|::1/);
    assert.ok(!logged.includes(secret));
    assert.ok(!logged.includes('not-the-token'), 'feed tokens are not logged either');
  });

  test('reader pages set no cookie and no referrer, and load nothing from elsewhere', async () => {
    const res = await request(t.app).get('/s/leaving-session').expect(200);
    assert.equal(res.headers['set-cookie'], undefined);
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.doesNotMatch(res.text, /(src|href)="(https?:)?\/\//);
  });

  test('the form may stay in the browser for Back, but not in a shared cache; other reader pages are never kept', async () => {
    const form = await request(t.app).get('/s/leaving-session').expect(200);
    assert.equal(form.headers['cache-control'], 'private, no-cache');
    assert.match(form.text, /action="\/s\/leaving-session\/replies"/);
    for (const page of ['/', '/s/leaving-session/tally']) {
      assert.equal((await request(t.app).get(page).expect(200)).headers['cache-control'], 'no-store', page);
    }
  });

  test('an unexpected failure shows a plain 500 page with a reference, and logs it with the request id', async () => {
    const { logger, text } = memoryLogger();
    const broken = new Proxy(t.db, {
      get: (target, prop) => (prop === 'reply' ? { findUnique: () => Promise.reject(new Error('database on fire')) } : Reflect.get(target, prop)),
    }) as Db;
    const app = await t.makeApp({ logger, db: broken });
    const res = await request(app).get(`/r/${'a'.repeat(43)}`).expect(500);
    assert.doesNotMatch(res.text, /database on fire|at .*\.ts/);
    const reference = /<code>([0-9a-f-]{36})<\/code>/.exec(res.text)?.[1];
    assert.ok(reference, 'the page shows a reference');
    assert.ok(text().includes(reference!) && text().includes('database on fire'), 'the log has the error and the same id');
  });
});
