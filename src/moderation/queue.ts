// The author's queue: replies by status, newest (or oldest) first, searchable, paginated by
// keyset (created_at, id) so that page 400 of 100k replies costs what page 1 costs.
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { QueueQuery } from './schema.ts';

export const PAGE_SIZE = 25;

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
