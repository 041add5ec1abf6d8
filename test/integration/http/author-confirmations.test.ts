// After every action the author takes, the next page says what happened, once. The message waits
// in the session (in PostgreSQL), so another instance serving that page says it too.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createAuthor, PASSWORD, signedIn, type Agent } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp();

/** The confirmation a page shows, if any. */
function confirmation(html: string): string | null {
  return /<p class="notice" role="status">([^<]*)<\/p>/.exec(html)?.[1] ?? null;
}

async function followed(agent: Agent, res: { headers: Record<string, string> }): Promise<string> {
  return (await agent.get(res.headers.location!).expect(200)).text;
}

describe('the author is told what each action did', () => {
  test('decisions: how many replies moved where, once', async () => {
    const [a, b, c] = [await storeReply(t.db), await storeReply(t.db), await storeReply(t.db)];
    const { agent, csrf } = await signedIn(t.app, t.db);
    const res = await agent
      .post('/admin/replies/moderate')
      .type('form')
      .send(`_csrf=${csrf}&action=decide&decision.${a.id}=approved&decision.${b.id}=approved&decision.${c.id}=spam&back=/admin/replies`)
      .expect(303);
    assert.equal(confirmation(await followed(agent, res)), '2 replies approved and 1 marked as spam.');
    assert.equal(confirmation((await agent.get('/admin/replies').expect(200)).text), null, 'said once only');
  });

  test('decisions that change nothing say so', async () => {
    const approved = await storeReply(t.db, { status: 'approved' });
    const { agent, csrf } = await signedIn(t.app, t.db);
    const none = await agent.post('/admin/replies/moderate').type('form').send({ _csrf: csrf, action: 'decide' }).expect(303);
    assert.equal(confirmation(await followed(agent, none)), 'No decision was chosen, so nothing changed.');
    const same = await agent.post('/admin/replies/moderate').type('form').send({ _csrf: csrf, action: 'approved', ids: approved.id }).expect(303);
    assert.match(confirmation(await followed(agent, same)) ?? '', /^Nothing changed: those replies already had that status/);
  });

  test('a correction, a deletion, a name mapped and a new feed address', async () => {
    const reply = await storeReply(t.db, {
      answers: [
        { questionId: 'messengers', value: 'matrix' },
        { questionId: 'clients', scope: 'matrix', value: 'Elemnt', nameKey: 'elemnt' },
      ],
    });
    const answer = await t.db.answer.findFirstOrThrow({ where: { replyId: reply.id, questionId: 'clients' } });
    const { agent, csrf } = await signedIn(t.app, t.db);

    const corrected = await agent.post(`/admin/replies/${reply.id}/answers/${answer.id}`).type('form').send({ _csrf: csrf, value: 'Element' }).expect(303);
    assert.match(confirmation(await followed(agent, corrected)) ?? '', /^Correction saved\./);

    await storeReply(t.db, { answers: [{ questionId: 'clients', scope: 'matrix', value: 'Fluffy Chat', nameKey: 'fluffychat' }] });
    const mapped = await agent
      .post('/admin/names/map')
      .type('form')
      .send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key: 'fluffychat', name: 'fluffychat' })
      .expect(303);
    assert.equal(confirmation(await followed(agent, mapped)), '“fluffychat” now counts as FluffyChat, in every reply, past and future.');

    const rotated = await agent.post('/admin/feed/rotate').type('form').send({ _csrf: csrf }).expect(303);
    assert.match(confirmation(await followed(agent, rotated)) ?? '', /^The feed has a new address/);

    const deleted = await agent.post(`/admin/replies/${reply.id}/delete`).type('form').send({ _csrf: csrf }).expect(303);
    assert.equal(deleted.headers.location, '/admin/replies?status=pending', 'back to the list it was in');
    assert.equal(confirmation(await followed(agent, deleted)), 'The reply is deleted for good, and gone from the tally.');
  });

  test('a redirect on the way keeps the message, and another instance shows it', async () => {
    const reply = await storeReply(t.db);
    await createAuthor(t.db);
    // Both made now: they share the signing key that this test's database holds.
    const [one, two] = [await t.makeApp(), await t.makeApp()];
    const signIn = await request(one).post('/admin/sign-in').type('form').send({ password: PASSWORD }).expect(303);
    const cookie = (signIn.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('postbag_admin='))!.split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await request(one).get('/admin/feed').set('Cookie', cookie)).text)![1]!;
    await request(one).post('/admin/replies/moderate').set('Cookie', cookie).type('form').send({ _csrf: csrf, action: 'rejected', ids: reply.id }).expect(303);
    const redirect = await request(two).get('/admin').set('Cookie', cookie).expect(303);
    assert.equal(redirect.headers.location, '/admin/replies');
    const page = await request(two).get('/admin/replies').set('Cookie', cookie).expect(200);
    assert.equal(confirmation(page.text), '1 reply rejected.');
  });
});
