// How many replies (not spam) use each typed name, for the author's names page, from the counts
// PostgreSQL keeps (the migration kept_tally_counts): approved replies in tally_count, those
// waiting for the author or rejected as changes appended to tally_waiting_delta. A reply is one
// or the other, so the two add up; neither read grows with the number of replies.
import type { Db } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';

/** Beyond this many rows of changes, reading folds them into one row per item and spelling. */
const FOLD_AFTER = 1000;

/**
 * `counted`: readers per item and spelling of every question with typed names in the surveys
 * loaded (the caller's `kinds`: survey_slug, question_id, kind, catalog), as (catalog, scope,
 * kind, item, spelling, readers). An item is `name:<catalog id>` or `typed:<normalised key>`
 * (also `option:<id>` for picked options, `text:` for a name with nothing to match by). A
 * reader naming one name under two questions of one catalog kind counts once for each.
 */
export const countedNames = Prisma.sql`counted AS (
    SELECT k.catalog, c.scope, k.kind, c.item, c.spelling, c.readers
    FROM (
      SELECT survey_slug, question_id, scope, item, spelling, readers FROM tally_count
      UNION ALL
      SELECT survey_slug, question_id, scope, item, spelling, sum(delta)::int FROM tally_waiting_delta
      GROUP BY survey_slug, question_id, scope, item, spelling
    ) AS c
    JOIN kinds k ON k.survey_slug = c.survey_slug AND k.question_id = c.question_id
    WHERE c.readers <> 0
  )`;

/**
 * Replaces the rows of changes with their sums (once there are many, unless `always`); returns
 * how many rows went. Safe beside writers and other folds: each statement deletes only the
 * rows it sees and puts back their sum. The names page folds before reading, the hourly purge
 * in any case, so the rows stay few even if the author never opens the page.
 */
export async function foldWaitingNames(db: Db, always = false): Promise<number> {
  if (!always) {
    const [many] = await db.$queryRaw<
      { many: boolean }[]
    >`SELECT count(*) > ${FOLD_AFTER} AS many FROM (SELECT 1 FROM tally_waiting_delta LIMIT ${FOLD_AFTER + 1}) AS rows`;
    if (!many?.many) return 0;
  }
  const [folded] = await db.$queryRaw<{ gone: number; kept: number }[]>`
    WITH gone AS (DELETE FROM tally_waiting_delta RETURNING survey_slug, question_id, scope, item, spelling, delta),
    kept AS (
      INSERT INTO tally_waiting_delta (survey_slug, question_id, scope, item, spelling, delta)
      SELECT survey_slug, question_id, scope, item, spelling, sum(delta) FROM gone
      GROUP BY survey_slug, question_id, scope, item, spelling HAVING sum(delta) <> 0
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone)::int AS gone, (SELECT count(*) FROM kept)::int AS kept`;
  return folded ? folded.gone - folded.kept : 0;
}
