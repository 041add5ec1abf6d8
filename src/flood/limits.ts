// Flood limits on replies, kept in PostgreSQL (table client_limit) so that every instance counts
// together and a restart forgets nothing. Two counters per window: the client's (a keyed hash of
// its network, see client-key.ts) and everyone's together (a budget for when all readers share
// one address, as behind a Tor onion service). Fixed windows: cheap (one statement per reply)
// and good enough against floods; a burst across a window's edge gets at most twice the limit.
import type { Rate } from '../config.ts';
import { poolOf, type Db } from '../db/client.ts';

export interface FloodLimits {
  client: Rate;
  global: Rate;
}

export type FloodCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts one reply for the client, and for everyone only while the client is within its own
 * limit (a flood refused per client must not use up everyone's budget); refused when either
 * count is over its limit. Refused attempts count for the client: insisting does not get a
 * flood in sooner.
 */
export async function countReply(db: Db, clientKey: string, limits: FloodLimits, now = Date.now()): Promise<FloodCheck> {
  const client = windowOf(limits.client, now);
  const global = windowOf(limits.global, now);
  // Run for every reply sent, so through node-postgres (see poolOf). Every reply updates the same
  // rows (everyone's counter, and one network's), so each waited for the one before it to
  // commit, disk flush included: about 30 replies a second in all. These counters need no
  // flush (a crash losing an increment lets a handful more replies through), so this statement
  // commits without waiting for it (synchronous_commit is read at commit; set_config's `true`
  // keeps it to this statement's own transaction). The reply itself is still flushed before
  // it is acknowledged.
  const { rows } = await poolOf(db).query<{ client: number; global: number | null }>(
    `WITH client AS (
      INSERT INTO client_limit (key, window_start, count) VALUES ($1, $2, 1)
      ON CONFLICT (key, window_start) DO UPDATE SET count = client_limit.count + 1
      RETURNING count
    ), everyone AS (
      INSERT INTO client_limit (key, window_start, count)
      SELECT 'global', $3, 1 FROM client WHERE client.count <= $4
      ON CONFLICT (key, window_start) DO UPDATE SET count = client_limit.count + 1
      RETURNING count
    )
    SELECT (SELECT count FROM client) AS client, (SELECT count FROM everyone) AS global,
      set_config('synchronous_commit', 'off', true) AS flush`,
    [`client:${clientKey}`, client.start, global.start, limits.client.count],
  );
  const counts = rows[0];
  if (!counts || counts.global === null) return { allowed: false, retryAfterMs: client.end.getTime() - now };
  if (counts.global > limits.global.count) return { allowed: false, retryAfterMs: global.end.getTime() - now };
  return { allowed: true };
}

function windowOf(rate: Rate, now: number): { start: Date; end: Date } {
  const start = now - (now % rate.windowMs);
  return { start: new Date(start), end: new Date(start + rate.windowMs) };
}

/** Removes counters whose window ended: they can no longer refuse anything. */
export async function pruneFloodCounters(db: Db, longestWindowMs: number, now = Date.now()): Promise<number> {
  return db.clientLimit.deleteMany({ where: { windowStart: { lt: new Date(now - longestWindowMs) } } }).then((r) => r.count);
}
