// A gemtext line classifier, as clients decide: only a line's first characters count and
// nothing is trimmed first. It exists to read documents back (the tests check that every line
// the builder writes is read as the type it chose), so it follows the rules in
// shared/DOMAIN.md to the letter rather than any one client's leniencies.

export type GemtextLine =
  | { type: 'text'; text: string }
  | { type: 'link'; url: string; label: string }
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'list-item'; text: string }
  | { type: 'quote'; text: string }
  /** Opens or closes a preformatted block; `alt` is meaningful on the opening one only. */
  | { type: 'preformat-toggle'; alt: string }
  | { type: 'preformatted'; text: string };

export type GemtextLineType = GemtextLine['type'];

const TOGGLE = '```';

/** Gemini's whitespace inside a line: space and tab. */
const leadingWhitespace = /^[ \t]*/;

/**
 * Every line of `document` with its type. Lines end in LF or CRLF; a final line break does
 * not start another line. A lone CR is not a break, so it stays inside its line.
 */
export function parseGemtext(document: string): GemtextLine[] {
  const rawLines = document.split('\n');
  if (rawLines.at(-1) === '') rawLines.pop();
  let preformatted = false;
  return rawLines.map((raw) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith(TOGGLE)) {
      preformatted = !preformatted;
      return { type: 'preformat-toggle', alt: line.slice(TOGGLE.length) };
    }
    return preformatted ? { type: 'preformatted', text: line } : classifyOutsideBlock(line);
  });
}

function classifyOutsideBlock(line: string): GemtextLine {
  if (line.startsWith('=>')) return parseLink(line.slice(2));
  if (line.startsWith('#')) {
    const level = line.startsWith('###') ? 3 : line.startsWith('##') ? 2 : 1;
    return { type: 'heading', level, text: line.slice(level).replace(leadingWhitespace, '') };
  }
  // `*` and a tab is Lagrange's addition to the specification's `* `.
  if (line.startsWith('* ') || line.startsWith('*\t')) return { type: 'list-item', text: line.slice(2) };
  if (line.startsWith('>')) return { type: 'quote', text: line.slice(1).replace(leadingWhitespace, '') };
  return { type: 'text', text: line };
}

/** `=>`, optional whitespace, the URL, then whitespace and the optional label. */
function parseLink(rest: string): GemtextLine {
  const [, url = '', label = ''] = /^[ \t]*([^ \t]*)(?:[ \t]+(.*))?$/s.exec(rest) ?? [];
  return { type: 'link', url, label };
}
