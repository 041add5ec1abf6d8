// What Postbag forgets, and when: replies the author rejected or marked as spam, some days
// after that decision; sign-in counters whose window and block are over (one row per network
// that ever mistyped the password, kept forever otherwise); admin sessions past their expiry;
// flood counters whose window is over and the daily keys of their hashes; expired Gemini drafts;
// and it folds the names page's rows of changes together.
// `postbag purge` runs the steps on demand and the running app every hour (./schedule.ts).
//
// Each step is one DELETE with its conditions: several instances running them at once, or a
// step racing a request that renews a row, delete each row at most once and nothing live
// (PostgreSQL checks the conditions again on a row changed meanwhile).
import { defaultThrottlePolicy } from '../admin/throttle.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { pruneClientKeys } from '../flood/client-key.ts';
import { foldWaitingNames } from '../catalog/name-counts.ts';
import { pruneFloodCounters } from '../flood/limits.ts';
import { pruneDrafts } from '../gemini/drafts.ts';

export interface PurgeOptions {
  /** Rejected and spam replies go this many days after the author's decision. */
  rejectedAfterDays: number;
  /** The longest flood-limit window: counters older than that can refuse nothing. */
  floodWindowMs: number;
}

export interface PruneStep {
  /** What the step removes, as `postbag purge` reports it: "3 <what>". */
  what: string;
  run(db: Db, options: PurgeOptions): Promise<number>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The options that follow from the settings, rejected replies kept `rejectedAfterDays`. */
export function purgeOptions(config: Pick<Config, 'floodLimits'>, rejectedAfterDays: number): PurgeOptions {
  return { rejectedAfterDays, floodWindowMs: Math.max(config.floodLimits.client.windowMs, config.floodLimits.global.windowMs) };
}

/** A counter's window: after it (and any block) is over, the next attempt would start afresh anyway. */
const throttleWindowSeconds = Math.max(defaultThrottlePolicy.perClient.windowSeconds, defaultThrottlePolicy.overall.windowSeconds);

/** Every table Postbag prunes. A new one is one more entry. */
export const pruneSteps: readonly PruneStep[] = [
  {
    what: 'rejected and spam replies',
    run: async (db, { rejectedAfterDays }) => {
      const before = new Date(Date.now() - rejectedAfterDays * DAY_MS);
      // Counted from the decision, so the author has the whole period to undo it. A reply never
      // moderated has no decision date (only possible in data written by hand): its own date counts.
      const { count } = await db.reply.deleteMany({
        where: {
          status: { in: ['rejected', 'spam'] },
          OR: [{ moderatedAt: { lt: before } }, { moderatedAt: null, createdAt: { lt: before } }],
        },
      });
      return count;
    },
  },
  {
    what: 'expired sign-in counters',
    // The database's clock, the one the counters are written with (src/admin/throttle.ts).
    run: (db) => db.$executeRaw`
      DELETE FROM sign_in_throttle
      WHERE blocked_until <= now()
         OR (blocked_until IS NULL AND window_started_at < now() - make_interval(secs => ${throttleWindowSeconds}::int))`,
  },
  {
    what: 'expired admin sessions',
    run: async (db) => (await db.adminSession.deleteMany({ where: { expiresAt: { lte: new Date() } } })).count,
  },
  { what: 'expired flood counters', run: (db, { floodWindowMs }) => pruneFloodCounters(db, floodWindowMs) },
  { what: 'old daily keys of flood counters', run: (db) => pruneClientKeys(db) },
  { what: 'expired Gemini drafts', run: (db) => pruneDrafts(db) },
  { what: 'rows of name counts folded into others', run: (db) => foldWaitingNames(db, true) },
];

export interface Purged {
  what: string;
  count: number;
}

/** Runs every step, one after the other; returns how many rows each removed. */
export async function purge(db: Db, options: PurgeOptions): Promise<Purged[]> {
  const purged: Purged[] = [];
  for (const step of pruneSteps) purged.push({ what: step.what, count: await step.run(db, options) });
  return purged;
}
