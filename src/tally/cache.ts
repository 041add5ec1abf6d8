// Computed tallies, kept per survey until the change counter in PostgreSQL moves. Each request
// reads the current counter first, so an instance never serves a tally older than the latest
// change made through any instance; a tally computed after the counter was read is at least as
// new as that counter, so keeping it under that counter is safe.
import type { Db } from '../db/client.ts';
import type { Survey } from '../surveys/schema.ts';
import type { Tally } from './model.ts';
import { computeTally } from './service.ts';
import { currentTallyVersion } from './version.ts';

interface Entry {
  version: bigint;
  /** Shared by concurrent requests, so a burst after a change computes the tally once. */
  tally: Promise<Tally>;
}

export class TallyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly db: Db) {}

  async tallyOf(survey: Survey): Promise<Tally> {
    const version = await currentTallyVersion(this.db);
    const entry = this.entries.get(survey.slug);
    if (entry?.version === version) return entry.tally;
    const tally = computeTally(this.db, survey);
    this.entries.set(survey.slug, { version, tally });
    // A failure is not kept: the next request tries again.
    tally.catch(() => {
      if (this.entries.get(survey.slug)?.tally === tally) this.entries.delete(survey.slug);
    });
    return tally;
  }
}
