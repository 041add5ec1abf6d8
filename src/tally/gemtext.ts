// The tally as gemtext, in the capsule's style, written through the safe builder: every line's
// type is chosen here and no text can change it (see document.ts). Two forms:
//   tallyPage     a page of its own (tally.gmi, `postbag export --out`): a `#` title, the
//                 sections, and the capsule's footer ("Up One Level", "Home", last updated)
//   tallySection  what `postbag export --append` places in a post (gemtext/post-section.ts
//                 adds the heading and closing line that mark it): the summary and the same
//                 sections, without a `#` heading (the post has its title, and feed readers take
//                 the first `#` heading as the feed's title) or footer
// Text first: every number is in a sentence or list line that a screen reader speaks as it
// is ("Matrix: 2 of 3 readers (67%)"). The chart under a list of two or more is an extra for
// sighted readers, in plain ASCII (block glyphs are missing from some fonts), and its alt
// text carries the same numbers for a client that shows only the alt text.
// Both forms show the same numbers as the HTML page, from the same Tally. Nothing in them
// depends on when they are written (the date is the last approval's), so an export with
// nothing new is byte for byte the one before.
import type { Count, CountSection, QuoteSection, Section, Tally } from './model.ts';
import { GemtextDocument } from '../gemtext/document.ts';

const BAR_CELLS = 20;

export function tallyPage(tally: Tally, doc = new GemtextDocument()): string {
  doc.heading(1, `${tally.title}: what readers answered`).blank();
  doc.text(summary(tally));
  writeSections(doc, tally);
  doc.blank().link('../', 'Up One Level').link('/', 'Home');
  doc.lastUpdated(tally.lastApproval ?? tally.published);
  return doc.toString();
}

export function tallySection(tally: Tally, doc = new GemtextDocument()): string {
  doc.text(summary(tally));
  writeSections(doc, tally);
  return doc.toString();
}

function summary(tally: Tally): string {
  if (tally.readers === 0) return 'No reply has been published yet.';
  return `${plural(tally.readers, 'reply', 'replies')} counted; the last was approved on ${tally.lastApproval}.`;
}

function writeSections(doc: GemtextDocument, tally: Tally): void {
  for (const block of tally.blocks) {
    if (block.type === 'section') {
      writeSection(doc, block.section, 2, '');
      continue;
    }
    doc.blank().heading(2, block.label);
    doc.text(`${plural(block.readers, 'reader', 'readers')} (${block.percent}% of all readers) chose ${block.label}.`);
    for (const section of block.sections) writeSection(doc, section, 3, ` who chose ${block.label}`);
  }
}

/** `who`: whom the section's readers are, after "readers" ("" or " who chose Matrix"). */
function writeSection(doc: GemtextDocument, section: Section, level: 2 | 3, who: string): void {
  doc.blank().heading(level, section.label);
  if (section.type === 'counts') writeCounts(doc, section, `${plural(section.base, 'reader', 'readers')}${who}`);
  else writeQuotes(doc, section);
}

function writeCounts(doc: GemtextDocument, section: CountSection, readers: string): void {
  doc.text(`${section.answered} of ${readers} answered.`);
  for (const count of section.counts) doc.listItem(countLine(count, section.base));
  if (section.more > 0) doc.text(`${plural(section.more, 'more name was', 'more names were')} given, each by fewer readers.`);
  // A chart of one bar tells nothing the line above does not.
  if (section.counts.length > 1) doc.blank().preformatted(chartAlt(section.counts), chartRows(section.counts));
  const { several } = section;
  if (!several) return;
  doc.blank().text(`${several.readers} of ${readers} (${several.percent}%) chose more than one.`);
  if (several.combinations.length === 0) return;
  doc.text(several.heading);
  for (const combination of several.combinations) doc.listItem(`${combination.labels.join(' + ')}: ${plural(combination.readers, 'reader', 'readers')}`);
}

function writeQuotes(doc: GemtextDocument, section: QuoteSection): void {
  section.quotes.forEach((quote, i) => {
    if (i > 0) doc.blank();
    doc.quote(quote.text).text(`— ${quote.by}`);
  });
  if (section.more > 0) doc.blank().text(`And ${plural(section.more, 'more quote', 'more quotes')} not shown here.`);
}

/** "Matrix: 12 of 26 readers (46%)": the percentage is of the section's base, as on the web page. */
function countLine({ label, readers, percent }: Count, base: number): string {
  return `${label}: ${readers} of ${plural(base, 'reader', 'readers')} (${percent}%)`;
}

/** What a client that hides the chart shows instead: the numbers, in the list's order. */
function chartAlt(counts: readonly Count[]): string {
  return `Bar chart of the list above: ${counts.map(({ label, readers, percent }) => `${label} ${readers} (${percent}%)`).join(', ')}`;
}

/** " 12  46% #########........... Matrix": numbers first, so labels of any width never shift them. */
export function chartRows(counts: readonly Count[]): string[] {
  const width = Math.max(...counts.map((count) => String(count.readers).length));
  return counts.map(({ readers, percent, label }) => {
    const filled = Math.min(BAR_CELLS, Math.round((percent / 100) * BAR_CELLS));
    const bar = '#'.repeat(filled) + '.'.repeat(BAR_CELLS - filled);
    return `${String(readers).padStart(width)} ${`${percent}%`.padStart(4)} ${bar} ${label}`;
  });
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
