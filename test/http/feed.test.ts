import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { signedIn, storeReply } from '../helpers/admin.ts';
import { useTestApp } from '../helpers/app.ts';

const t = useTestApp();

async function feedPath(agent: Awaited<ReturnType<typeof signedIn>>['agent']): Promise<string> {
  const page = await agent.get('/admin/feed').expect(200);
  return new URL(/<code class="secret-url">([^<]+)<\/code>/.exec(page.text)![1]!).pathname;
}

describe('the feed of pending replies', () => {
  test('lists pending replies at its secret address, without their words', async () => {
    const pending = await storeReply(t.db, { answers: [{ questionId: 'why', value: 'Secret reasons' }] });
    const approved = await storeReply(t.db, { status: 'approved' });
    const { agent } = await signedIn(t.app, t.db);
    const res = await request(t.app).get(await feedPath(agent)).expect(200);
    assert.match(res.headers['content-type'] ?? '', /^application\/atom\+xml/);
    assert.ok(res.text.includes(`urn:uuid:${pending.id}`));
    assert.ok(!res.text.includes(approved.id));
    assert.match(res.text, /A reply to “Leaving Session” is waiting/);
    assert.doesNotMatch(res.text, /Secret reasons/);
  });

  test('refuses a wrong token', async () => {
    const { agent } = await signedIn(t.app, t.db);
    const path = await feedPath(agent);
    await request(t.app).get(`${path.slice(0, -1)}x`).expect(404);
    await request(t.app).get('/feed/').expect(404);
    await request(t.app).get('/feed/short').expect(404);
  });

  test('a new address replaces the old one', async () => {
    const { agent, csrf } = await signedIn(t.app, t.db);
    const old = await feedPath(agent);
    await agent.post('/admin/feed/rotate').type('form').send({ _csrf: csrf }).expect(303);
    const fresh = await feedPath(agent);
    assert.notEqual(fresh, old);
    await request(t.app).get(old).expect(404);
    await request(t.app).get(fresh).expect(200);
  });
});
