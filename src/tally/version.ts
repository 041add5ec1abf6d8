// A survey's tally version, kept in PostgreSQL and moved by triggers there (see the migration
// tally_version_per_survey) whenever something that can change the survey's published tally is
// written, by any instance or any tool. A cached tally is valid while its version is current.
import type { Db } from '../db/client.ts';

/** The version now; 0 for a survey that never had an approved reply. */
export async function tallyVersionOf(db: Db, surveySlug: string): Promise<bigint> {
  const row = await db.tallyVersion.findUnique({ where: { surveySlug } });
  return row?.version ?? 0n;
}
