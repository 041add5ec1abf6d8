// The author's queue: replies by status, newest (or oldest) first, searchable, paginated by
// keyset (created_at, id) so that page 400 of 100k replies costs what page 1 costs.
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { statuses, type QueueQuery, type Status } from './schema.ts';

export const PAGE_SIZE = 25;

/** Beyond this many rows of changes, statusCounts folds them into one row per status. */
const FOLD_AFTER = 1000;

/**
 * How many replies each status holds: the sum of the changes PostgreSQL's triggers append on
 * every write to reply (see the migration reply_status_counts), a few rows whatever the
 * number of replies.
 */
export async function statusCounts(db: Db): Promise<Record<Status, number>> {
  const groups = await db.replyStatusDelta.groupBy({ by: ['status'], _sum: { delta: true }, _count: { _all: true } });
  const counts = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<Status, number>;
  for (const group of groups) counts[group.status] = group._sum.delta ?? 0;
  if (groups.reduce((rows, group) => rows + group._count._all, 0) > FOLD_AFTER) await foldStatusCounts(db);
  return counts;
}

/**
 * Replaces the rows of changes with their sums. Safe beside writers and other folds: each
 * statement deletes only rows it sees (a row appended meanwhile stays for the next fold),
 * and two folds at once each sum the rows they took.
 */
async function foldStatusCounts(db: Db): Promise<void> {
  await db.$executeRaw`
    WITH gone AS (DELETE FROM reply_status_delta RETURNING status, delta)
    INSERT INTO reply_status_delta (status, delta) SELECT status, sum(delta) FROM gone GROUP BY status`;
}

export async function listQueue(db: Db, query: QueueQuery) {
  const direction = query.order === 'newest' ? 'desc' : 'asc';
  const where: Prisma.ReplyWhereInput = { status: query.status, ...(query.survey === undefined ? {} : { surveySlug: query.survey }) };
  const and: Prisma.ReplyWhereInput[] = [];
  if (query.q !== '') {
    // LIKE wildcards typed by the author are searched for, not used as wildcards.
    const contains = query.q.replace(/[\\%_]/g, '\\$&');
    and.push({
      OR: [{ answers: { some: { value: { contains, mode: 'insensitive' } } } }, { displayName: { contains, mode: 'insensitive' } }],
    });
  }
  if (query.after) {
    const { createdAt, id } = query.after;
    const beyond = direction === 'desc' ? 'lt' : 'gt';
    // The plain bound lets PostgreSQL start the index scan at the cursor; the OR alone would not.
    and.push({ createdAt: { [`${beyond}e`]: createdAt } });
    and.push({ OR: [{ createdAt: { [beyond]: createdAt } }, { createdAt, id: { [beyond]: id } }] });
  }
  const rows = await db.reply.findMany({
    where: { ...where, AND: and },
    orderBy: [{ createdAt: direction }, { id: direction }],
    take: PAGE_SIZE + 1,
    include: { answers: { orderBy: [{ questionId: 'asc' }, { scope: 'asc' }, { position: 'asc' }] } },
  });
  return { replies: rows.slice(0, PAGE_SIZE), hasMore: rows.length > PAGE_SIZE };
}

export type QueueReply = Awaited<ReturnType<typeof listQueue>>['replies'][number];

export async function findReply(db: Db, id: string) {
  return db.reply.findUnique({
    where: { id },
    include: { answers: { orderBy: [{ questionId: 'asc' }, { scope: 'asc' }, { position: 'asc' }] } },
  });
}
