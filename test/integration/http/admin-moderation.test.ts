import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tallyVersionOf } from '../../../src/tally/version.ts';
import { signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReplies, storeReply } from '../../helpers/replies.ts';

const t = useTestApp();

describe('the moderation queue', () => {
  test('lists pending replies with every answer, the survey, the date, the name, the consent to quote and counts per status', async () => {
    await storeReply(t.db, {
      displayName: 'Ada',
      createdAt: new Date('2026-06-01T09:30:00Z'),
      answers: [
        { questionId: 'messengers', value: 'matrix' },
        { questionId: 'why', value: 'Because rooms.' },
        { questionId: 'clients', scope: 'matrix', value: 'Nheko', nameKey: 'nheko' },
      ],
    });
    await storeReply(t.db, { status: 'approved', answers: [{ questionId: 'why', value: 'Already published.' }] });
    const { agent } = await signedIn(t.app, t.db);
    const res = await agent.get('/admin/replies').expect(200);
    assert.match(res.text, /Pending \(1\)/);
    assert.match(res.text, /Approved \(1\)/);
    assert.equal(res.text.match(/<article class="reply"/g)?.length, 1, 'only the pending reply is listed');
    assert.doesNotMatch(res.text, /Already published/);
    assert.match(res.text, /Leaving Session, <time datetime="2026-06-01T09:30:00.000Z">2026-06-01 09:30 UTC<\/time>/);
    assert.match(res.text, /Because rooms\./);
    assert.match(res.text, /Which client programs or apps do you use\? \(Matrix\)<\/dt>\s*<dd>Nheko/);
    assert.match(res.text, /<dt>Name<\/dt><dd>Ada<\/dd>/);
    assert.match(res.text, /<dt>Quote<\/dt><dd>no<\/dd>/);
  });

  test('approves two replies and rejects one in a single action, without JavaScript', async () => {
    const [a, b, c, untouched] = [await storeReply(t.db), await storeReply(t.db), await storeReply(t.db), await storeReply(t.db)];
    const before = await tallyVersionOf(t.db, 'leaving-session');
    const { agent, csrf } = await signedIn(t.app, t.db);
    const queue = await agent.get('/admin/replies').expect(200);
    assert.match(queue.text, new RegExp(`<input type="radio" id="d-${a.id}-approved" name="decision.${a.id}" value="approved">`));
    await agent
      .post('/admin/replies/moderate')
      .type('form')
      .send(`_csrf=${csrf}&action=decide&decision.${a.id}=approved&decision.${b.id}=approved&decision.${c.id}=rejected`)
      .expect(303);
    const statuses = Object.fromEntries((await t.db.reply.findMany()).map((r) => [r.id, r.status]));
    assert.deepEqual(statuses, { [a.id]: 'approved', [b.id]: 'approved', [c.id]: 'rejected', [untouched.id]: 'pending' });
    assert.notEqual(await tallyVersionOf(t.db, 'leaving-session'), before, 'the tally will be recomputed');
    const page = await agent.get('/admin/replies?status=approved').expect(200);
    assert.match(page.text, /Approved \(2\)/);
    assert.match(page.text, /Rejected \(1\)/);
    assert.match(page.text, /Pending \(1\)/);
  });

  test('moves every ticked reply with one bulk button', async () => {
    const [a, b] = [await storeReply(t.db), await storeReply(t.db)];
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent.post('/admin/replies/moderate').type('form').send(`_csrf=${csrf}&action=approved&ids=${a.id}&ids=${b.id}`).expect(303);
    assert.equal(await t.db.reply.count({ where: { status: 'approved' } }), 2);
  });

  test('marks as spam and returns to pending', async () => {
    const reply = await storeReply(t.db);
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent
      .post('/admin/replies/moderate')
      .type('form')
      .send({ _csrf: csrf, action: 'decide', [`decision.${reply.id}`]: 'spam' })
      .expect(303);
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id: reply.id } })).status, 'spam');
    await agent.post('/admin/replies/moderate').type('form').send({ _csrf: csrf, action: 'pending', ids: reply.id }).expect(303);
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id: reply.id } })).status, 'pending');
  });

  test('refuses an unknown action, an unknown decision and a malformed reply id, changing nothing', async () => {
    const reply = await storeReply(t.db);
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent.post('/admin/replies/moderate').type('form').send({ _csrf: csrf, action: 'published', ids: reply.id }).expect(400);
    await agent
      .post('/admin/replies/moderate')
      .type('form')
      .send({ _csrf: csrf, action: 'decide', [`decision.${reply.id}`]: 'published' })
      .expect(400);
    await agent.post('/admin/replies/moderate').type('form').send(`_csrf=${csrf}&action=approved&ids=${reply.id}&ids=not-a-uuid`).expect(400);
    assert.equal((await t.db.reply.findUniqueOrThrow({ where: { id: reply.id } })).status, 'pending');
  });

  test('finds replies by the text of their answers, whatever its case', async () => {
    await storeReply(t.db, { answers: [{ questionId: 'why', value: 'I love federation' }] });
    await storeReply(t.db, { answers: [{ questionId: 'why', value: 'Phone numbers, no thanks' }] });
    const { agent } = await signedIn(t.app, t.db);
    const res = await agent.get('/admin/replies?q=FEDERATION').expect(200);
    assert.match(res.text, /I love federation/);
    assert.doesNotMatch(res.text, /Phone numbers/);
  });

  test('pages through replies newest first, or oldest first, without repeating one', async () => {
    const start = Date.UTC(2026, 5, 1);
    await storeReplies(
      t.db,
      Array.from({ length: 30 }, (_, i) => ({ createdAt: new Date(start + i * 60_000), answers: [{ questionId: 'why', value: `reply number ${i}.` }] })),
    );
    const { agent } = await signedIn(t.app, t.db);
    const numbers = (html: string) => [...html.matchAll(/reply number (\d+)\./g)].map((m) => Number(m[1]));
    const first = await agent.get('/admin/replies').expect(200);
    assert.deepEqual(
      numbers(first.text),
      Array.from({ length: 25 }, (_, i) => 29 - i),
    );
    const next = /href="(\/admin\/replies\?[^"]*after=[^"]+)"/.exec(first.text)![1]!.replaceAll('&amp;', '&');
    const second = await agent.get(next).expect(200);
    assert.deepEqual(numbers(second.text), [4, 3, 2, 1, 0]);
    assert.doesNotMatch(second.text, /Next page/);
    const oldest = await agent.get('/admin/replies?order=oldest').expect(200);
    assert.deepEqual(numbers(oldest.text).slice(0, 3), [0, 1, 2]);
  });

  test('ignores a malformed status, order or search instead of failing', async () => {
    await storeReply(t.db);
    const { agent } = await signedIn(t.app, t.db);
    for (const query of ['status=nope&order=sideways', 'status[]=spam&q[]=x', 'q=%00', `q=${'x'.repeat(5000)}`]) {
      const res = await agent.get(`/admin/replies?${query}`);
      assert.equal(res.status, 200, query);
      assert.match(res.text, /Pending \(1\)/);
    }
  });

  test('refuses a page cursor that its own "next page" link could not have written, dates out of range included', async () => {
    await storeReply(t.db);
    const { agent } = await signedIn(t.app, t.db);
    const uuid = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
    for (const after of [
      'garbage',
      `2026-99-99T99:99:99.999Z~${uuid}`,
      `2026-02-29T00:00:00.000Z~${uuid}`,
      `2026-01-01T00:00:00.000Z~${'-'.repeat(36)}`,
      `0000-01-01T00:00:00.000Z~${uuid}`, // PostgreSQL has no year 0
      `-0001-01-01T00:00:00.000Z~${uuid}`,
      `-000001-01-01T00:00:00.000Z~${uuid}`,
      `+275760-09-13T00:00:00.000Z~${uuid}`,
      `275760-09-13T00:00:00.000Z~${uuid}`,
      `2026-01-01T00:00:00Z~${uuid}`,
    ]) {
      for (const order of ['newest', 'oldest']) {
        const res = await agent.get(`/admin/replies?order=${order}&after=${encodeURIComponent(after)}`);
        assert.equal(res.status, 400, `${after} (${order})`);
        assert.match(res.text, /query Postbag does not understand/);
      }
    }
    for (const edge of ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      for (const order of ['newest', 'oldest']) await agent.get(`/admin/replies?order=${order}&after=${edge}~${uuid}`).expect(200);
    }
  });

  test('searches for % and _ literally', async () => {
    await storeReply(t.db, { answers: [{ questionId: 'why', value: '100% federated' }] });
    await storeReply(t.db, { answers: [{ questionId: 'why', value: 'snake_case names' }] });
    await storeReply(t.db, { answers: [{ questionId: 'why', value: 'no wildcard here' }] });
    const { agent } = await signedIn(t.app, t.db);
    const percent = await agent.get('/admin/replies?q=%25').expect(200);
    assert.match(percent.text, /100% federated/);
    assert.doesNotMatch(percent.text, /snake_case|no wildcard here/);
    const underscore = await agent.get('/admin/replies?q=_').expect(200);
    assert.match(underscore.text, /snake_case names/);
    assert.doesNotMatch(underscore.text, /100% federated|no wildcard here/);
  });
});

describe('correcting and deleting', () => {
  test('the author corrects a typed answer and the reader’s original is kept', async () => {
    const reply = await storeReply(t.db, { answers: [{ questionId: 'clients', scope: 'matrix', value: 'Elemnt', nameKey: 'elemnt' }] });
    const answer = await t.db.answer.findFirstOrThrow({ where: { replyId: reply.id } });
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent.post(`/admin/replies/${reply.id}/answers/${answer.id}`).type('form').send({ _csrf: csrf, value: 'Element' }).expect(303);
    const corrected = await t.db.answer.findUniqueOrThrow({ where: { id: answer.id } });
    assert.equal(corrected.value, 'Element');
    assert.equal(corrected.original, 'Elemnt');
    assert.equal(corrected.nameKey, 'element');
    await agent.post(`/admin/replies/${reply.id}/answers/${answer.id}`).type('form').send({ _csrf: csrf, value: 'Element X' }).expect(303);
    assert.equal((await t.db.answer.findUniqueOrThrow({ where: { id: answer.id } })).original, 'Elemnt', 'the first original stays');
    const page = await agent.get(`/admin/replies/${reply.id}`).expect(200);
    assert.match(page.text, /The reader typed: <q>Elemnt<\/q>/);
  });

  test('the author moves a name put under the wrong question (to another names question only), and where the reader put it is kept', async () => {
    const reply = await storeReply(t.db, {
      status: 'approved',
      answers: [
        { questionId: 'messengers', value: 'xmpp' },
        { questionId: 'clients', scope: 'xmpp', value: 'Conversations', nameKey: 'conversations' },
        { questionId: 'clients', scope: 'xmpp', value: 'yax.im', nameKey: 'yaxim' },
      ],
    });
    const answer = await t.db.answer.findFirstOrThrow({ where: { replyId: reply.id, value: 'yax.im' } });
    const { agent, csrf } = await signedIn(t.app, t.db);
    const page = await agent.get(`/admin/replies/${reply.id}`).expect(200);
    assert.match(page.text, /<option value="provider">Which provider or server do you recommend\?<\/option>/);
    await agent.post(`/admin/replies/${reply.id}/answers/${answer.id}`).type('form').send({ _csrf: csrf, value: 'yax.im', questionId: 'provider' }).expect(303);
    const moved = await t.db.answer.findUniqueOrThrow({ where: { id: answer.id } });
    assert.deepEqual([moved.questionId, moved.scope, moved.position, moved.originalQuestionId], ['provider', 'xmpp', 0, 'clients']);
    assert.match((await agent.get(`/admin/replies/${reply.id}`)).text, /The reader put it under: <q>Which client programs or apps do you use\?<\/q>/);
    await agent.post(`/admin/replies/${reply.id}/answers/${answer.id}`).type('form').send({ _csrf: csrf, value: 'yax.im', questionId: 'why' }).expect(400);
  });

  test('a picked option cannot be corrected into free text', async () => {
    const reply = await storeReply(t.db);
    const answer = await t.db.answer.findFirstOrThrow({ where: { replyId: reply.id } });
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent.post(`/admin/replies/${reply.id}/answers/${answer.id}`).type('form').send({ _csrf: csrf, value: 'hacked' }).expect(400);
    assert.equal((await t.db.answer.findUniqueOrThrow({ where: { id: answer.id } })).value, 'matrix');
  });

  test('a correction longer than the question allows is refused with a message', async () => {
    const reply = await storeReply(t.db, { answers: [{ questionId: 'why', value: 'ok' }] });
    const answer = await t.db.answer.findFirstOrThrow({ where: { replyId: reply.id } });
    const { agent, csrf } = await signedIn(t.app, t.db);
    const res = await agent
      .post(`/admin/replies/${reply.id}/answers/${answer.id}`)
      .type('form')
      .send({ _csrf: csrf, value: 'x'.repeat(12_000) })
      .expect(400);
    assert.match(res.text, /shorten this to 2000 characters/);
    assert.equal((await t.db.answer.findUniqueOrThrow({ where: { id: answer.id } })).value, 'ok');
  });

  test('a correction with control characters is refused with a message', async () => {
    const reply = await storeReply(t.db, { answers: [{ questionId: 'why', value: 'ok' }] });
    const answer = await t.db.answer.findFirstOrThrow({ where: { replyId: reply.id } });
    const { agent, csrf } = await signedIn(t.app, t.db);
    const res = await agent.post(`/admin/replies/${reply.id}/answers/${answer.id}`).type('form').send({ _csrf: csrf, value: 'a\u0000b' }).expect(400);
    assert.match(res.text, /control characters/);
    assert.equal((await t.db.answer.findUniqueOrThrow({ where: { id: answer.id } })).value, 'ok');
  });

  test('deleting asks first, then removes the reply for good', async () => {
    const reply = await storeReply(t.db);
    const { agent, csrf } = await signedIn(t.app, t.db);
    const confirm = await agent.get(`/admin/replies/${reply.id}/delete`).expect(200);
    assert.match(confirm.text, /cannot be undone/);
    assert.equal(await t.db.reply.count(), 1);
    await agent.post(`/admin/replies/${reply.id}/delete`).type('form').send({ _csrf: csrf }).expect(303);
    assert.equal(await t.db.reply.count(), 0);
    assert.equal(await t.db.answer.count(), 0);
    await agent.get(`/admin/replies/${reply.id}`).expect(404);
  });
});
