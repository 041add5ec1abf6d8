// How many replies there are per survey and status: the queue's survey filter and the admin's
// list of surveys show them. One grouped count over the (survey_slug, status, created_at) index.
import type { Db } from '../db/client.ts';
import { statuses, type Status } from './schema.ts';

export type StatusCounts = Record<Status, number>;

const zero = (): StatusCounts => Object.fromEntries(statuses.map((s) => [s, 0])) as StatusCounts;

/** Replies per status, for each survey that has any. */
export async function countsBySurvey(db: Db): Promise<Map<string, StatusCounts>> {
  const groups = await db.reply.groupBy({ by: ['surveySlug', 'status'], _count: { _all: true } });
  const counts = new Map<string, StatusCounts>();
  for (const group of groups) {
    const survey = counts.get(group.surveySlug) ?? zero();
    survey[group.status] = group._count._all;
    counts.set(group.surveySlug, survey);
  }
  return counts;
}

/** Replies in one status (of one survey, if given) that came after `since`. */
export function countNewer(db: Db, status: Status, since: Date, surveySlug: string | undefined): Promise<number> {
  return db.reply.count({ where: { status, createdAt: { gt: since }, ...(surveySlug === undefined ? {} : { surveySlug }) } });
}
