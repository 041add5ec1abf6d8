import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseGemtext } from '../../src/gemtext/parse.ts';
import { placeSection } from '../../src/gemtext/post-section.ts';
import { chartRows, tallyPage, tallySection } from '../../src/tally/gemtext.ts';
import type { Count, Tally } from '../../src/tally/model.ts';
import { assertExporterChoseEveryLine, hostile } from '../helpers/gemtext.ts';

function count(label: string, readers: number, percent: number): Count {
  return { label, readers, percent };
}

function hostileTally(): Tally {
  return {
    slug: 'leaving-session',
    title: hostile[0]!,
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
          several: {
            readers: 2,
            percent: 67,
            heading: 'The most common combinations:',
            combinations: [
              { labels: hostile.slice(0, 9), readers: 2 },
              { labels: hostile.slice(9), readers: 1 },
            ],
          },
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
      tally.blocks.push({
        type: 'group',
        label: text,
        readers: 1,
        percent: 33,
        sections: [
          {
            type: 'counts',
            label: text,
            base: 1,
            answered: 1,
            counts: [count(text, 1, 100)],
            more: 0,
            several: { readers: 1, percent: 100, heading: 'The combination they chose:', combinations: [{ labels: [text, text], readers: 1 }] },
          },
        ],
      });
      assertExporterChoseEveryLine(tally);
    });
  }

  test('survives placing in a post and replacing there, hostile text and all', () => {
    const { section } = assertExporterChoseEveryLine(hostileTally());
    const { post } = placeSection('# My post\n\nSome words.\n', 'leaving-session', section);
    assert.equal(placeSection(post, 'leaving-session', section).post, post, 'a second run changes nothing');
    const types = parseGemtext(post).map((line) => line.type);
    assert.equal(
      types.filter((type) => type === 'heading').length,
      2 + parseGemtext(section).filter((l) => l.type === 'heading').length,
      'the post’s title, the tally’s heading, the tally’s own',
    );
  });

  test('writes a page in the capsule style, dated by the last approval, never by today', () => {
    const tally: Tally = {
      slug: 'text-editors',
      title: 'Which editor writes your capsule?',
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
          sections: [
            {
              type: 'counts',
              label: 'Which plugins help?',
              base: 2,
              answered: 2,
              counts: [count('elpher', 2, 100), count('gemini-mode', 1, 50)],
              more: 0,
              several: null,
            },
          ],
        },
        {
          type: 'section',
          section: {
            type: 'quotes',
            label: 'One tip for other writers',
            quotes: [
              { text: 'Write offline.\nThen publish.', by: 'Dee' },
              { text: 'Short lines.', by: 'anonymous' },
            ],
            more: 0,
          },
        },
      ],
    };
    const page = tallyPage(tally);
    assert.equal(
      page,
      `# Which editor writes your capsule?: what readers answered

 4 replies counted; the last was approved on 2026-09-20.

## Which editor do you write gemtext in?
 4 of 4 readers answered.
* Vim: 1 of 4 readers (25%)
* Emacs: 2 of 4 readers (50%)
* Helix: 1 of 4 readers (25%)

\`\`\`Bar chart of the list above: Vim 1 (25%), Emacs 2 (50%), Helix 1 (25%)
 1  25% #####............... Vim
 2  50% ##########.......... Emacs
 1  25% #####............... Helix
\`\`\`

## Emacs
 2 readers (50% of all readers) chose Emacs.

### Which plugins help?
 2 of 2 readers who chose Emacs answered.
* elpher: 2 of 2 readers (100%)
* gemini-mode: 1 of 2 readers (50%)

\`\`\`Bar chart of the list above: elpher 2 (100%), gemini-mode 1 (50%)
 2 100% #################### elpher
 1  50% ##########.......... gemini-mode
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
    assert.match(
      tallyPage({ ...tally, readers: 0, lastApproval: null, blocks: [] }),
      /No reply has been published yet\.[\s\S]*\[Last updated: 2026-09-12\]\n$/,
      'before any approval: the post’s date',
    );
    const section = tallySection(tally);
    assert.ok(
      section.startsWith(' 4 replies counted; the last was approved on 2026-09-20.\n\n## Which editor'),
      'the post gives the heading; the section starts with the summary',
    );
    assert.equal(section, page.slice(page.indexOf(' 4 replies'), page.indexOf('\n=> ../')), 'the same sections as the page');
    assert.doesNotMatch(section, /^# |Up One Level|Last updated/m);
  });
});

describe('counts', () => {
  const section = (counts: Count[], base: number, more = 0): Tally => ({
    slug: 'leaving-session',
    title: 'Leaving Session',
    published: '2026-05-01',
    readers: base,
    lastApproval: '2026-05-10',
    blocks: [{ type: 'section', section: { type: 'counts', label: 'Which messengers?', base, answered: base, counts, more, several: null } }],
  });

  test('each read as a line of text with its numbers, outside any preformatted block', () => {
    const lines = parseGemtext(tallySection(section([count('Matrix', 12, 46), count('XMPP', 1, 4), count('Delta Chat', 0, 0)], 26, 3)));
    assert.deepEqual(
      lines.filter((line) => line.type === 'list-item').map((line) => line.text),
      ['Matrix: 12 of 26 readers (46%)', 'XMPP: 1 of 26 readers (4%)', 'Delta Chat: 0 of 26 readers (0%)'],
    );
    assert.ok(lines.some((line) => line.type === 'text' && line.text === ' 3 more names were given, each by fewer readers.'));
    assert.equal(
      tallySection(section([count('Matrix', 1, 100)], 1)),
      ' 1 reply counted; the last was approved on 2026-05-10.\n\n## Which messengers?\n 1 of 1 reader answered.\n* Matrix: 1 of 1 reader (100%)\n',
      'one answer: its line, and no chart of one bar',
    );
  });

  test('drawn again as a chart in plain ASCII, whose alt text carries the same numbers', () => {
    const lines = parseGemtext(tallySection(section([count('Matrix', 12, 46), count('XMPP', 1, 4)], 26)));
    const toggles = lines.filter((line) => line.type === 'preformat-toggle');
    assert.deepEqual(toggles[0], { type: 'preformat-toggle', alt: 'Bar chart of the list above: Matrix 12 (46%), XMPP 1 (4%)' });
    const rows = lines.filter((line) => line.type === 'preformatted').map((line) => line.text);
    assert.deepEqual(rows, [' 12  46% #########........... Matrix', '  1   4% #................... XMPP']);
    assert.ok(
      rows.every((row) => /^[\x20-\x7e]*$/.test(row)),
      'ASCII only: no glyph a font may lack',
    );
  });

  test('chart rows align the numbers, whatever the labels, and never draw past a full bar', () => {
    assert.deepEqual(chartRows([count('a', 12345, 100), count('名前', 7, 0), count('b', 130, 101)]), [
      '12345 100% #################### a',
      '    7   0% .................... 名前',
      '  130 101% #################### b',
    ]);
  });
});
