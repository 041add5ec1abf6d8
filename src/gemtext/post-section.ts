// Where the tally goes in a post's text, and how later runs find it again. Gemtext has no
// comments, so whatever marks the tally is read by the post's readers: it opens with a heading
// and closes with a line in parentheses, both part of the page as a reader sees it,
//
//   ## What readers answered
//    3 replies counted; …
//    …
//
//    (Counted by Postbag from the replies to leaving-session.)
//
// The closing line names the survey, so it is what Postbag looks for: the tally runs from the
// nearest opening heading above it (never past another tally's closing line) to that line.
// Posts written by earlier versions carry the lines `[postbag tally begin: slug]` and
// `[postbag tally end: slug]`; the next run replaces those, marker lines and all, with this form,
// and moves a tally that those versions put inside the footer (between its links and its date,
// when blank lines spaced them) above the footer.
//
// The first run puts the tally after the post's text (the article and its footnote links) and
// before the page's footer: from the closing rule (`---`) when only links and blank lines lie
// between it and the final `[Last updated: …]` line, otherwise from the "Up One Level" / "Home"
// kind of links right above that line; with no `[Last updated: …]` line, at the very end.
//
// The author's text outside the tally is never changed (not even its line endings; the only
// exception is the date of `[Last updated: …]`, and only when asked for), and a marking that is
// incomplete, repeated or altered is reported and never guessed at.
import { UserError } from '../errors.ts';
import { parseGemtext } from './parse.ts';

export class PostFileError extends UserError {}

/**
 * The lines that mark the tally of `slug`. The closing one is a text line, so it starts with a
 * space as every text line GemtextDocument writes does; a line without that space is accepted
 * too (an editor may have trimmed it).
 */
export function tallyMarkers(slug: string): { begin: string; end: string } {
  return { begin: '## What readers answered', end: ` (Counted by Postbag from the replies to ${slug}.)` };
}

/** The marker lines of earlier versions, still found (and replaced) in older posts. */
export function legacyTallyMarkers(slug: string): { begin: string; end: string } {
  return { begin: `[postbag tally begin: ${slug}]`, end: `[postbag tally end: ${slug}]` };
}

const closingLine = /^ ?\(Counted by Postbag from the replies to ([a-z][a-z0-9-]*)\.\)$/;
/** A line that means to close a tally, perhaps mangled: "(counted by Postbag" in any spacing or case. */
const closingLike = /^\s*\(\s*counted\s+by\s+postbag/i;
const legacyMarker = /^\[postbag tally (begin|end): ([^\]\s]+)\]$/;
const legacyLike = /^\s*\[\s*postbag\s+tally/i;

const lastUpdatedLine = /^\[Last updated: [0-9]{4}-[0-9]{2}-[0-9]{2}\]/;

export interface PlaceOptions {
  /** How messages name the post. */
  file?: string;
  /** A YYYY-MM-DD date for the post's `[Last updated: …]` line, written only when the tally changes. */
  touchDate?: string;
}

export type Change =
  'none' | 'added above the footer' | 'added at the end' | 'replaced' | 'upgraded from the old markers' | 'upgraded and moved above the footer';

/**
 * The post with `body` (the tally: complete lines, LF-terminated) placed between the marker
 * lines of `slug`: in place of the previous tally, or added when the post has none yet. The
 * tally takes the post's line endings (CRLF if the post uses them).
 */
export function placeSection(post: string, slug: string, body: string, options: PlaceOptions = {}): { post: string; change: Change } {
  const file = options.file ?? 'the post';
  const eol = post.includes('\r\n') ? '\r\n' : '\n';
  const { begin, end } = tallyMarkers(slug);
  const section = `${begin}\n${body}\n${end}\n`.replaceAll('\n', eol);
  // Split on LF only, each line keeps its CR: joining back restores the author's bytes.
  const lines = post.split('\n');
  const plain = lines.map(withoutCR);
  if (options.touchDate !== undefined) dateLine(plain, file);

  const found = findTally(plain, slug, file);
  let placed: string;
  let change: Change;
  if (found === null) {
    ({ placed, change } = addSection(lines, section, eol, file));
  } else if (found.legacy && insideFooter(lines, found)) {
    // Earlier versions put the tally inside footers spaced by blank lines, between the links
    // and the date: the upgrade moves it above the footer, taking the blank line it added along.
    const blankAround = plain[found.first - 1]?.trim() === '' && plain[found.last + 1]?.trim() === '';
    placed = addSection([...lines.slice(0, found.first), ...lines.slice(found.last + (blankAround ? 2 : 1))], section, eol, file).placed;
    change = 'upgraded and moved above the footer';
  } else {
    refuseOpenBlock(plain, found.first, file);
    const head = found.first === 0 ? '' : lines.slice(0, found.first).join('\n') + '\n';
    placed = `${head}${section}${lines.slice(found.last + 1).join('\n')}`;
    change = found.legacy ? 'upgraded from the old markers' : 'replaced';
  }
  if (placed === post) return { post, change: 'none' };
  return { post: options.touchDate === undefined ? placed : withDate(placed, options.touchDate, file), change };
}

/** `section` added to the post of `lines` (each keeping its CR): above its footer, or at its end. */
function addSection(lines: readonly string[], section: string, eol: string, file: string): { placed: string; change: Change } {
  const plain = lines.map(withoutCR);
  const footer = footerStart(plain);
  refuseOpenBlock(plain, footer ?? plain.length, file);
  const head = footer === 0 ? '' : lines.slice(0, footer ?? lines.length).join('\n') + (footer === null ? '' : '\n');
  const separation = head === '' ? '' : head.endsWith(`${eol}${eol}`) ? '' : head.endsWith(eol) ? eol : eol + eol;
  const tail = footer === null ? '' : eol + lines.slice(footer).join('\n');
  return { placed: `${head}${separation}${section}${tail}`, change: footer === null ? 'added at the end' : 'added above the footer' };
}

/** Whether the lines from `first` to `last` sit within the footer of the post around them. */
function insideFooter(lines: readonly string[], { first, last }: { first: number; last: number }): boolean {
  const footer = footerStart([...lines.slice(0, first), ...lines.slice(last + 1)].map(withoutCR));
  return footer !== null && first >= footer;
}

function withoutCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Where the tally of `slug` is: its first and last line (markers included), or null if it has none. */
function findTally(lines: readonly string[], slug: string, file: string): { first: number; last: number; legacy: boolean } | null {
  const { begin, end } = tallyMarkers(slug);
  const legacy = legacyTallyMarkers(slug);
  const ends: number[] = [];
  const legacyBegins: number[] = [];
  const legacyEnds: number[] = [];
  lines.forEach((line, i) => {
    const closing = closingLine.exec(line);
    if (closing) {
      if (closing[1] === slug) ends.push(i);
    } else if (line === legacy.begin) legacyBegins.push(i);
    else if (line === legacy.end) legacyEnds.push(i);
    else if (closingLike.test(line)) {
      throw new PostFileError(
        `${at(file, i)} looks like the line that closes a Postbag tally but is not one: ${JSON.stringify(line)}.\nMake it exactly "${end.trimStart()}" again, or remove it.`,
      );
    } else if (legacyLike.test(line) && !legacyMarker.test(line)) {
      throw new PostFileError(
        `${at(file, i)} looks like a Postbag marker but is not one: ${JSON.stringify(line)}.\nMake it exactly "${legacy.begin}" or "${legacy.end}" again, or remove it.`,
      );
    }
  });

  const legacyCount = legacyBegins.length + legacyEnds.length;
  if (ends.length === 0 && legacyCount === 0) return null;
  if (ends.length > 0 && legacyCount > 0) {
    throw new PostFileError(
      `${file} holds the tally twice: closed by "${end.trimStart()}" (${lineList(ends)}) and between old marker lines (${lineList([...legacyBegins, ...legacyEnds].sort((a, b) => a - b))}).\nRemove one of them, markers and all.`,
    );
  }
  if (legacyCount > 0) {
    const [first] = legacyBegins;
    const [last] = legacyEnds;
    if (legacyBegins.length !== 1 || legacyEnds.length !== 1 || first === undefined || last === undefined || first > last) {
      throw new PostFileError(`${file} has ${describeLegacyMarkers(legacyBegins, legacyEnds)}; it needs exactly one "${legacy.begin}" line followed by one "${legacy.end}" line.
Fix the markers by hand (remove both, with the old tally between them, to have the tally added again).`);
    }
    return { first, last, legacy: true };
  }
  const [last] = ends;
  if (ends.length !== 1 || last === undefined) {
    throw new PostFileError(
      `${file} has ${ends.length} lines "${end.trimStart()}" (${lineList(ends)}); a post holds one tally per survey.\nRemove all but one tally, its heading and closing line included.`,
    );
  }
  for (let i = last - 1; i >= 0; i--) {
    if (lines[i] === begin) return { first: i, last, legacy: false };
    if (closingLine.test(lines[i]!) || legacyMarker.test(lines[i]!)) break;
  }
  throw new PostFileError(
    `${at(file, last)} closes the tally, but no "${begin}" heading opens it above that line (after any other tally).\n` +
      `Put the heading back where the tally starts, or remove the tally and its closing line to have it added again.`,
  );
}

/**
 * Where the page's footer starts, or null when the post does not end in a `[Last updated: …]`
 * line (then the tally goes at the very end). Blank lines may sit anywhere between the footer's
 * lines. Above the date: its closing rule, when only links lie between the two; otherwise the
 * links that lead around the capsule (up, home, a folder) right above the date, so that the
 * post's own links (footnotes, related posts) stay above the tally.
 */
function footerStart(lines: readonly string[]): number | null {
  const blank = (i: number) => lines[i]!.trim() === '';
  const last = lines.findLastIndex((line) => line.trim() !== '');
  if (last < 0 || !lines[last]!.startsWith('[Last updated:')) return null;
  let above = last - 1;
  while (above >= 0 && (blank(above) || lines[above]!.startsWith('=>'))) above--;
  if (above >= 0 && isRule(lines[above]!)) return above;
  let start = last;
  for (let i = last - 1; i > above; i--) {
    if (blank(i)) continue;
    if (!leadsAround(lines[i]!)) break;
    start = i;
  }
  return start;
}

/** `---`, `***`, `___`, `───`…: three or more of one rule character, on a line of their own. */
function isRule(line: string): boolean {
  return /^\s*([-*_=~─━═])\1{2,}\s*$/u.test(line);
}

/** A link within the capsule to a folder or index: `../`, `/`, `/gemlog/`, `index.gmi`. */
function leadsAround(line: string): boolean {
  const [parsed] = parseGemtext(line);
  return parsed?.type === 'link' && /^(\.\.?\/)*\.\.?$|^[^:]*\/$|(^|\/)index\.gmi$/.test(parsed.url);
}

/** The index of the `[Last updated: YYYY-MM-DD]` line that ends the post; refuses a post without one. */
function dateLine(lines: readonly string[], file: string): number {
  const last = lines.findLastIndex((line) => line.trim() !== '');
  if (last >= 0 && lastUpdatedLine.test(lines[last]!)) return last;
  const found = last >= 0 && lines[last]!.startsWith('[Last updated:') ? `its last line is ${JSON.stringify(lines[last])}` : 'it does not end in one';
  throw new PostFileError(`${file} has no "[Last updated: YYYY-MM-DD]" line for --touch-date to change (${found}). Nothing was written.`);
}

function withDate(post: string, date: string, file: string): string {
  const lines = post.split('\n');
  const i = dateLine(lines.map(withoutCR), file);
  lines[i] = lines[i]!.replace(lastUpdatedLine, `[Last updated: ${date}]`);
  return lines.join('\n');
}

/** Refuses a post whose preformatted block is still open at line `upTo`: the tally would be drawn inside it. */
function refuseOpenBlock(lines: readonly string[], upTo: number, file: string): void {
  let open: number | null = null;
  lines.slice(0, upTo).forEach((line, i) => {
    if (line.startsWith('```')) open = open === null ? i : null;
  });
  if (open !== null) {
    throw new PostFileError(
      `${at(file, open)} opens a preformatted block that is still open where the tally goes; ` +
        'the tally would be drawn inside out. Close the block with a line of three backticks.',
    );
  }
}

function at(file: string, i: number): string {
  return `${file}, line ${i + 1},`;
}

function lineList(at: readonly number[]): string {
  return `line ${at.map((i) => i + 1).join(', ')}`;
}

function describeLegacyMarkers(begins: number[], ends: number[]): string {
  const list = (what: 'begin' | 'end', at: number[]) => {
    if (at.length === 0) return `no ${what} marker`;
    return at.length === 1 ? `${what === 'end' ? 'an' : 'a'} ${what} marker (${lineList(at)})` : `${at.length} ${what} markers (${lineList(at)})`;
  };
  if (begins.length === 1 && ends.length === 1) return `its end marker (${lineList(ends)}) before its begin marker (${lineList(begins)})`;
  return `${list('begin', begins)} and ${list('end', ends)}`;
}
