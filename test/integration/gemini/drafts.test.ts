// Answers in progress: kept in PostgreSQL under a short token, checked by the web form's own
// rules one question at a time, expiring when abandoned, and never changed by a plain link.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTestApp } from '../../helpers/app.ts';
import { linksOf, useGemini } from './client.ts';
import { answer, startDraft } from './flow.ts';

const t = useTestApp();
const gemini = useGemini(t);

async function draftFields(): Promise<Record<string, string[]>> {
  return (await t.db.geminiDraft.findFirstOrThrow()).fields as Record<string, string[]>;
}

/** Every page reachable from `start` by following links on this capsule, each fetched once without input. */
async function crawl(start: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const queue = [start];
  while (queue.length > 0 && seen.size < 200) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    const reply = await gemini.get(path);
    seen.set(path, reply.status);
    if (reply.status === 20)
      queue.push(
        ...linksOf(reply.body)
          .map(([url]) => url)
          .filter((url) => url.startsWith('/')),
      );
    if (reply.status === 30) queue.push(reply.meta);
  }
  return seen;
}

describe('a Gemini draft', () => {
  test('nothing is written by following links: a crawler stores no draft and no reply', async () => {
    const seen = await crawl('/');
    assert.ok([...seen.values()].includes(10), 'the crawl reached the prompts');
    assert.equal(await t.db.geminiDraft.count(), 0);

    const draft = await startDraft(gemini, '1,2');
    const before = await t.db.geminiDraft.findFirstOrThrow();
    const inDraft = await crawl(`${draft}/review`);
    assert.ok(inDraft.has(`${draft}/send`), 'the crawl reached the send prompt');
    assert.ok(inDraft.has(`${draft}/q/clients.xmpp/change`));
    assert.deepEqual(await t.db.geminiDraft.findFirstOrThrow(), before, 'the draft is as it was');
    assert.equal(await t.db.reply.count(), 0);
  });

  test("each prompt says the room left in the request's 1024 bytes", async () => {
    const path = '/a/new/leaving-session/q/messengers/answer';
    const prompt = await gemini.get(path);
    assert.equal(prompt.status, 10);
    const room = 1024 - `gemini://localhost${path}?`.length;
    assert.match(prompt.meta, new RegExp(`\\(room: ${room} bytes\\)$`));
    assert.match(prompt.meta, /^Which of these messengers do you use\? \(required\)/);
  });

  test('an answer the form refuses is asked for again, with the reason, and nothing changes', async () => {
    const draft = await startDraft(gemini, '1');
    const refused = async (step: string, typed: string) => {
      const reply = await gemini.get(`${draft}/q/${step}/answer`, typed);
      assert.equal(reply.status, 10, `${step}?${typed}`);
      return reply.meta;
    };
    assert.match(await refused('messengers', ''), /^Please answer this question\. Which of these messengers/);
    assert.match(await refused('messengers', '1,7'), /^There is no option 7: the options are 1 to 3\./);
    assert.match(await refused('hosting.matrix', 'self-host'), /^Please answer with option numbers, from 1 to 2\./);
    assert.match(await refused('hosting.matrix', '1,2'), /^Please pick only one\./);
    assert.match(await refused('clients.matrix', 'a, b, c, d'), /^Please name at most 3\./);
    assert.match(await refused('display_name', 'y'.repeat(61)), /^Please shorten this to 60 characters/);
    assert.match(await refused('consent_quote', 'maybe'), /^Please answer 1 \(yes\) or 2 \(no\)\./);
    assert.deepEqual(await draftFields(), { messengers: ['matrix'] });
  });

  test('questions for an option are asked only once it is picked, and dropped when it is not any more', async () => {
    const draft = await startDraft(gemini, '1');
    assert.equal((await gemini.get(`${draft}/q/clients.xmpp`)).status, 51, 'XMPP was not picked');
    assert.equal(await answer(gemini, `${draft}/q/clients.matrix/answer`, 'Element'), `${draft}/q/hosting.matrix`);
    assert.equal(await answer(gemini, `${draft}/q/messengers/change`, '2'), `${draft}/review`);
    assert.deepEqual(await draftFields(), { messengers: ['xmpp'] }, "Matrix's clients went with Matrix");
  });

  test('a typed name of a listed option counts as picking it', async () => {
    const draft = await startDraft(gemini, 'matrix, Signal');
    const page = await gemini.get(`${draft}/q/clients.matrix`);
    assert.equal(page.status, 20, 'Matrix, typed by name, was picked');
    assert.match((await gemini.get(`${draft}/review`)).body, /^ Matrix, Signal$/m);
  });

  test('expires when abandoned: its pages, prompts and sending answer 51, and nothing is stored', async () => {
    const draft = await startDraft(gemini, '1');
    await t.db.geminiDraft.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    for (const [path, input] of [[`${draft}/q/why`], [`${draft}/q/why/answer`, 'late'], [`${draft}/review`], [`${draft}/send`, 'yes']] as const) {
      const reply = await gemini.get(path, input);
      assert.equal(reply.status, 51, path);
      assert.match(reply.meta, /expired/);
    }
    assert.equal(await t.db.reply.count(), 0);
    await startDraft(gemini, '2');
    assert.equal(await t.db.geminiDraft.count(), 1, 'the expired draft was cleared away when a new one was made');
  });

  test('is sent once, even when the confirmation arrives twice', async () => {
    const draft = await startDraft(gemini, '1');
    const replies = await Promise.all([gemini.get(`${draft}/send`, 'yes'), gemini.get(`${draft}/send`, 'yes')]);
    // Both lead to the one reply, or the later one finds the draft already sent (51).
    const sent = replies.filter((r) => r.status === 30);
    assert.ok(sent.length >= 1 && replies.every((r) => r.status === 30 || r.status === 51), replies.map((r) => r.status).join());
    assert.ok(sent.every((r) => r.meta === sent[0]!.meta));
    assert.equal(await t.db.reply.count(), 1);
  });

  test("sending counts against the web form's flood limits, and answers 44 with the seconds to wait", async () => {
    const draft = await startDraft(gemini, '1');
    const everyone = gemini.deps.replyPolicy;
    gemini.deps.replyPolicy = { ...everyone, flood: { ...everyone.flood, client: { count: 1, windowMs: 600_000 } } };
    try {
      await t.db.clientLimit.deleteMany();
      const other = await startDraft(gemini, '2');
      assert.equal((await gemini.get(`${other}/send`, 'yes')).status, 30);
      const reply = await gemini.get(`${draft}/send`, 'yes');
      assert.equal(reply.status, 44);
      assert.ok(Number(reply.meta) > 0 && Number(reply.meta) <= 600, reply.meta);
    } finally {
      gemini.deps.replyPolicy = everyone;
    }
    assert.equal(await t.db.reply.count(), 1);
    assert.equal(await t.db.geminiDraft.count(), 1, 'the draft waits to be sent again');
  });
});
