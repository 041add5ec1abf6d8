// Reader text made safe to place in gemtext. Gemtext has no escapes, so safety comes from two
// layers: this module removes everything that could break a line or hide what it says, and
// the document builder (document.ts) decides how every line starts. Nothing here decides a
// line's type; these functions only return clean text.
//
// The reader's characters are kept as typed: E=mc², ½, a Japanese answer in fullwidth letters
// (NFKC would fold them to E=mc2, 1⁄2 and ASCII). Only two kinds of character are folded:
// - those whose NFKC form is made only of gemtext's line-start characters (＝＞, ＃, ＊, ｀｀｀,
//   ﹥, ⁼…): a client or converter that normalises text must read every line as the type the
//   builder chose, so no look-alike of markup is left to become markup there;
// - fullwidth forms right after an escape character (ESC［３１ｍ), so the escape sequence is
//   removed whole, as its ASCII form would be.
//
// The order matters:
// 1. Lone surrogates become U+FFFD, so the text can be encoded as UTF-8 at all.
// 2. The folding above, so the steps below see what a normalising client would.
// 3. Split on every character some client or converter treats as a line break.
// 4. Per line: whole ANSI escape sequences, then any control character left, then invisible
//    format characters (Unicode's Cf: soft hyphen, word joiner, bidi controls, tag
//    characters…) but those that hold an emoji together; tabs become spaces.

/** Characters that gemtext reads at the start of a line: =>, >, #, *, ``` . */
const markupOnly = /^[=>#*`]+$/;

/** Any fullwidth ASCII form (U+FF01–U+FF5E) run that follows an escape or 8-bit introducer character. */
const fullwidthAfterEscape = /(?<=[\u001b\u0090\u0098\u009b\u009d-\u009f])[\uff01-\uff5e]+/gu;

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
 * Invisible format characters (Unicode category Cf): soft hyphen, zero-width space and
 * non-joiner, word joiner, the bidi marks, embeddings, overrides and isolates, U+FEFF (a BOM
 * or zero-width no-break space) anywhere, tag characters (U+E0000–U+E007F, which can carry a
 * hidden message)… Kept: a subdivision flag's tags (🏴 + a code such as gbsct + cancel tag, the
 * flags of England, Scotland and Wales), which would otherwise fall apart into a black flag,
 * and the zero-width joiner, handled below.
 */
const formatCharacter = /(\u{1f3f4}[\u{e0061}-\u{e007a}]{2}[\u{e0030}-\u{e0039}\u{e0061}-\u{e007a}]{1,3}\u{e007f})|(?!\u200d)\p{Cf}/gu;

/**
 * A zero-width joiner, except inside an emoji ZWJ sequence (👩‍💻, 🏳️‍🌈, 👩🏽‍💻), where removing
 * it would split one emoji into two. Anywhere else it only helps to disguise text.
 */
// The class lists emoji modifiers on purpose (a joiner after a skin tone stays), which is what the rule warns of.
const strayZeroWidthJoiner =
  // eslint-disable-next-line no-misleading-character-class
  /(?<!\p{Extended_Pictographic}[\ufe0f\u{1f3fb}-\u{1f3ff}]?)\u200d|\u200d(?!\p{Extended_Pictographic})/gu;

const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The reader's text as clean lines: n line breaks (CRLF counting as one) give n + 1 entries,
 * blank ones included, so `readerLines('')` is `['']` and `readerLines('a\r\n')` is `['a', '']`. No entry contains a break, a control
 * character or an invisible formatting character; leading spaces (indentation) are kept.
 */
export function readerLines(text: string): string[] {
  return foldMarkupLookAlikes(text.toWellFormed()).split(lineBreak).map(cleanLine);
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
    .replace(formatCharacter, '$1')
    .replace(strayZeroWidthJoiner, '');
}

/** See the top of this module: look-alikes of markup, and escape sequences, in ASCII. */
function foldMarkupLookAlikes(text: string): string {
  const markupFolded = text.replace(/[^\0-\x7f]/gu, (c) => {
    const folded = c.normalize('NFKC');
    return markupOnly.test(folded) ? folded : c;
  });
  return markupFolded.replace(fullwidthAfterEscape, (run) => run.normalize('NFKC'));
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
