// `postbag export`: the tally counted now, written into the capsule's files (gemtext/post-file.ts).
import type { Db } from '../db/client.ts';
import type { Survey } from '../surveys/schema.ts';
import { recordTallyQuestions } from './questions.ts';
import { computeTally } from './service.ts';
import { appendToPost, writeTallyPage } from '../gemtext/post-file.ts';
import { type Change, tallyMarkers } from '../gemtext/post-section.ts';
import { tallyPage, tallySection } from './gemtext.ts';

/** `touchDate`: when the tally in the post changes, its `[Last updated: …]` line gets today's date. */
export type ExportTarget = { out: string } | { append: string; touchDate?: boolean };

/** Writes the tally and says what happened, in a sentence for the author. */
export async function exportTally(db: Db, survey: Survey, target: ExportTarget): Promise<string> {
  // The survey file may have changed since the server last started.
  await recordTallyQuestions(db, [survey]);
  const tally = await computeTally(db, survey);
  const counted = `${tally.readers} ${tally.readers === 1 ? 'reply' : 'replies'}`;
  const unchanged = (file: string) => `${file} already holds this tally (${counted}): nothing written.`;
  if ('out' in target) {
    const outcome = await writeTallyPage(target.out, tallyPage(tally));
    return outcome === 'unchanged' ? unchanged(target.out) : `Wrote the tally (${counted}) to ${target.out}.`;
  }
  const date = target.touchDate === true ? localDate(new Date()) : undefined;
  const change = await appendToPost(target.append, survey.slug, tallySection(tally), { touchDate: date });
  if (change === 'none') return unchanged(target.append);
  const dated = date === undefined ? '' : ` Its [Last updated: …] line now says ${date}.`;
  return `${describe(change, target.append, counted, survey.slug)}${dated}`;
}

function describe(change: Exclude<Change, 'none'>, file: string, counted: string, slug: string): string {
  const { begin, end } = tallyMarkers(slug);
  const markers = `It starts at the heading "${begin}" and ends at the line "${end.trimStart()}": keep both as they are, and later runs replace what lies between.`;
  switch (change) {
    case 'added above the footer':
      return `Added the tally (${counted}) to ${file}, above the page's footer. ${markers}`;
    case 'added at the end':
      return `Added the tally (${counted}) at the end of ${file}. ${markers}`;
    case 'replaced':
      return `Updated the tally (${counted}) in ${file}.`;
    case 'upgraded from the old markers':
      return `Updated the tally (${counted}) in ${file}, and replaced its old [postbag tally …] marker lines. ${markers}`;
    case 'upgraded and moved above the footer':
      return `Updated the tally (${counted}) in ${file}, replaced its old [postbag tally …] marker lines, and moved it from inside the page's footer to above it. ${markers}`;
  }
}

/** Today on the author's clock, as they would write it by hand in the post. */
function localDate(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}
