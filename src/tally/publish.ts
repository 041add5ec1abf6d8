// `postbag export`: the tally counted now, written into the capsule's files (gemtext/post-file.ts).
import type { Db } from '../db/client.ts';
import type { Survey } from '../surveys/schema.ts';
import { computeTally } from './service.ts';
import { appendToPost, tallyMarkers, writeTallyPage } from '../gemtext/post-file.ts';
import { tallyPage, tallySection } from './gemtext.ts';

export type ExportTarget = { out: string } | { append: string };

/** Writes the tally and says what happened, in a sentence for the author. */
export async function exportTally(db: Db, survey: Survey, target: ExportTarget): Promise<string> {
  const tally = await computeTally(db, survey);
  const counted = `${tally.readers} ${tally.readers === 1 ? 'reply' : 'replies'}`;
  if ('out' in target) {
    const outcome = await writeTallyPage(target.out, tallyPage(tally));
    return outcome === 'unchanged' ? `${target.out} already holds this tally (${counted}): nothing written.` : `Wrote the tally (${counted}) to ${target.out}.`;
  }
  const outcome = await appendToPost(target.append, survey.slug, tallySection(tally));
  const { begin, end } = tallyMarkers(survey.slug);
  return outcome === 'unchanged'
    ? `${target.append} already holds this tally (${counted}): nothing written.`
    : `Wrote the tally (${counted}) into ${target.append}, between the lines "${begin}" and "${end}".`;
}
