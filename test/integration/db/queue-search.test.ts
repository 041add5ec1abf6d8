// The author's search finds a reply whatever its age, page after page, in the queue's order:
// common words are found by reading the queue in order, rare ones through the trigram indexes
// (src/moderation/queue.ts); both must give the same pages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listQueue } from '../../../src/moderation/queue.ts';
import { encodeCursor, queueQuery } from '../../../src/moderation/schema.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReplies, type ReplyRecord } from '../../helpers/replies.ts';

const t = useTestApp();
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000);

/** Every page of a search, followed by its cursor as the "next page" link does. */
async function allPages(q: string, order: 'newest' | 'oldest'): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listQueue(t.db, queueQuery.parse({ status: 'approved', q, order, ...(after && { after }) }));
    pages.push(page.replies.map((r) => r.answers.find((a) => a.questionId === 'why')!.value));
    if (!page.hasMore) return pages;
    after = encodeCursor(page.replies.at(-1)!);
  }
}

describe("the author's search", () => {
  test('pages through a common word and finds a rare one far back, in either order', async () => {
    // 2,100 replies, more than the search reads one by one: every 40th says "fluffy", the oldest
    // alone says "quaternion".
    const records: ReplyRecord[] = Array.from({ length: 2100 }, (_, i) => ({
      status: 'approved',
      createdAt: day(i),
      answers: [
        { questionId: 'messengers', value: 'matrix' },
        { questionId: 'why', value: i === 0 ? 'Quaternion on my laptop' : i % 40 === 1 ? `Fluffy number ${i}` : `Reader ${i}` },
      ],
    }));
    await storeReplies(t.db, records);
    const fluffy = records.flatMap((r, i) => (i % 40 === 1 ? [`Fluffy number ${i}`] : []));

    const newest = await allPages('fluffy', 'newest');
    assert.deepEqual(newest.flat(), [...fluffy].reverse());
    assert.deepEqual(
      newest.map((page) => page.length),
      [25, 25, 3],
    );
    assert.deepEqual((await allPages('FLUFFY', 'oldest')).flat(), fluffy);
    assert.deepEqual(await allPages('quaternion', 'newest'), [['Quaternion on my laptop']]);
  });
});
