// Reader text made safe to place in gemtext. Gemtext has no escapes, so safety comes from two
// layers: this module removes everything that could break a line or hide what it says, and
// the document builder (document.ts) decides how every line starts. Nothing here decides a
// line's type; these functions only return clean text.
//
// The order matters:
// 1. Lone surrogates become U+FFFD, so the text can be encoded as UTF-8 at all.
// 2. NFKC first: it turns look-alikes (＝＞, ＃, ｀｀｀, ﹥, fullwidth ESC sequences like
//    ESC［３１ｍ) into the ASCII they imitate, so the steps below see what a client would.
// 3. Split on every character some client or converter treats as a line break.
// 4. Per line: whole ANSI escape sequences, then any control character left, then invisible
//    characters that reorder or hide text; tabs become spaces.

/** CR, LF, CRLF (one break, not two), VT, FF, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. */
const lineBreak = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/u;

/**
 * ANSI escape sequences, removed whole (Lagrange renders them in text, Amfora in preformatted
 * blocks). Three forms, tried in order:
 * - CSI (ESC [ or its 8-bit form U+009B): parameters, intermediates, one final byte (`ESC[31m`);
 * - string sequences (OSC, DCS, SOS, PM, APC, in 7- or 8-bit form) up to BEL or ST, such as
 *   OSC 8 hyperlinks. Their body stops at the next introducer, which keeps the scan linear;
 * - any other escape: ESC, intermediates, one final byte (`ESC(B`, `ESC7`).
 * An unterminated sequence loses only its introducer; its body stays as visible text.
 */
const ansiEscapeSequence =
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u0090\u0098\u009c-\u009f]*(?:\u0007|\u001b\\|\u009c)|\u001b[\u0020-\u002f]*[\u0030-\u007e]/gu;

/** C0, DEL and C1: whatever the escape-sequence pass left (NUL, a lone ESC, BEL, …). */
const controlCharacter = /\p{Cc}/gu;

/**
 * Invisible characters that hide or reorder text: zero-width space and non-joiner, the
 * left-to-right/right-to-left and Arabic letter marks, bidi embeddings, overrides and
 * isolates, and U+FEFF (a BOM or zero-width no-break space) anywhere.
 */
const invisibleCharacter = /[\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;

/**
 * A zero-width joiner, except inside an emoji ZWJ sequence (👩‍💻, 🏳️‍🌈, 👩🏽‍💻), where removing
 * it would split one emoji into two. Anywhere else it only helps to disguise text.
 */
const strayZeroWidthJoiner =
  /(?<!\p{Extended_Pictographic}[\ufe0f\u{1f3fb}-\u{1f3ff}]?)\u200d|\u200d(?!\p{Extended_Pictographic})/gu;

const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The reader's text as clean lines: n line breaks (CRLF counting as one) give n + 1 entries,
 * blank ones included, so `readerLines('')` is `['']` and `readerLines('a\r\n')` is `['a', '']`. No entry contains a break, a control
 * character or an invisible formatting character; leading spaces (indentation) are kept.
 */
export function readerLines(text: string): string[] {
  return text.toWellFormed().normalize('NFKC').split(lineBreak).map(cleanLine);
}

/**
 * The reader's text as one clean line: breaks folded into spaces, runs of whitespace
 * collapsed, trimmed; cut to `maxLength` characters (see cutToLength) when given.
 */
export function readerLine(text: string, maxLength?: number): string {
  const line = readerLines(text).join(' ').replace(/\s+/gu, ' ').trim();
  return maxLength === undefined ? line : cutToLength(line, maxLength);
}

/**
 * `text` if it has at most `maxLength` characters (code points); otherwise its longest
 * prefix of whole graphemes (an emoji, a letter with its accents) that fits with a final "…".
 * A single grapheme longer than the limit (a letter under hundreds of combining marks) is cut
 * between code points, never inside a surrogate pair.
 */
export function cutToLength(text: string, maxLength: number): string {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`maxLength must be a positive integer, not ${maxLength}`);
  }
  // Code points never outnumber UTF-16 units, so most text needs no counting.
  if (text.length <= maxLength || codePointsUpTo(text, maxLength + 1) <= maxLength) return text;
  const budget = maxLength - ELLIPSIS.length;
  // The segmenter reads its whole input before the first grapheme, so it gets only what can be
  // kept plus one code point (grapheme rules look one code point ahead of a boundary).
  const head = firstCodePoints(text, budget + 1);
  let end = 0;
  let used = 0;
  for (const { segment, index } of graphemes.segment(head)) {
    const size = codePointsUpTo(segment, Infinity);
    if (used + size > budget) {
      if (end === 0) return firstCodePoints(segment, budget) + ELLIPSIS;
      break;
    }
    used += size;
    end = index + segment.length;
  }
  return head.slice(0, end).trimEnd() + ELLIPSIS;
}

function cleanLine(line: string): string {
  return line
    .replace(ansiEscapeSequence, '')
    .replaceAll('\t', ' ')
    .replace(controlCharacter, '')
    .replace(invisibleCharacter, '')
    .replace(strayZeroWidthJoiner, '');
}

/** How many code points `text` has, counting no further than `limit`. */
function codePointsUpTo(text: string, limit: number): number {
  let count = 0;
  for (const _ of text) {
    if (++count >= limit) break;
  }
  return count;
}

function firstCodePoints(text: string, count: number): string {
  let end = 0;
  let taken = 0;
  for (const codePoint of text) {
    if (taken++ === count) break;
    end += codePoint.length;
  }
  return text.slice(0, end);
}
