// What stands between the public form and the database: the form token, the honeypot, the
// flood limits and the content rules. Nothing a reader typed is lost to them: a refusal gives
// the form back, and a rule only holds a reply for the author.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import { loadConfig } from '../../../src/config.ts';
import { issueToken } from '../../../src/replies/form-token.ts';
import { loadReplyPolicy, type ReplyPolicy } from '../../../src/replies/policy.ts';
import { computeTally } from '../../../src/tally/service.ts';
import { signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { postForm, secretIn, tokenOf, type FormPairs } from '../../helpers/replies.ts';

const t = useTestApp();
let base: ReplyPolicy;
const unlimited = { client: { count: 1_000_000, windowMs: 60_000 }, global: { count: 1_000_000, windowMs: 60_000 } };

const appWith = (policy: Partial<ReplyPolicy>) =>
  t.makeApp({ replyPolicy: { ...base, form: { minFillMs: 0, maxAgeMs: 3_600_000 }, flood: unlimited, ...policy }, trustProxy: 'loopback' });

async function formToken(app: Awaited<ReturnType<typeof appWith>>, from = '198.51.100.1'): Promise<string> {
  return tokenOf((await request(app).get('/s/leaving-session').set('X-Forwarded-For', from).expect(200)).text);
}

/** Sends a form from `from`; the one required question is answered unless the pairs answer it. */
const send = (app: Awaited<ReturnType<typeof appWith>>, pairs: FormPairs, from = '198.51.100.1') => {
  const answered: FormPairs = pairs.some(([name]) => name === 'messengers') ? pairs : [...pairs, ['messengers', 'matrix']];
  return postForm(app, '/s/leaving-session/replies', answered).set('X-Forwarded-For', from);
};

describe('the form token', () => {
  before(async () => {
    base = await loadReplyPolicy(t.db, loadConfig({}));
  });

  test('a form sent back faster than a person types is refused, keeps its answers and its token, and works when sent again', async () => {
    const app = await appWith({ form: { minFillMs: 60_000, maxAgeMs: 3_600_000 } });
    const token = await formToken(app);
    const res = await send(app, [
      ['token', token],
      ['why', 'Quick thinker'],
    ]).expect(400);
    assert.match(res.text, /faster than a person can fill it in/);
    assert.match(res.text, /Quick thinker/);
    assert.equal(tokenOf(res.text), token);
    assert.equal(await t.db.reply.count(), 0);
    // The same token, once the minimum time has passed (here: an instance that asks for none).
    await send(await appWith({}), [
      ['token', token],
      ['why', 'Quick thinker'],
    ]).expect(303);
    assert.equal(await t.db.reply.count(), 1);
  });

  test('a form kept open too long is refused with a fresh token, keeping the answers', async () => {
    const app = await appWith({ form: { minFillMs: 0, maxAgeMs: 3_600_000 } });
    // A form shown an hour and a second ago, rather than a test that waits for one to age.
    const token = issueToken(base.tokenKey, 'leaving-session', Date.now() - 3_601_000);
    const res = await send(app, [
      ['token', token],
      ['why', 'Slow thinker'],
    ]).expect(400);
    assert.match(res.text, /open for too long/);
    assert.match(res.text, /Slow thinker/);
    assert.notEqual(tokenOf(res.text), token);
    assert.equal(await t.db.reply.count(), 0);
  });

  test('ten copies of one form sent at once store one reply, and none of them fails', async () => {
    const app = await appWith({});
    const token = await formToken(app);
    const copies = Array.from({ length: 10 }, (_, i) =>
      send(app, [
        ['token', token],
        ['messengers', i % 2 ? 'matrix' : 'xmpp'],
      ]),
    );
    const statuses = (await Promise.all(copies)).map((res) => res.status);
    assert.deepEqual(statuses, Array(10).fill(303));
    assert.equal(await t.db.reply.count(), 1);
    assert.equal(await t.db.answer.count(), 1);
  });
});

describe('the honeypot and the content rules', () => {
  test('hold a reply for the author with the reasons, even when the policy publishes the rest', async () => {
    const app = await appWith({ moderation: 'flagged', holdLinks: 1, mutedWords: ['casino'] });
    const cases: [string, FormPairs, string[]][] = [
      [
        'honeypot',
        [
          ['leave_empty', 'me@example.org'],
          ['messengers', 'matrix'],
        ],
        ['honeypot'],
      ],
      ['links', [['why', 'https://a.example https://b.example']], ['links']],
      ['muted', [['why', 'Visit the CASINO']], ['muted']],
      ['clean', [['why', 'Federation matters to me.']], []],
    ];
    for (const [label, pairs, reasons] of cases) {
      const token = await formToken(app);
      await send(app, [['token', token], ...pairs]).expect(303);
      const reply = await t.db.reply.findFirstOrThrow({ where: { secretHash: { not: '' } }, orderBy: { createdAt: 'desc' } });
      assert.deepEqual(reply.holdReasons, reasons, label);
      assert.equal(reply.status, reasons.length === 0 ? 'approved' : 'pending', label);
    }
    const { agent } = await signedIn(app, t.db);
    const queue = await agent.get('/admin/replies').expect(200);
    assert.match(queue.text, /Held for you: the &#34;leave this empty&#34; field was filled in\./);
    assert.match(queue.text, /Held for you: it has many links\./);
    assert.match(queue.text, /Held for you: it uses a muted word\./);
  });

  test('hold the same long text when it comes again in another reply', async () => {
    const app = await appWith({ moderation: 'flagged' });
    const text = 'This exact paragraph was pasted into many replies by a spammer.';
    await send(app, [
      ['token', await formToken(app)],
      ['why', text],
    ]).expect(303);
    await send(app, [
      ['token', await formToken(app)],
      ['why', text],
    ]).expect(303);
    const replies = await t.db.reply.findMany({ orderBy: { createdAt: 'asc' } });
    assert.deepEqual(
      replies.map((r) => r.holdReasons),
      [[], ['repeated']],
    );
  });

  test('with MODERATION=flagged, a clean reply is published at once and counts in the tally', async () => {
    const app = await appWith({ moderation: 'flagged' });
    await send(app, [
      ['token', await formToken(app)],
      ['messengers', 'matrix'],
    ]).expect(303);
    const tally = await computeTally(t.db, t.surveys.get('leaving-session')!);
    assert.equal(tally.readers, 1);
  });

  test('with MODERATION=every (the default), every reply waits', async () => {
    const app = await appWith({});
    await send(app, [
      ['token', await formToken(app)],
      ['messengers', 'matrix'],
    ]).expect(303);
    assert.equal((await t.db.reply.findFirstOrThrow()).status, 'pending');
  });
});

describe('the flood limits', () => {
  const limited = { client: { count: 2, windowMs: 600_000 }, global: { count: 5, windowMs: 600_000 } };

  test('refuse a client over its limit with 429, Retry-After and its text kept, while other readers get through', async () => {
    const app = await appWith({ flood: limited });
    for (let i = 0; i < 2; i++)
      await send(app, [
        ['token', await formToken(app)],
        ['why', `flood ${i}`],
      ]).expect(303);
    const refused = await send(app, [
      ['token', await formToken(app)],
      ['why', 'the third one'],
    ]).expect(429);
    assert.match(refused.text, /not stored yet/);
    assert.match(refused.text, /the third one/);
    assert.ok(Number(refused.headers['retry-after']) > 0 && Number(refused.headers['retry-after']) <= 600);
    await send(
      app,
      [
        ['token', await formToken(app, '198.51.100.2')],
        ['why', 'another reader'],
      ],
      '198.51.100.2',
    ).expect(303);
    assert.equal(await t.db.reply.count(), 3);
  });

  test('count a whole IPv6 /64 as one client', async () => {
    const app = await appWith({ flood: limited });
    await send(app, [['token', await formToken(app)]], '2001:db8:1:2::1').expect(303);
    await send(app, [['token', await formToken(app)]], '2001:db8:1:2::99').expect(303);
    await send(app, [['token', await formToken(app)]], '2001:db8:1:2:ffff::7').expect(429);
  });

  test('are shared by every instance on the database, and hold everyone together to the global budget', async () => {
    const [one, two] = [await appWith({ flood: limited }), await appWith({ flood: limited })];
    await send(one, [['token', await formToken(one)]]).expect(303);
    await send(two, [['token', await formToken(two)]]).expect(303);
    // Refused by its own limit, a client leaves everyone's budget alone: 2 of 5 are used.
    for (let i = 0; i < 5; i++) await send(one, [['token', await formToken(one)]]).expect(429);
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) await send(two, [['token', await formToken(two)]], address).expect(303);
    await send(one, [['token', await formToken(one)]], '192.0.2.4').expect(429);
  });

  test('store no address: only keyed hashes, which differ from one day key to the next', async () => {
    const app = await appWith({ flood: limited });
    await send(app, [['token', await formToken(app)]], '203.0.113.9').expect(303);
    const rows = await t.db.clientLimit.findMany();
    assert.ok(rows.length > 0);
    for (const row of rows) assert.ok(!row.key.includes('203.0.113'), row.key);
    const settings = await t.db.setting.findMany({ where: { key: { startsWith: 'client_key:' } } });
    assert.deepEqual(
      settings.map((s) => s.key),
      [`client_key:${new Date().toISOString().slice(0, 10)}`],
    );
  });
});

test('a reply sent and then sent again shows the same private link (the token holds it)', async () => {
  const app = await appWith({});
  const token = await formToken(app);
  const first = await send(app, [['token', token]]).expect(303);
  const again = await send(app, [
    ['token', token],
    ['messengers', 'xmpp'],
  ]).expect(303);
  assert.equal(first.headers.location, `/r/${secretIn(token)}?thanks`);
  assert.equal(again.headers.location, first.headers.location);
});
