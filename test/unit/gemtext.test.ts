import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { FEED_ENTRY_GUARD, GemtextDocument, GemtextError, type HeadingLevel, MAX_LINE_LENGTH } from '../../src/gemtext/document.ts';
import { type GemtextLine, type GemtextLineType, parseGemtext } from '../../src/gemtext/parse.ts';
import { cutToLength, readerLine, readerLines } from '../../src/gemtext/sanitize.ts';

const URL = 'gemini://example.org/replies/';

/** Breaks, tabs and other controls (CR, VT, FF and NEL are all Cc), and the separators. */
const forbiddenInLine = /[\p{Cc}\u2028\u2029]/u;
/** Unicode's format characters (Cf), but a joiner (kept in emoji) and a whole subdivision flag's tags. */
const invisibleFormatting = /(?!\u200d)\p{Cf}/u;
const subdivisionFlag = /\u{1f3f4}[\u{e0020}-\u{e007e}]+\u{e007f}/gu;
const hasInvisibleFormatting = (line: string) => invisibleFormatting.test(line.replace(subdivisionFlag, ''));

function build(write: (doc: GemtextDocument) => void): { source: string; lines: GemtextLine[] } {
  const doc = new GemtextDocument();
  write(doc);
  const source = doc.toString();
  return { source, lines: parseGemtext(source) };
}

function assertCleanSource(source: string): void {
  if (source !== '') assert.ok(source.endsWith('\n'), 'the document ends with LF');
  for (const line of source.slice(0, -1).split('\n')) {
    assert.doesNotMatch(line, forbiddenInLine);
    assert.ok(!hasInvisibleFormatting(line), JSON.stringify(line));
    assert.ok(line.isWellFormed(), 'no lone surrogates');
  }
}

/** What the builder chose for a text or preformatted line: empty, or a space before the text. */
function assertBuilderLead(line: string): void {
  assert.ok(line === '' || /^ \S/u.test(line), `line starts with the builder's space: ${JSON.stringify(line)}`);
}

/**
 * The same reader text through every builder method, each in a document of its own: every line
 * read back must be of the type that method writes. Returns the documents for closer checks.
 */
function assertSafeEverywhere(input: string) {
  const headings = ([1, 2, 3] as const).map((level) => {
    const built = build((d) => d.heading(level, input));
    assert.deepEqual(
      built.lines.map((l) => (l.type === 'heading' ? l.level : l.type)),
      [level],
    );
    return built;
  });
  const text = build((d) => d.text(input));
  assert.deepEqual(types(text.lines), ['text']);
  assertBuilderLead(text.source.slice(0, -1));
  const listItem = build((d) => d.listItem(input));
  assert.deepEqual(types(listItem.lines), ['list-item']);
  const quote = build((d) => d.quote(input));
  assert.ok(quote.lines.every((l) => l.type === 'quote'));
  const link = build((d) => d.link(URL, input));
  assert.deepEqual(types(link.lines), ['link']);
  assert.equal(link.lines[0]?.type === 'link' && link.lines[0].url, URL);
  const preformatted = build((d) => d.preformatted(input, [input, input]));
  assertPreformattedBlock(preformatted);
  for (const { source } of [...headings, text, listItem, quote, link, preformatted]) assertCleanSource(source);
  return { text, listItem, quote, link, preformatted };
}

function assertPreformattedBlock({ source, lines }: { source: string; lines: GemtextLine[] }): void {
  const inner = types(lines).slice(1, -1);
  assert.equal(lines[0]?.type, 'preformat-toggle');
  assert.equal(lines.at(-1)?.type, 'preformat-toggle');
  assert.ok(inner.every((type) => type === 'preformatted'));
  // Indentation inside a block is kept, so only the first character is the builder's.
  for (const line of source.split('\n').slice(1, -2)) assert.ok(line === '' || line.startsWith(' '), JSON.stringify(line));
}

function types(lines: GemtextLine[]): GemtextLineType[] {
  return lines.map((l) => l.type);
}

function linkLabel(lines: GemtextLine[]): string | undefined {
  const [line] = lines;
  return line?.type === 'link' ? line.label : undefined;
}

describe('hostile reader text', () => {
  test('leading spaces then markers stay inside the builder’s lines', () => {
    for (const input of ['   => gemini://evil.example/ Prize', '  # Title', ' * item', '\t*\titem', '  > quote', '   ```', '\t=>x']) {
      assertSafeEverywhere(input);
    }
    const { text } = assertSafeEverywhere('   => gemini://evil.example/ Prize');
    assert.equal(text.source, ' => gemini://evil.example/ Prize\n');
  });

  test('"=> " at the start makes no link', () => {
    const { text, quote, listItem } = assertSafeEverywhere('=> gemini://evil.example/ Free prizes');
    assert.deepEqual(text.lines, [{ type: 'text', text: ' => gemini://evil.example/ Free prizes' }]);
    assert.deepEqual(quote.lines, [{ type: 'quote', text: '=> gemini://evil.example/ Free prizes' }]);
    assert.deepEqual(listItem.lines, [{ type: 'list-item', text: '=> gemini://evil.example/ Free prizes' }]);
  });

  test('"=>gemini://x" with no space makes no link', () => {
    const { text, link } = assertSafeEverywhere('=>gemini://x');
    assert.equal(text.source, ' =>gemini://x\n');
    assert.equal(linkLabel(link.lines), '=>gemini://x');
  });

  test('three backticks cannot open a preformatted block', () => {
    const { text, quote, listItem } = assertSafeEverywhere('```sh');
    for (const { lines } of [text, quote, listItem]) assert.ok(!types(lines).includes('preformat-toggle'));
    const after = build((d) => d.text('```').text('=> gemini://evil.example/'));
    assert.deepEqual(types(after.lines), ['text', 'text']);
  });

  test('three backticks inside a preformatted block cannot close it', () => {
    const block = build((d) => d.preformatted('code', ['```', '```gemini', '=> gemini://evil.example/']).text('after'));
    assert.deepEqual(types(block.lines), ['preformat-toggle', 'preformatted', 'preformatted', 'preformatted', 'preformat-toggle', 'text']);
    assert.equal(block.source, '```code\n ```\n ```gemini\n => gemini://evil.example/\n```\n after\n');
    assertPreformattedBlock(build((d) => d.preformatted('```', ['a\n```\nb'])));
  });

  test('a line break inside a chart row cannot add a row of its own', () => {
    const block = build((d) => d.preformatted('chart', [' 1  10% ██ Tiny\n999 100% ████████ Fake']));
    assert.equal(block.source, '```chart\n  1  10% ██ Tiny 999 100% ████████ Fake\n```\n');
  });

  test('"#" makes no heading', () => {
    const { text, listItem } = assertSafeEverywhere('#hashtag');
    assert.equal(text.source, ' #hashtag\n');
    assert.equal(listItem.source, '* #hashtag\n');
  });

  test('"##" makes no heading', () => {
    const { text } = assertSafeEverywhere('## Section');
    assert.equal(text.source, ' ## Section\n');
    const heading = build((d) => d.heading(1, '## Section'));
    assert.deepEqual(heading.lines, [{ type: 'heading', level: 1, text: '## Section' }]);
  });

  test('"* " makes no list item', () => {
    const { text, quote } = assertSafeEverywhere('* item');
    assert.equal(text.source, ' * item\n');
    assert.equal(quote.source, '> * item\n');
  });

  test('"*" and a tab make no list item', () => {
    const { text, quote } = assertSafeEverywhere('*\titem');
    assert.equal(text.source, ' * item\n');
    assert.equal(quote.source, '> * item\n');
  });

  test('">" makes no quote', () => {
    const { text, listItem } = assertSafeEverywhere('> not a quote');
    assert.equal(text.source, ' > not a quote\n');
    assert.equal(listItem.source, '* > not a quote\n');
  });

  test('CR ending a line adds nothing after it', () => {
    const { text, quote } = assertSafeEverywhere('answer\r');
    assert.equal(text.source, ' answer\n');
    assert.equal(quote.source, '> answer\n');
  });

  test('a lone CR is a line break, never left inside a line', () => {
    const { text, quote, link } = assertSafeEverywhere('hello\r=> gemini://evil.example/');
    assert.equal(text.source, ' hello => gemini://evil.example/\n');
    assert.equal(quote.source, '> hello\n> => gemini://evil.example/\n');
    assert.equal(linkLabel(link.lines), 'hello => gemini://evil.example/');
    assert.deepEqual(readerLines('\r# x'), ['', '# x']);
  });

  test('CRLF is one line break', () => {
    const { quote } = assertSafeEverywhere('one\r\ntwo\r\n\r\nthree');
    assert.equal(quote.source, '> one\n> two\n>\n> three\n');
    assert.deepEqual(readerLines('a\r\nb'), ['a', 'b']);
  });

  test('VT and FF are line breaks', () => {
    const { quote } = assertSafeEverywhere('one\vtwo\f```');
    assert.equal(quote.source, '> one\n> two\n> ```\n');
    assert.equal(readerLine('a\vb\fc'), 'a b c');
  });

  test('NEL is a line break', () => {
    const { quote } = assertSafeEverywhere('one\u0085=> gemini://evil.example/');
    assert.equal(quote.source, '> one\n> => gemini://evil.example/\n');
  });

  test('U+2028 and U+2029 are line breaks', () => {
    const { quote, text } = assertSafeEverywhere('one\u2028two\u2029# three');
    assert.equal(quote.source, '> one\n> two\n> # three\n');
    assert.equal(text.source, ' one two # three\n');
  });

  test('ANSI escape sequences are removed whole', () => {
    const cases = [
      ['\x1b[31mred\x1b[0m', 'red'],
      ['\x1b[38;5;196mbright\x1b[m', 'bright'],
      ['\x1b]8;;gemini://evil.example/\x1b\\click\x1b]8;;\x1b\\', 'click'],
      ['\x1b]0;title\x07text', 'text'],
      ['\x9b1;31mC1 CSI', 'C1 CSI'],
      ['\x1b(Bcharset \x1b7saved', 'charset saved'],
      ['\x1b［３１ｍfullwidth', 'fullwidth'],
      ['lone \x1b', 'lone'],
    ] as const;
    for (const [input, expected] of cases) {
      assert.equal(readerLine(input), expected);
      assertSafeEverywhere(input);
    }
  });

  test('NUL is removed', () => {
    assertSafeEverywhere('\0=> gemini://evil.example/');
    assert.equal(readerLine('a\0b\0'), 'ab');
    assert.equal(readerLine('\0#'), '#');
  });

  test('a BOM is removed, leading or anywhere', () => {
    assertSafeEverywhere('\ufeff=> gemini://evil.example/');
    assert.equal(readerLine('\ufeffHello\ufeff there'), 'Hello there');
  });

  test('zero-width and bidi control characters are removed', () => {
    assertSafeEverywhere('\u202e=> gemini://evil.example/\u202c');
    assert.equal(readerLine('ad\u200bmin \u200eA\u200f \u2066iso\u2069 \u202aemb\u202c \u061cx'), 'admin A iso emb x');
    assert.equal(readerLine('joined\u200dletters'), 'joinedletters');
  });

  test('fullwidth "＝＞" is normalised to "=>" and makes no link', () => {
    assert.equal(readerLine('＝＞ gemini://evil.example/'), '=> gemini://evil.example/');
    const { text } = assertSafeEverywhere('＝＞ gemini://evil.example/');
    assert.deepEqual(types(text.lines), ['text']);
  });

  test('fullwidth "＃" is normalised to "#" and makes no heading', () => {
    assert.equal(readerLine('＃ Title'), '# Title');
    assertSafeEverywhere('＃＃＃ Title');
  });

  test('fullwidth "｀｀｀" is normalised to backticks and cannot toggle', () => {
    assert.equal(readerLine('｀｀｀'), '```');
    const block = build((d) => d.preformatted('x', ['｀｀｀']));
    assert.deepEqual(types(block.lines), ['preformat-toggle', 'preformatted', 'preformat-toggle']);
    assertSafeEverywhere('｀｀｀');
  });

  test('small "﹥" is normalised to ">" and makes no quote', () => {
    assert.equal(readerLine('﹥ quoted'), '> quoted');
    const { text } = assertSafeEverywhere('﹥ quoted');
    assert.equal(text.source, ' > quoted\n');
  });

  test('invisible format characters are removed: soft hyphen, word joiner, tag characters', () => {
    assert.equal(readerLine('in\u00advisible wo\u2060rd'), 'invisible word');
    const smuggled = [...'ignore this'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    assert.equal(readerLine(`Matrix\u{e0001}${smuggled}\u{e007f}`), 'Matrix', 'a message in tag characters is dropped');
    assert.equal(readerLine('\u2061\u2062\u2063\u2064\u180e\u{1d173}\u{1bca0}x'), 'x');
    assertSafeEverywhere('=\u00ad> gemini://evil.example/');
    assertSafeEverywhere('\u2060# heading');
    assertSafeEverywhere('\u{e0023} \u{e003d}\u{e003e} hidden tags');
  });

  test('flags of England, Scotland and Wales keep their tags, and emoji their joiners', () => {
    const flags =
      '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f} 🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f} 🏴\u{e0067}\u{e0062}\u{e0077}\u{e006c}\u{e0073}\u{e007f}';
    assert.equal(readerLine(flags), flags);
    assert.equal(readerLine('🏴\u{e0041}\u{e0042}\u{e0043}\u{e007f}'), '🏴', 'not a subdivision code: the tags go');
    assert.equal(readerLine('x\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}'), 'x', 'tags without the flag go');
    assert.equal(readerLine('👩\u200d💻 a\u200db'), '👩\u200d💻 ab');
  });

  test('the reader’s own characters are kept: superscripts, fractions, fullwidth and halfwidth text', () => {
    for (const input of [
      'E=mc²',
      '½ of my contacts, H₂O, x³, ℃, ﬁne, ㍻, ①',
      'Ｍａｔｒｉｘを使っています。２０２４年から、ｴﾚﾒﾝﾄで！',
      'Français : « guillemets »',
      'e\u0301 and é, in either form',
    ]) {
      assert.equal(readerLine(input), input);
      const { text, quote } = assertSafeEverywhere(input);
      assert.equal(text.source, ` ${input}\n`);
      assert.equal(quote.source, `> ${input}\n`);
    }
  });

  test('look-alikes of markup become the ASCII they imitate, wherever they are, and make no markup', () => {
    assert.equal(readerLine('a ⁼﹥ b ⩵ c ﹡ ＊ d \u1fef'), 'a => b == c * * d `');
    for (const input of ['⁼﹥ gemini://evil.example/', '﹟ Title', '＊ item', '\u1fef\u1fef\u1fef']) {
      const { text } = assertSafeEverywhere(input);
      assert.equal(text.source, ` ${readerLine(input)}\n`);
    }
  });

  test(`a 100,000-character line is cut to ${MAX_LINE_LENGTH} characters`, () => {
    const long = `=> ${'x'.repeat(100_000)}`;
    const { text, quote, listItem, link, preformatted } = assertSafeEverywhere(long);
    for (const [built, prefix] of [
      [text, ' '],
      [quote, '> '],
      [listItem, '* '],
      [link, `=> ${URL} `],
    ] as const) {
      assert.equal(built.source, `${prefix}=> ${'x'.repeat(MAX_LINE_LENGTH - 4)}…\n`);
    }
    assert.ok(preformatted.source.split('\n').every((line) => [...line].length <= MAX_LINE_LENGTH + 3));
    assert.equal([...readerLine(long, 80)].length, 80);
  });

  test('a label starting with a date is not a feed entry unless asked', () => {
    const plain = build((d) => d.link(URL, '2024-05-01 Meetup notes'));
    assert.equal(linkLabel(plain.lines), `${FEED_ENTRY_GUARD}2024-05-01 Meetup notes`);
    // Fullwidth digits are the reader's to keep, but a feed reader that normalises would see a date.
    const disguised = build((d) => d.link(URL, '\u200b ２０２４－０５－０１ Meetup'));
    assert.equal(linkLabel(disguised.lines), `${FEED_ENTRY_GUARD}２０２４－０５－０１ Meetup`);
    const entry = build((d) => d.link(URL, '2024-05-01 Meetup notes', { feedEntry: true }));
    assert.equal(linkLabel(entry.lines), '2024-05-01 Meetup notes');
    const undated = build((d) => d.link(URL, 'Notes of 2024-05-01'));
    assert.equal(linkLabel(undated.lines), 'Notes of 2024-05-01');
  });

  test('emoji and combining characters are kept intact', () => {
    const input = '👩‍💻 🏳️‍🌈 👍🏽 🇫🇷 ❤️‍🔥 x\u0301 q\u0323\u0307 नमस्ते';
    assert.equal(readerLine(input), input);
    const { quote, text } = assertSafeEverywhere(input);
    assert.equal(quote.source, `> ${input}\n`);
    assert.equal(text.source, ` ${input}\n`);
    assert.equal(cutToLength('👩‍💻👩‍💻👩‍💻', 5), '👩‍💻…');
    assert.equal(cutToLength('😀😀😀😀', 3), '😀😀…');
  });
});

describe('GemtextDocument', () => {
  test('joins lines with LF and ends with exactly one LF', () => {
    assert.equal(new GemtextDocument().toString(), '');
    const doc = new GemtextDocument().heading(1, 'Title').blank().text('Body').link(URL, 'Up One Level');
    assert.equal(doc.toString(), `# Title\n\n Body\n=> ${URL} Up One Level\n`);
    assert.equal(doc.blank().text('').blank().toString(), `# Title\n\n Body\n=> ${URL} Up One Level\n`);
    assert.equal(new GemtextDocument().blank().blank().toString(), '');
  });

  test('refuses a link URL that the code did not build', () => {
    for (const url of ['', 'gemini://x/ y', 'gemini://x/\n=> evil', 'gemini://x/\r', 'a\u200bb', 'a\u2028b', 'a\tb', 'gemini://x/\ud800']) {
      assert.throws(() => new GemtextDocument().link(url, 'label'), GemtextError, JSON.stringify(url));
    }
  });

  test('refuses a heading level gemtext does not have', () => {
    assert.throws(() => new GemtextDocument().heading(4 as HeadingLevel, 'x'), GemtextError);
  });

  test('an empty quote writes nothing and blank edges are dropped', () => {
    assert.equal(new GemtextDocument().quote(' \n\r\n').toString(), '');
    assert.equal(new GemtextDocument().quote('\n\nanswer\n\n').toString(), '> answer\n');
  });
});

describe('parseGemtext', () => {
  test('classifies lines by their first characters only', () => {
    const source = [
      '=>gemini://a',
      '=> gemini://b label text',
      '# one',
      '##two',
      '### three',
      '####four',
      '* item',
      '*\titem',
      '*bold*',
      '>quote',
      ' => text',
      'text',
      '',
    ].join('\n');
    assert.deepEqual(parseGemtext(`${source}\n`), [
      { type: 'link', url: 'gemini://a', label: '' },
      { type: 'link', url: 'gemini://b', label: 'label text' },
      { type: 'heading', level: 1, text: 'one' },
      { type: 'heading', level: 2, text: 'two' },
      { type: 'heading', level: 3, text: 'three' },
      { type: 'heading', level: 3, text: '#four' },
      { type: 'list-item', text: 'item' },
      { type: 'list-item', text: 'item' },
      { type: 'text', text: '*bold*' },
      { type: 'quote', text: 'quote' },
      { type: 'text', text: ' => text' },
      { type: 'text', text: 'text' },
      { type: 'text', text: '' },
    ]);
  });

  test('tracks preformatted blocks; CRLF ends a line, a lone CR does not', () => {
    assert.deepEqual(parseGemtext('```alt\r\n=> x\r\n# y\r\n```\r\n# z\ra'), [
      { type: 'preformat-toggle', alt: 'alt' },
      { type: 'preformatted', text: '=> x' },
      { type: 'preformatted', text: '# y' },
      { type: 'preformat-toggle', alt: '' },
      { type: 'heading', level: 1, text: 'z\ra' },
    ]);
  });
});

describe('properties', () => {
  const hostilePieces = [
    '=>',
    '=> ',
    '=>gemini://x',
    '#',
    '##',
    '###',
    '*',
    '* ',
    '*\t',
    '>',
    '```',
    '`',
    ' ',
    '\t',
    '\r',
    '\n',
    '\r\n',
    '\v',
    '\f',
    '\u0085',
    '\u2028',
    '\u2029',
    '\0',
    '\x1b',
    '\x1b[31m',
    '\x1b]8;;gemini://x\x07',
    '\x9b',
    '\x7f',
    '\ufeff',
    '\u200b',
    '\u200d',
    '\u202e',
    '\u2066',
    '＝＞',
    '＃',
    '｀｀｀',
    '﹥',
    '２０２４－０１－０１',
    '\u00ad',
    '\u2060',
    '\u{e0041}',
    '\u{e007f}',
    '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}',
    '⁼',
    '﹦',
    '⩵',
    '\u1fef',
    '²',
    'ｱ',
    '2024-01-01 ',
    '👩‍💻',
    'e\u0301',
    '\ud800',
    '\udc00',
  ];
  /** Any code point (lone surrogates included) mixed with the pieces that have caused trouble. */
  const hostileText = fc.string({
    unit: fc.oneof(
      fc.constantFrom(...hostilePieces),
      fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
    ),
    maxLength: 30,
  });

  const operation = fc.oneof(
    fc.record({ kind: fc.constant('heading' as const), level: fc.constantFrom<HeadingLevel>(1, 2, 3), text: hostileText }),
    fc.record({ kind: fc.constant('text' as const), text: hostileText }),
    fc.record({ kind: fc.constant('listItem' as const), text: hostileText }),
    fc.record({ kind: fc.constant('quote' as const), text: hostileText }),
    fc.record({ kind: fc.constant('link' as const), label: hostileText, feedEntry: fc.boolean() }),
    fc.record({ kind: fc.constant('preformatted' as const), alt: hostileText, lines: fc.array(hostileText, { maxLength: 4 }) }),
    fc.record({ kind: fc.constant('blank' as const) }),
  );
  type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

  function apply(doc: GemtextDocument, op: Operation): GemtextDocument {
    switch (op.kind) {
      case 'heading':
        return doc.heading(op.level, op.text);
      case 'text':
        return doc.text(op.text);
      case 'listItem':
        return doc.listItem(op.text);
      case 'quote':
        return doc.quote(op.text);
      case 'link':
        return doc.link(URL, op.label, { feedEntry: op.feedEntry });
      case 'preformatted':
        return doc.preformatted(op.alt, op.lines);
      case 'blank':
        return doc.blank();
    }
  }

  /**
   * The types an operation's lines must have, read back from a document of its own. A text line
   * follows it, because a document leaves out blank lines at its end; it is not returned.
   */
  function chosenTypes(op: Operation): GemtextLineType[] {
    const built = build((d) => apply(d, op).text('end'));
    const source = built.source.slice(0, -' end\n'.length);
    const lines = built.lines.slice(0, -1);
    const found = types(lines);
    const expectOnly = (type: GemtextLineType, count?: number) => {
      assert.ok(
        found.every((t) => t === type),
        `${op.kind} wrote ${found.join(', ')}`,
      );
      if (count !== undefined) assert.equal(found.length, count);
    };
    switch (op.kind) {
      case 'heading':
        expectOnly('heading', 1);
        assert.equal(lines[0]?.type === 'heading' && lines[0].level, op.level);
        break;
      case 'text':
        expectOnly('text', 1);
        assertBuilderLead(source.slice(0, -1));
        break;
      case 'listItem':
        expectOnly('list-item', 1);
        break;
      case 'quote':
        expectOnly('quote');
        break;
      case 'link': {
        expectOnly('link', 1);
        const [line] = lines;
        assert.equal(line?.type === 'link' && line.url, URL);
        if (!op.feedEntry) assert.doesNotMatch((linkLabel(lines) ?? '').normalize('NFKC'), /^[0-9]{4}-[0-9]{2}-[0-9]{2}/);
        break;
      }
      case 'preformatted':
        assertPreformattedBlock({ source, lines });
        break;
      case 'blank':
        assert.deepEqual(lines, [{ type: 'text', text: '' }]);
        break;
    }
    return found;
  }

  test('every line read back has the type the builder chose, and no breaks or controls', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 12 }), (ops) => {
        const expected = [...ops.flatMap(chosenTypes), 'text'];
        const { source, lines } = build((d) => ops.reduce(apply, d).text('end'));
        assert.deepEqual(types(lines), expected);
        assertCleanSource(source);
        const withoutEnd = build((d) => ops.reduce(apply, d)).source;
        assert.ok(!withoutEnd.endsWith('\n\n'), 'never a second LF at the end');
      }),
      { numRuns: 500 },
    );
  });

  test('a link line carries its URL exactly as given, or is refused', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, fc.webUrl()), hostileText, (url, label) => {
        let built;
        try {
          built = build((d) => d.link(url, label));
        } catch (err) {
          assert.ok(err instanceof GemtextError);
          return;
        }
        assert.deepEqual(types(built.lines), ['link']);
        assert.equal(built.lines[0]?.type === 'link' && built.lines[0].url, url);
        assertCleanSource(built.source);
      }),
    );
  });

  test('clean text has no breaks, controls or invisible characters, and is cut to a prefix within its limit', () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 1, max: 40 }), (input, maxLength) => {
        for (const line of [...readerLines(input), readerLine(input)]) {
          assert.doesNotMatch(line, /[\p{Cc}\u2028\u2029]/u);
          assert.ok(!hasInvisibleFormatting(line), JSON.stringify(line));
          assert.ok(line.isWellFormed());
        }
        const line = readerLine(input);
        assert.equal(line, line.trim());
        assert.doesNotMatch(line, /\s\s/u);
        const short = readerLine(input, maxLength);
        assert.ok([...short].length <= maxLength);
        assert.ok(short === line || (short.endsWith('…') && line.startsWith(short.slice(0, -1))), 'a prefix and "…"');
      }),
    );
  });
});

describe('the footer line', () => {
  test('is written exactly as the capsule writes it, and takes only a date', () => {
    assert.equal(new GemtextDocument().lastUpdated('2026-05-01').toString(), '[Last updated: 2026-05-01]\n');
    assert.throws(() => new GemtextDocument().lastUpdated('2026-05-01]\n=> evil'), GemtextError);
  });
});
