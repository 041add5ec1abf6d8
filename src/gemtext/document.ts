// A gemtext document in which the exporter chooses every line's type and no text passed in
// can change it. Every string argument is treated as if a reader wrote it (survey titles,
// names and answers all end up here), and every line that carries such text begins with
// characters the builder chose:
//
//   heading   `#`, `##` or `###`, a space, the text on one line
//   text      a space, then the text on one line (never starting with whitespace itself)
//   listItem  `* `, the text on one line
//   quote     `> ` before each line of the text (a blank line inside is a bare `>`)
//   link      `=> `, a URL the code chose (checked, never cleaned), a space, a one-line label
//   preformatted  a toggle with its alt text on one line, each inner line after a space, a toggle
//
// Text lines: a line starting with a space is a text line for the specification and for
// clients, which decide a line's type before trimming anything; Lagrange's default layout then
// trims the space away, so the line looks as if it had none. The space is added after all
// cleaning and the text after it is trimmed, so the space is always the builder's character,
// and the reader's text always starts at the second character.
//
// Long text: each line of reader text is cut at MAX_LINE_LENGTH characters, on a grapheme
// boundary, ending in "…". The number of lines is the caller's to limit (the reply form caps
// the length of answers).
import { cutToLength, readerLine, readerLines } from './sanitize.ts';

/** The most characters (code points) of reader text on one line; longer lines end in "…". */
export const MAX_LINE_LENGTH = 1000;

/** Written before a link label that starts with a date, so it is not taken for a feed entry. */
export const FEED_ENTRY_GUARD = '· ';

/** A mistake in the exporter's own input (a URL or heading level), never caused by readers. */
export class GemtextError extends Error {}

export type HeadingLevel = 1 | 2 | 3;

export type LinkOptions = {
  /**
   * The label is meant to start with a date and be read as a gemlog feed entry. Without it a
   * label starting with YYYY-MM-DD gets FEED_ENTRY_GUARD in front: subscribers' feed readers
   * (Lagrange's among them) take any such link as a new post.
   */
  feedEntry?: boolean;
};

/** Opens and closes a preformatted block. */
const TOGGLE = '```';

/** Anything that cannot sit inside a link URL: whitespace, controls, invisible formatting. */
const unsafeInUrl = /[\s\p{Cc}\p{Cf}\p{Z}]/u;

/** Lagrange's test for a feed entry, loosened to any digits: YYYY-MM-DD at the label's start. */
const datedLabel = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/;

export class GemtextDocument {
  readonly #lines: string[] = [];

  /** A heading line; a level-1 heading is read by feed readers as the feed's title. */
  heading(level: HeadingLevel, text: string): this {
    if (level !== 1 && level !== 2 && level !== 3) throw new GemtextError(`Gemtext has no heading level ${String(level)}`);
    return this.#push(`${'#'.repeat(level)} ${oneLine(text)}`);
  }

  /** A paragraph line; an empty text gives an empty line. */
  text(line: string): this {
    const clean = oneLine(line);
    return this.#push(clean === '' ? '' : ` ${clean}`);
  }

  /**
   * The capsule's footer line, written exactly as its pages have it: `[Last updated: YYYY-MM-DD]`.
   * It starts with the builder's bracket and holds only a checked date, so it needs no space.
   */
  lastUpdated(date: string): this {
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(date)) throw new GemtextError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
    return this.#push(`[Last updated: ${date}]`);
  }

  /** A list item on one line. */
  listItem(text: string): this {
    return this.#push(`* ${oneLine(text)}`);
  }

  /** The text as quote lines, blank lines at its start and end dropped; nothing if it is empty. */
  quote(readerText: string): this {
    for (const line of withoutBlankEdges(readerLines(readerText))) {
      this.#push(line.trim() === '' ? '>' : `> ${cutToLength(line, MAX_LINE_LENGTH)}`);
    }
    return this;
  }

  /**
   * A link to `url`, which must be one the code built: it is refused (GemtextError) if it is
   * empty or holds whitespace, control or formatting characters, never quietly changed.
   */
  link(url: string, label: string, options: LinkOptions = {}): this {
    if (url === '' || unsafeInUrl.test(url) || !url.isWellFormed()) {
      throw new GemtextError(`Not a URL to put in a link line: ${JSON.stringify(url)}`);
    }
    const clean = readerLine(label);
    // Checked in NFKC too: a date in fullwidth digits (２０２４－０５－０１) is kept as the reader
    // wrote it, and a feed reader that normalises text would read it as a date.
    const dated = datedLabel.test(clean) || datedLabel.test(clean.normalize('NFKC'));
    const guarded = dated && options.feedEntry !== true ? FEED_ENTRY_GUARD + clean : clean;
    const shown = cutToLength(guarded, MAX_LINE_LENGTH);
    return this.#push(shown === '' ? `=> ${url}` : `=> ${url} ${shown}`);
  }

  /**
   * A preformatted block: the alt text on the opening toggle, then one row per entry of `lines`
   * after a space (so none can start with the closing toggle), then the closing toggle. Breaks
   * inside an entry become spaces, so a name cannot add a row of its own to a chart; spacing
   * inside a row is kept for alignment. Blank rows (or rows of spaces only) are written empty.
   */
  preformatted(alt: string, lines: readonly string[]): this {
    this.#push(`${TOGGLE}${oneLine(alt)}`);
    for (const row of lines.map((entry) => readerLines(entry).join(' '))) {
      this.#push(row.trim() === '' ? '' : ` ${cutToLength(row, MAX_LINE_LENGTH)}`);
    }
    return this.#push(TOGGLE);
  }

  /** An empty line. */
  blank(): this {
    return this.#push('');
  }

  /**
   * The document: lines joined with LF, ending in exactly one LF. Blank lines at the end are
   * left out, so there is never a second LF (and a document of blank lines only is empty).
   */
  toString(): string {
    const end = this.#lines.findLastIndex((line) => line !== '') + 1;
    return this.#lines
      .slice(0, end)
      .map((line) => `${line}\n`)
      .join('');
  }

  #push(line: string): this {
    this.#lines.push(line);
    return this;
  }
}

function oneLine(text: string): string {
  return readerLine(text, MAX_LINE_LENGTH);
}

function withoutBlankEdges(lines: string[]): string[] {
  const isBlank = (line: string) => line.trim() === '';
  const first = lines.findIndex((line) => !isBlank(line));
  if (first === -1) return [];
  const last = lines.findLastIndex((line) => !isBlank(line));
  return lines.slice(first, last + 1);
}
