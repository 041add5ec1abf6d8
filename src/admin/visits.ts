// The author's visits, so that the queue can mark what came since the last one. A visit is a run
// of signed-in requests; half an hour without one ends it: reading a long reply or moving between
// pages stays one visit, a morning and an evening are two. Both moments live in the author's row
// and move in one UPDATE, so every instance sees the same visits: two requests at once, on two
// instances, queue on the row lock, and the second sees the first one's time.
import type { RequestHandler } from 'express';
import type { Db } from '../db/client.ts';

export const VISIT_GAP_SECONDS = 30 * 60;

/** Counts this request in the author's visit; returns when the previous visit ended (null: none yet). */
export async function recordVisit(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ previous_visit_at: Date | null }[]>`
    UPDATE author SET
      previous_visit_at = CASE
        WHEN last_seen_at < now() - make_interval(secs => ${VISIT_GAP_SECONDS}::int) THEN last_seen_at
        ELSE previous_visit_at END,
      last_seen_at = now()
    WHERE id = 1
    RETURNING previous_visit_at`;
  return row?.previous_visit_at ?? null;
}

/** Gives admin pages `lastVisit`: replies created after it are new to the author. */
export function visits(db: Db): RequestHandler {
  return async (_req, res, next) => {
    res.locals.lastVisit = await recordVisit(db);
    next();
  };
}
