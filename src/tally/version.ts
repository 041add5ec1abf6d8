// A survey's tally version, kept in PostgreSQL and moved by triggers there (see the migration
// tally_version_per_survey) whenever something that can change the survey's published tally is
// written, by any instance or any tool. A cached tally is valid while its version is current.
import { poolOf, type Db } from '../db/client.ts';

/** The version now; 0 for a survey that never had an approved reply. Read for every tally a reader loads. */
export async function tallyVersionOf(db: Db, surveySlug: string): Promise<bigint> {
  const { rows } = await poolOf(db).query<{ version: string }>('SELECT version::text FROM tally_version WHERE survey_slug = $1', [surveySlug]);
  return BigInt(rows[0]?.version ?? 0);
}
