// Decisions sent just after the session ended are not lost: the refusal is the sign-in form,
// carrying them, and signing in applies them in a new session. Only a form Postbag gave the
// author is carried, and what it carries cannot be changed (src/admin/carry.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signedIn, PASSWORD, type Agent } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp();

const hidden = (html: string, name: string) => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html)?.[1];

/** Signed in, with a queue page's token, then the session ends (idle expiry, sign-out elsewhere…). */
async function sessionThatEnds(): Promise<{ agent: Agent; csrf: string }> {
  const session = await signedIn(t.app, t.db);
  await t.db.adminSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
  return session;
}

describe('a session that ends while the author decides', () => {
  test('shows the sign-in form carrying the decisions; signing in applies them and leads back', async () => {
    const [a, b, c] = [await storeReply(t.db), await storeReply(t.db), await storeReply(t.db)];
    const { agent, csrf } = await sessionThatEnds();
    const refused = await agent
      .post('/admin/replies/moderate')
      .type('form')
      .send(`_csrf=${csrf}&action=decide&decision.${a.id}=approved&decision.${b.id}=rejected&decision.${c.id}=&back=%2Fadmin%2Freplies%3Fstatus%3Dpending`)
      .expect(403);
    assert.match(refused.text, /<h1>Sign in<\/h1>/);
    assert.match(refused.text, /Your session ended before your decisions were applied/);
    assert.equal((await t.db.reply.findMany({ where: { status: 'pending' } })).length, 3, 'nothing applied without a session');

    const signIn = await agent
      .post('/admin/sign-in')
      .type('form')
      .send({ password: PASSWORD, carried: hidden(refused.text, 'carried'), seal: hidden(refused.text, 'seal') })
      .expect(303);
    assert.equal(signIn.headers.location, '/admin/replies?status=pending');
    const statuses = Object.fromEntries((await t.db.reply.findMany()).map((r) => [r.id, r.status]));
    assert.deepEqual(statuses, { [a.id]: 'approved', [b.id]: 'rejected', [c.id]: 'pending' });
    const queue = await agent.get(signIn.headers.location).expect(200);
    assert.match(queue.text, /1 reply approved and 1 rejected\./);

    // The new session has its own CSRF token; the old page's no longer works.
    const fresh = hidden(queue.text, '_csrf');
    assert.ok(fresh && fresh !== csrf);
    await agent.post('/admin/replies/moderate').type('form').send({ _csrf: csrf, action: 'approved', ids: c.id }).expect(403);
    await agent.post('/admin/replies/moderate').type('form').send({ _csrf: fresh, action: 'approved', ids: c.id }).expect(303);
  });

  test('a wrong password keeps carrying them', async () => {
    const reply = await storeReply(t.db);
    const { agent, csrf } = await sessionThatEnds();
    const refused = await agent.post('/admin/replies/moderate').type('form').send({ _csrf: csrf, action: 'spam', ids: reply.id }).expect(403);
    const carried = { carried: hidden(refused.text, 'carried'), seal: hidden(refused.text, 'seal') };
    const wrong = await agent
      .post('/admin/sign-in')
      .type('form')
      .send({ password: 'not the password', ...carried })
      .expect(401);
    assert.deepEqual({ carried: hidden(wrong.text, 'carried'), seal: hidden(wrong.text, 'seal') }, carried);
    await agent
      .post('/admin/sign-in')
      .type('form')
      .send({ password: PASSWORD, ...carried })
      .expect(303);
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id: reply.id } })).status, 'spam');
  });

  test('a form from elsewhere (no token, or one Postbag did not make) is refused and carries nothing', async () => {
    const reply = await storeReply(t.db);
    const { agent, csrf } = await sessionThatEnds();
    const [time, random] = csrf.split('.');
    for (const token of ['', 'x', `${time}.${random}.forged`, `${(Date.now() - 1).toString(36)}.${random}.${csrf.split('.')[2]}`]) {
      const res = await agent.post('/admin/replies/moderate').type('form').send({ _csrf: token, action: 'approved', ids: reply.id }).expect(403);
      assert.doesNotMatch(res.text, /name="carried"/, `token “${token}” is not carried`);
    }
    const res = await agent.post('/admin/replies/moderate').type('form').send({ action: 'approved', ids: reply.id }).expect(403);
    assert.doesNotMatch(res.text, /name="carried"/);
  });

  test('carried decisions that were changed on the way are not applied', async () => {
    const [reply, other] = [await storeReply(t.db), await storeReply(t.db)];
    const { agent, csrf } = await sessionThatEnds();
    const refused = await agent.post('/admin/replies/moderate').type('form').send({ _csrf: csrf, action: 'approved', ids: reply.id }).expect(403);
    const carried = hidden(refused.text, 'carried')!;
    const edited = Buffer.from(Buffer.from(carried, 'base64url').toString().replace(reply.id, other.id)).toString('base64url');
    const signIn = await agent
      .post('/admin/sign-in')
      .type('form')
      .send({ password: PASSWORD, carried: edited, seal: hidden(refused.text, 'seal') })
      .expect(303);
    assert.equal(signIn.headers.location, '/admin/replies');
    assert.equal(await t.db.reply.count({ where: { status: 'approved' } }), 0);
    assert.match((await agent.get('/admin/replies').expect(200)).text, /was not applied/);
  });
});
