// Ready tallies, so that no reader waits for a count. A request reads its survey's version (one
// row, moved by PostgreSQL on every relevant change: version.ts); when it moved, the survey is
// recounted in the background — once per instance however many readers ask, and once more if
// it moves again during the count — while readers get the last tally counted (or the new one
// if it is ready within `freshWaitMs`, by default not at all: waiting even 50 ms whenever the
// author moderates made that the slowest 1% of answers). Readers who come while a version
// read is on its way share it, so a crowd costs one round trip, not one each. Only a survey's
// very first request in a process waits for a count. A survey's recount never touches another
// survey. While the database is away, the last tally counted is still served.
import type { Db } from '../db/client.ts';
import { SingleFlight } from '../db/single-flight.ts';
import type { Survey } from '../surveys/schema.ts';
import type { Tally } from './model.ts';
import { computeTally } from './service.ts';
import { tallyVersionOf } from './version.ts';

interface Entry {
  /** The version `tally` was counted at (or after). */
  version: bigint;
  tally: Tally;
  /** The running recount, and the version it counts. */
  recount: { version: bigint; done: Promise<Tally> } | null;
}

export interface TallyCacheOptions {
  /** How long a reader waits for a running recount before getting the last tally (ms; Infinity: always fresh). */
  freshWaitMs: number;
}

export class TallyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly first = new Map<string, Promise<Tally>>();
  private readonly versionReads = new SingleFlight<bigint>();

  constructor(
    private readonly db: Db,
    private readonly options: TallyCacheOptions = { freshWaitMs: 0 },
  ) {}

  async tallyOf(survey: Survey): Promise<Tally> {
    const entry = this.entries.get(survey.slug);
    if (!entry) return this.firstCount(survey);
    let version: bigint;
    try {
      version = await this.currentVersion(survey.slug);
    } catch {
      return entry.tally;
    }
    if (version === entry.version) return entry.tally;
    const last = entry.tally;
    const recount = this.recount(survey, entry, version).catch(() => last);
    const { freshWaitMs } = this.options;
    if (freshWaitMs === Number.POSITIVE_INFINITY) return recount;
    return freshWaitMs <= 0 ? last : Promise.race([recount, delay(freshWaitMs, last)]);
  }

  /** The version now, read once for all the readers asking at the same moment. */
  private currentVersion(slug: string): Promise<bigint> {
    return this.versionReads.run(slug, () => tallyVersionOf(this.db, slug));
  }

  /** The first count of a survey in this process: every reader waits for it (once). */
  private firstCount(survey: Survey): Promise<Tally> {
    let pending = this.first.get(survey.slug);
    if (!pending) {
      pending = (async () => {
        const version = await tallyVersionOf(this.db, survey.slug);
        const tally = await computeTally(this.db, survey);
        this.entries.set(survey.slug, { version, tally, recount: null });
        return tally;
      })().finally(() => this.first.delete(survey.slug));
      this.first.set(survey.slug, pending);
    }
    return pending;
  }

  /** Recounts `survey` unless a recount of `version` runs already; resolves with the new tally. */
  private recount(survey: Survey, entry: Entry, version: bigint): Promise<Tally> {
    if (entry.recount?.version === version) return entry.recount.done;
    // A recount of an older version still runs: its result is older than `version`, so this
    // one starts after it (counting twice at once would only slow both down).
    const before = entry.recount?.done.catch(() => undefined) ?? Promise.resolve();
    const done = before.then(async () => {
      // The version is read before counting: a change during the count leaves the version
      // ahead of the tally, so the next request recounts.
      const counted = await tallyVersionOf(this.db, survey.slug);
      const tally = await computeTally(this.db, survey);
      if (entry.recount?.done === done) entry.recount = null;
      entry.version = counted;
      entry.tally = tally;
      return tally;
    });
    entry.recount = { version, done };
    // A failed recount is forgotten: the next request tries again, readers keep the last tally.
    done.catch(() => {
      if (entry.recount?.done === done) entry.recount = null;
    });
    return done;
  }
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value).unref());
}
