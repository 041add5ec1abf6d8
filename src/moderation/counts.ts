// How many replies there are per survey and status: the admin's navigation, the queue's survey
// filter and the list of surveys show them. PostgreSQL's triggers append every change to these
// counts to reply_status_delta (see the migrations reply_status_counts and
// status_counts_per_survey), so they cost a few rows whatever the number of replies.
import type { Db } from '../db/client.ts';
import { statuses, type Status } from './schema.ts';

export type StatusCounts = Record<Status, number>;

/** Beyond this many rows of changes, reading the counts folds them into one row per survey and status. */
const FOLD_AFTER = 1000;

const zero = (): StatusCounts => Object.fromEntries(statuses.map((s) => [s, 0])) as StatusCounts;

/** Replies per status, for each survey that has any. */
export async function countsBySurvey(db: Db): Promise<Map<string, StatusCounts>> {
  const groups = await db.replyStatusDelta.groupBy({ by: ['surveySlug', 'status'], _sum: { delta: true }, _count: { _all: true } });
  const counts = new Map<string, StatusCounts>();
  for (const group of groups) {
    const survey = counts.get(group.surveySlug) ?? zero();
    survey[group.status] = group._sum.delta ?? 0;
    counts.set(group.surveySlug, survey);
  }
  if (groups.reduce((rows, group) => rows + group._count._all, 0) > FOLD_AFTER) await foldStatusCounts(db);
  return counts;
}

/** Replies per status, every survey together. */
export async function statusCounts(db: Db): Promise<StatusCounts> {
  const total = zero();
  for (const counts of (await countsBySurvey(db)).values()) for (const status of statuses) total[status] += counts[status];
  return total;
}

/**
 * Replaces the rows of changes with their sums. Safe beside writers and other folds: each
 * statement deletes only rows it sees (a row appended meanwhile stays for the next fold),
 * and two folds at once each sum the rows they took.
 */
async function foldStatusCounts(db: Db): Promise<void> {
  await db.$executeRaw`
    WITH gone AS (DELETE FROM reply_status_delta RETURNING survey_slug, status, delta)
    INSERT INTO reply_status_delta (survey_slug, status, delta) SELECT survey_slug, status, sum(delta) FROM gone GROUP BY survey_slug, status`;
}

/** Replies in one status (of one survey, if given) that came after `since`. */
export function countNewer(db: Db, status: Status, since: Date, surveySlug: string | undefined): Promise<number> {
  return db.reply.count({ where: { status, createdAt: { gt: since }, ...(surveySlug === undefined ? {} : { surveySlug }) } });
}
