// A survey's tally, counted now (the routes go through TallyCache; the export command counts
// afresh).
import type { Db } from '../db/client.ts';
import type { Survey } from '../surveys/schema.ts';
import { aggregateTally } from './aggregate.ts';
import { buildTally, type Tally } from './model.ts';

export async function computeTally(db: Db, survey: Survey): Promise<Tally> {
  return buildTally(survey, await aggregateTally(db, survey));
}
