// A feed entry leads to the reply, and the reply's page offers the decisions itself: the author
// can go from their feed reader to a published reply in two clicks, signing in on the way.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createAuthor, PASSWORD, signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp();

describe('from a feed entry to a decision', () => {
  test('the entry links to the reply; signing in leads there; its page approves it', async () => {
    const reply = await storeReply(t.db, { answers: [{ questionId: 'why', value: 'Rooms.' }] });
    const feedPage = await (await signedIn(t.app, t.db)).agent.get('/admin/feed').expect(200);
    const feedPath = new URL(/<code class="secret-url">([^<]+)<\/code>/.exec(feedPage.text)![1]!).pathname;
    const feed = await request(t.app).get(feedPath).expect(200);
    const link = new URL(/<link rel="alternate" href="([^"]+)"\/>\s*<summary>/.exec(feed.text)![1]!).pathname;
    assert.equal(link, `/admin/replies/${reply.id}`);

    const agent = request.agent(t.app);
    const redirect = await agent.get(link).expect(303);
    assert.equal(redirect.headers.location, `/admin/sign-in?next=${encodeURIComponent(link)}`);
    const form = await agent.get(redirect.headers.location).expect(200);
    assert.match(form.text, new RegExp(`<input type="hidden" name="next" value="${link}">`));
    const signIn = await agent.post('/admin/sign-in').type('form').send({ password: PASSWORD, next: link }).expect(303);
    assert.equal(signIn.headers.location, link);

    const page = await agent.get(link).expect(200);
    for (const label of ['Approve', 'Reject', 'Spam'])
      assert.match(page.text, new RegExp(`<button type="submit" name="action" value="\\w+"[^>]*>${label}</button>`));
    assert.doesNotMatch(page.text, />Back to pending</, 'it is pending already');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const back = /name="back" value="([^"]+)"/.exec(page.text)![1]!;
    const decided = await agent.post('/admin/replies/moderate').type('form').send({ _csrf: csrf, action: 'approved', ids: reply.id, back }).expect(303);
    assert.equal(decided.headers.location, link, 'back to the reply, which now says where it stands');
    const after = await agent.get(link).expect(200);
    assert.match(after.text, /1 reply approved\./);
    assert.match(after.text, /<p class="lede">Approved ·/);
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id: reply.id } })).status, 'approved');
  });

  test('signing in never leads away from the admin', async () => {
    await createAuthor(t.db);
    for (const next of ['https://elsewhere.example/', '//elsewhere.example/admin/', '/\\elsewhere.example', '/admin\\..\\x', 'javascript:alert(1)']) {
      const form = await request(t.app)
        .get(`/admin/sign-in?next=${encodeURIComponent(next)}`)
        .expect(200);
      assert.doesNotMatch(form.text, /name="next"/, `${next} is not offered`);
      const res = await request(t.app).post('/admin/sign-in').type('form').send({ password: PASSWORD, next }).expect(303);
      assert.equal(res.headers.location, '/admin/replies', `${next} is not followed`);
    }
  });
});
