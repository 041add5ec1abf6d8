// Replies that came since the author's last visit are marked New. A visit ends after half an hour
// without a signed-in request; the moments live in the database, so every instance agrees.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createAuthor, PASSWORD, signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp();
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
const marked = (html: string) => [...html.matchAll(/<strong class="new-mark">New<\/strong> ([^,]+),/g)].length;

describe('replies new since the last visit', () => {
  test('the first visit marks nothing; the next one marks what came in between', async () => {
    await storeReply(t.db, { createdAt: hoursAgo(30) });
    const { agent } = await signedIn(t.app, t.db);
    const first = await agent.get('/admin/replies').expect(200);
    assert.equal(marked(first.text), 0);
    assert.doesNotMatch(first.text, /since your last visit/);

    // The author leaves; an hour later two replies come, then the author is back.
    await t.db.author.update({ where: { id: 1 }, data: { lastSeenAt: hoursAgo(3) } });
    const [a, b] = [await storeReply(t.db, { createdAt: hoursAgo(2) }), await storeReply(t.db, { createdAt: hoursAgo(1) })];
    const back = await agent.get('/admin/replies').expect(200);
    assert.equal(marked(back.text), 2);
    assert.match(back.text, /<strong>2 new<\/strong> since your last visit, which ended <time datetime="[^"]+">/);
    for (const reply of [a, b]) assert.match(back.text, new RegExp(`<article class="reply new" aria-labelledby="r-${reply.id}">`));
    assert.match((await agent.get(`/admin/replies/${a.id}`).expect(200)).text, /New<\/strong> since your last visit/);

    // Moving between pages is the same visit: the marks stay.
    assert.equal(marked((await agent.get('/admin/replies').expect(200)).text), 2);
  });

  test('two instances agree on the last visit', async () => {
    await createAuthor(t.db);
    await t.db.author.update({ where: { id: 1 }, data: { lastSeenAt: hoursAgo(5) } });
    const reply = await storeReply(t.db, { createdAt: hoursAgo(1) });
    const [one, two] = [await t.makeApp(), await t.makeApp()];
    const cookieOf = async (app: typeof one) => {
      const res = await request(app).post('/admin/sign-in').type('form').send({ password: PASSWORD }).expect(303);
      return (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('postbag_admin='))!.split(';')[0]!;
    };
    const [first, second] = await Promise.all([
      request(one)
        .get('/admin/replies')
        .set('Cookie', await cookieOf(one)),
      request(two)
        .get('/admin/replies')
        .set('Cookie', await cookieOf(two)),
    ]);
    for (const page of [first, second]) {
      assert.equal(page.status, 200);
      assert.match(page.text, new RegExp(`<article class="reply new" aria-labelledby="r-${reply.id}">`));
    }
    const author = await t.db.author.findUniqueOrThrow({ where: { id: 1 } });
    assert.ok(author.previousVisitAt && author.previousVisitAt < hoursAgo(4), 'the previous visit is the one five hours ago');
  });
});
