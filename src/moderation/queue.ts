// The author's queue: replies by status, newest (or oldest) first, searchable, paginated by
// keyset (created_at, id) so that page 400 of 100k replies costs what page 1 costs.
import type { Db } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { QueueQuery } from './schema.ts';

export const PAGE_SIZE = 25;

export async function listQueue(db: Db, query: QueueQuery) {
  const direction = query.order === 'newest' ? 'desc' : 'asc';
  const orderBy = [{ createdAt: direction }, { id: direction }] satisfies Prisma.ReplyOrderByWithRelationInput[];
  const include = { answers: { orderBy: [{ questionId: 'asc' }, { scope: 'asc' }, { position: 'asc' }] } } satisfies Prisma.ReplyInclude;
  const rows =
    query.q === ''
      ? await db.reply.findMany({ where: { ...inQueue(query), AND: afterCursor(query, direction) }, orderBy, take: PAGE_SIZE + 1, include })
      : await db.reply.findMany({ where: { id: { in: await searchPage(db, query, direction) } }, orderBy, include });
  return { replies: rows.slice(0, PAGE_SIZE), hasMore: rows.length > PAGE_SIZE };
}

function inQueue(query: QueueQuery): Prisma.ReplyWhereInput {
  return { status: query.status, ...(query.survey === undefined ? {} : { surveySlug: query.survey }) };
}

function afterCursor(query: QueueQuery, direction: 'asc' | 'desc'): Prisma.ReplyWhereInput[] {
  if (!query.after) return [];
  const { createdAt, id } = query.after;
  const beyond = direction === 'desc' ? 'lt' : 'gt';
  // The plain bound lets PostgreSQL start the index scan at the cursor; the OR alone would not.
  return [{ createdAt: { [`${beyond}e`]: createdAt } }, { OR: [{ createdAt: { [beyond]: createdAt } }, { createdAt, id: { [beyond]: id } }] }];
}

/** How many replies, in the queue's order, are read one by one before searching through the indexes. */
const WALK = 2000;

/**
 * The ids of a search's page (one more than a page, to tell whether there is another). Words
 * many replies use (a client's name) are found quickest by reading the queue in order and
 * stopping at a page; words few use (one reader's sentence) through the trigram indexes on
 * answers and names. PostgreSQL picks one plan for both and took 0.2–2.7 s at a million
 * replies, so both are tried: the walk first, over at most WALK replies, then the indexes.
 */
async function searchPage(db: Db, query: QueueQuery, direction: 'asc' | 'desc'): Promise<string[]> {
  // LIKE wildcards typed by the author are searched for, not used as wildcards.
  const pattern = `%${query.q.replace(/[\\%_]/g, '\\$&')}%`;
  const order = direction === 'desc' ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const after = query.after
    ? direction === 'desc'
      ? Prisma.sql`AND (r.created_at, r.id) < (${query.after.createdAt}, ${query.after.id}::uuid)`
      : Prisma.sql`AND (r.created_at, r.id) > (${query.after.createdAt}, ${query.after.id}::uuid)`
    : Prisma.empty;
  const survey = query.survey === undefined ? Prisma.empty : Prisma.sql`AND r.survey_slug = ${query.survey}`;
  const queue = Prisma.sql`r.status = ${query.status}::"ReplyStatus" ${survey} ${after}`;
  const matches = Prisma.sql`(r.display_name ILIKE ${pattern} OR EXISTS (SELECT 1 FROM answer a WHERE a.reply_id = r.id AND a.value ILIKE ${pattern}))`;
  const walked = await db.$queryRaw<{ id: string }[]>`
    SELECT r.id FROM (
      SELECT * FROM reply r WHERE ${queue} ORDER BY r.created_at ${order}, r.id ${order} LIMIT ${WALK}
    ) AS r
    WHERE ${matches}
    ORDER BY r.created_at ${order}, r.id ${order} LIMIT ${PAGE_SIZE + 1}`;
  if (walked.length > PAGE_SIZE) return walked.map((row) => row.id);
  const found = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM (
      SELECT r.id, r.created_at FROM reply r WHERE ${queue} AND r.display_name ILIKE ${pattern}
      UNION
      SELECT r.id, r.created_at FROM answer a JOIN reply r ON r.id = a.reply_id WHERE ${queue} AND a.value ILIKE ${pattern}
    ) AS found
    ORDER BY created_at ${order}, id ${order} LIMIT ${PAGE_SIZE + 1}`;
  return found.map((row) => row.id);
}

export type QueueReply = Awaited<ReturnType<typeof listQueue>>['replies'][number];

export async function findReply(db: Db, id: string) {
  return db.reply.findUnique({
    where: { id },
    include: { answers: { orderBy: [{ questionId: 'asc' }, { scope: 'asc' }, { position: 'asc' }] } },
  });
}
