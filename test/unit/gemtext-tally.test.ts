import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GemtextDocument } from '../../src/gemtext/document.ts';
import { type GemtextLineType, parseGemtext } from '../../src/gemtext/parse.ts';
import { placeSection } from '../../src/gemtext/post-file.ts';
import { barRows, tallyPage, tallySection } from '../../src/tally/gemtext.ts';
import { hashSecret, newSecret } from '../../src/replies/secret.ts';
import type { Count, Tally } from '../../src/tally/model.ts';
import { computeTally } from '../../src/tally/service.ts';
import { useTestApp } from '../helpers/app.ts';

/** Reader text that tries every way gemtext offers to become something else (shared/DOMAIN.md). */
const hostile = [
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
function assertExporterChoseEveryLine(tally: Tally): { page: string; section: string } {
  const written = { page: '', section: '' };
  for (const [form, write] of [['page', tallyPage], ['section', tallySection]] as const) {
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
      if (line.type === 'heading') assert.equal(form === 'section' && line.level === 1, false, 'no # heading inside a post');
    }
    for (const raw of source.slice(0, -1).split('\n')) {
      assert.doesNotMatch(raw, /[\p{Cc}\u2028\u2029]/u, 'no control character or separator in any line');
      assert.ok(!raw.startsWith('[postbag tally'), 'nothing the exporter writes looks like a marker');
    }
    written[form] = source;
  }
  return written;
}

function count(label: string, readers: number, percent: number): Count {
  return { label, readers, percent };
}

function hostileTally(): Tally {
  return {
    slug: 'leaving-session',
    title: hostile[0]!,
    open: true,
    published: '2026-05-01',
    readers: 3,
    lastApproval: '2026-05-10',
    blocks: [
      {
        type: 'section',
        section: {
          type: 'counts',
          label: hostile[4]!,
          base: 3,
          answered: 3,
          counts: hostile.map((label, i) => count(label, i % 4, 33 * (i % 4))),
          more: 2,
          several: { readers: 2, percent: 67, combinations: [{ labels: hostile.slice(0, 9), readers: 2 }, { labels: hostile.slice(9), readers: 1 }] },
        },
      },
      {
        type: 'group',
        label: hostile[2]!,
        readers: 2,
        percent: 67,
        sections: [{ type: 'counts', label: hostile[6]!, base: 2, answered: 2, counts: hostile.map((label) => count(label, 1, 50)), more: 0, several: null }],
      },
      {
        type: 'section',
        section: { type: 'quotes', label: hostile[7]!, quotes: hostile.map((text, i) => ({ text, by: hostile[(i + 5) % hostile.length]! })), more: 1 },
      },
    ],
  };
}

describe('the gemtext tally', () => {
  test('gives every line the type the exporter chose, whatever the readers wrote', () => {
    assertExporterChoseEveryLine(hostileTally());
  });

  for (const text of hostile) {
    test(`keeps ${JSON.stringify(text.slice(0, 40))} inside the line it was given`, () => {
      const tally = hostileTally();
      tally.blocks = [{ type: 'section', section: { type: 'quotes', label: text, quotes: [{ text, by: text }], more: 0 } }];
      tally.blocks.push({ type: 'group', label: text, readers: 1, percent: 33, sections: [{ type: 'counts', label: text, base: 1, answered: 1, counts: [count(text, 1, 100)], more: 0, several: { readers: 1, percent: 100, combinations: [{ labels: [text, text], readers: 1 }] } }] });
      assertExporterChoseEveryLine(tally);
    });
  }

  test('survives placing in a post and replacing there, hostile text and all', () => {
    const { section } = assertExporterChoseEveryLine(hostileTally());
    const post = placeSection('# My post\n\nSome words.\n', 'leaving-session', section);
    assert.equal(placeSection(post, 'leaving-session', section), post, 'a second run changes nothing');
    const types = parseGemtext(post).map((line) => line.type);
    assert.equal(types.filter((type) => type === 'heading').length, 1 + parseGemtext(section).filter((l) => l.type === 'heading').length);
  });

  test('writes a page in the capsule style, dated by the last approval, never by today', () => {
    const tally: Tally = {
      slug: 'text-editors',
      title: 'Which editor writes your capsule?',
      open: true,
      published: '2026-09-12',
      readers: 4,
      lastApproval: '2026-09-20',
      blocks: [
        {
          type: 'section',
          section: {
            type: 'counts',
            label: 'Which editor do you write gemtext in?',
            base: 4,
            answered: 4,
            counts: [count('Vim', 1, 25), count('Emacs', 2, 50), count('Helix', 1, 25)],
            more: 0,
            several: null,
          },
        },
        {
          type: 'group',
          label: 'Emacs',
          readers: 2,
          percent: 50,
          sections: [{ type: 'counts', label: 'Which plugins help?', base: 2, answered: 2, counts: [count('elpher', 2, 100), count('gemini-mode', 1, 50)], more: 0, several: null }],
        },
        { type: 'section', section: { type: 'quotes', label: 'One tip for other writers', quotes: [{ text: 'Write offline.\nThen publish.', by: 'Dee' }, { text: 'Short lines.', by: 'anonymous' }], more: 0 } },
      ],
    };
    const page = tallyPage(tally);
    assert.equal(
      page,
      `# Which editor writes your capsule?: what readers answered

 4 replies counted; the last was approved on 2026-09-20.

## Which editor do you write gemtext in?
 4 of 4 readers answered.
\`\`\`Readers per answer: count, share and bar
 1  25% █████░░░░░░░░░░░░░░░ Vim
 2  50% ██████████░░░░░░░░░░ Emacs
 1  25% █████░░░░░░░░░░░░░░░ Helix
\`\`\`

## Emacs
 2 readers (50% of all readers) chose Emacs.

### Which plugins help?
 2 of 2 readers who chose Emacs answered.
\`\`\`Readers per answer: count, share and bar
 2 100% ████████████████████ elpher
 1  50% ██████████░░░░░░░░░░ gemini-mode
\`\`\`

## One tip for other writers
> Write offline.
> Then publish.
 — Dee

> Short lines.
 — anonymous

=> ../ Up One Level
=> / Home
[Last updated: 2026-09-20]
`,
    );
    assert.equal(tallyPage(tally), page, 'the same tally, the same bytes');
    assert.match(tallyPage({ ...tally, readers: 0, lastApproval: null, blocks: [] }), /No reply has been published yet\.[\s\S]*\[Last updated: 2026-09-12\]\n$/, 'before any approval: the post’s date');
    const section = tallySection(tally);
    assert.ok(section.startsWith(' What readers answered, counted by Postbag. 4 replies counted; the last was approved on 2026-09-20.\n\n## Which editor'));
    assert.doesNotMatch(section, /^# |Up One Level|Last updated/m);
  });
});

describe('barRows', () => {
  test('aligns the numbers, whatever the labels, and never draws past a full bar', () => {
    assert.deepEqual(barRows([count('a', 12345, 100), count('名前', 7, 0), count('b', 130, 101)]), [
      '12345 100% ████████████████████ a',
      '    7   0% ░░░░░░░░░░░░░░░░░░░░ 名前',
      '  130 101% ████████████████████ b',
    ]);
  });
});

describe('hostile replies approved by mistake', () => {
  const t = useTestApp();

  test('still give a clean document, with every line of the type the exporter chose', async () => {
    // Stored directly: the reply form refuses most control characters, but the export must not
    // depend on it (PostgreSQL itself refuses NUL, so that one is covered above only).
    const storable = hostile.filter((text) => !text.includes('\u0000'));
    for (const [i, text] of storable.entries()) {
      await t.db.reply.create({
        data: {
          surveySlug: 'leaving-session',
          status: 'approved',
          moderatedAt: new Date('2026-05-10T09:00:00Z'),
          secretHash: hashSecret(newSecret()),
          displayName: text,
          contact: `contact-${i}@private.example`,
          consentQuote: true,
          answers: {
            createMany: {
              data: [
                { questionId: 'messengers', position: 0, value: 'matrix' },
                { questionId: 'messengers', position: 1, value: text, isOther: true, nameKey: `k${i}` },
                { questionId: 'why', position: 0, value: text },
                { questionId: 'clients', scope: 'matrix', position: 0, value: text, nameKey: `c${i}` },
                { questionId: 'provider', scope: 'matrix', position: 0, value: text, nameKey: null },
              ],
            },
          },
        },
      });
    }
    const tally = await computeTally(t.db, t.surveys.get('leaving-session')!);
    assert.equal(tally.readers, storable.length);
    const { page, section } = assertExporterChoseEveryLine(tally);
    for (const document of [page, section]) assert.doesNotMatch(document, /private\.example/, 'contact addresses are never published');
    assert.match(page, /\[Last updated: 2026-05-10\]\n$/);
  });
});
