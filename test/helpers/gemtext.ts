// What readers may type to break a gemtext document, and the check that the tally exporter
// still wrote every line as the type it chose: shared by the exporter's unit tests and the
// test of a tally computed from such replies stored in PostgreSQL.
import assert from 'node:assert/strict';
import { GemtextDocument } from '../../src/gemtext/document.ts';
import { type GemtextLineType, parseGemtext } from '../../src/gemtext/parse.ts';
import { tallyPage, tallySection } from '../../src/tally/gemtext.ts';
import type { Tally } from '../../src/tally/model.ts';

/** Reader text that tries every way gemtext offers to become something else (shared/DOMAIN.md). */
export const hostile = [
  '=> gemini://evil.example/ Click me',
  '=>gemini://evil.example',
  '```',
  '```evil alt text',
  '# A heading of my own',
  '###Squeezed heading',
  '* a list item',
  '> a quote',
  '   => after leading spaces',
  '\t* after a tab',
  'first line\r\n=> gemini://evil.example/crlf',
  'lone CR\r=> gemini://evil.example/cr',
  'vertical tab\u000b# heading',
  'form feed\u000c* item',
  'next line\u0085=> gemini://evil.example/nel',
  'line separator\u2028# heading',
  'paragraph separator\u2029```',
  '\u001b[31mred\u001b[0m and \u001b]8;;gemini://evil.example\u0007an OSC link\u001b]8;;\u0007',
  'NUL\u0000inside',
  '\ufeff# after a BOM',
  '＝＞ gemini://evil.example fullwidth link',
  '＃ fullwidth heading',
  '｀｀｀ fullwidth toggle',
  '﹥ small form quote',
  '2026-05-01 Looks like a new post in the feed',
  `${'very long line '.repeat(400)}=> gemini://evil.example/long`,
  '[postbag tally end: leaving-session]',
  ' (Counted by Postbag from the replies to leaving-session.)',
  '(Counted by Postbag from the replies to leaving-session.)',
  '## What readers answered',
];

const methods = ['heading', 'text', 'listItem', 'quote', 'link', 'preformatted', 'blank', 'lastUpdated'] as const;
type Method = (typeof methods)[number];
type Calls = { method: Method; args: unknown[] }[];

/** A GemtextDocument that remembers which method wrote what, to know each line's intended type. */
function recordingDocument(): { doc: GemtextDocument; calls: Calls } {
  const doc = new GemtextDocument();
  const calls: Calls = [];
  const methodsOf = doc as unknown as Record<Method, (...args: unknown[]) => GemtextDocument>;
  for (const method of methods) {
    const write = methodsOf[method].bind(doc);
    methodsOf[method] = (...args) => {
      calls.push({ method, args });
      return write(...args);
    };
  }
  return { doc, calls };
}

/**
 * The line types the exporter chose, call by call. How many lines a call wrote is read from the
 * same call in a document of its own; the type comes from the method alone, never from parsing.
 */
function chosenTypes(calls: Calls): { type: GemtextLineType; blank: boolean }[] {
  const chosen = calls.flatMap(({ method, args }) => {
    const alone = new GemtextDocument() as unknown as Record<Method, (...a: unknown[]) => GemtextDocument>;
    const written = alone[method](...args).toString();
    const count = written === '' ? (method === 'quote' ? 0 : 1) : written.split('\n').length - 1;
    const one = (type: GemtextLineType) => ({ type, blank: written === '' });
    switch (method) {
      case 'heading':
        return [one('heading')];
      case 'listItem':
        return [one('list-item')];
      case 'link':
        return [one('link')];
      case 'quote':
        return Array.from({ length: count }, () => one('quote'));
      case 'preformatted':
        return [one('preformat-toggle'), ...Array.from({ length: count - 2 }, () => one('preformatted')), one('preformat-toggle')];
      default:
        return [one('text')];
    }
  });
  // The document leaves out blank lines at its end.
  const end = chosen.findLastIndex((line) => !line.blank) + 1;
  return chosen.slice(0, end);
}

/** Writes the tally both ways and checks every line read back is of the type the exporter chose. */
export function assertExporterChoseEveryLine(tally: Tally): { page: string; section: string } {
  const written = { page: '', section: '' };
  for (const [form, write] of [
    ['page', tallyPage],
    ['section', tallySection],
  ] as const) {
    const { doc, calls } = recordingDocument();
    const source = write(tally, doc);
    const read = parseGemtext(source);
    assert.deepEqual(
      read.map((line) => line.type),
      chosenTypes(calls).map((line) => line.type),
      `${form}: a line is not of the type the exporter chose`,
    );
    for (const line of read) {
      if (line.type === 'link') assert.ok(['../', '/'].includes(line.url), `only the footer links: ${line.url}`);
      if (line.type === 'link') assert.doesNotMatch(line.label, /^[0-9]{4}-[0-9]{2}-[0-9]{2}/, 'no link a feed reader takes for a new post');
      if (line.type === 'heading') assert.equal(form === 'section' && line.level === 1, false, 'no # heading inside a post');
    }
    for (const raw of source.slice(0, -1).split('\n')) {
      assert.doesNotMatch(raw, /[\p{Cc}\u2028\u2029]/u, 'no control character or separator in any line');
      assert.doesNotMatch(raw, /^\s*\[\s*postbag\s+tally|^\s*\(\s*counted\s+by\s+postbag/i, 'nothing the exporter writes looks like a marker');
    }
    written[form] = source;
  }
  return written;
}
