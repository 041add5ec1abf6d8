import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { appendToPost, writeTallyPage } from '../../src/gemtext/post-file.ts';
import { legacyTallyMarkers, placeSection, type PlaceOptions, PostFileError, tallyMarkers } from '../../src/gemtext/post-section.ts';

const SLUG = 'leaving-session';
const { begin, end } = tallyMarkers(SLUG);
const legacy = legacyTallyMarkers(SLUG);
const SECTION = '## Which messengers?\n* Matrix: 3 of 3 readers (100%)\n';
const NEWER = '## Which messengers?\n* Matrix: 4 of 4 readers (100%)\n';
/** The tally as a post holds it: the heading, the section, a blank line, the closing line. */
const placed = (section: string, eol = '\n') => `${begin}\n${section}\n${end}\n`.replaceAll('\n', eol);
const POST = '# Leaving Session\n\nI left Session.\n\n=> ../ Up One Level\n[Last updated: 2026-05-01]\n';
/** A post shaped like the capsule's: footnote links after the article, a rule, and a footer spaced by blank lines. */
const ARTICLE =
  '# Leaving Session\n\nI left Session[1]. Tell me what you use.\n\n=> https://getsession.org/ [1] Session\n=> gemini://example.org/2026-04-01-keys.gmi [2] On keys\n\n';
const FOOTER = '---\n\n=> ../ Up One Level\n\n=> / Home\n\n[Last updated: 2026-05-01]\n';
const CAPSULE_POST = ARTICLE + FOOTER;

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'postbag-post-file-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function postFile(content: string | Buffer): Promise<string> {
  const file = path.join(dir, `post-${++counter}.gmi`);
  await writeFile(file, content);
  return file;
}

function place(post: string, section = SECTION, options: PlaceOptions = {}, slug = SLUG): string {
  return placeSection(post, slug, section, options).post;
}

describe('placeSection', () => {
  test('marks the tally with lines a capsule reader takes as part of the page', () => {
    assert.equal(begin, '## What readers answered');
    assert.equal(end, ' (Counted by Postbag from the replies to leaving-session.)');
  });

  test('refuses a post whose preformatted block is still open where the tally goes, or hides its markers inside one', () => {
    const open = '# Post\n```sh\nls\n';
    assert.throws(
      () => placeSection(open, SLUG, SECTION, { file: 'post.gmi' }),
      (err) => err instanceof PostFileError && /post\.gmi, line 2, opens a preformatted block/.test(err.message),
    );
    const markerInsideBlock = `# Post\n\`\`\`\n${placed(SECTION)}\`\`\`\n`;
    assert.throws(() => place(markerInsideBlock), PostFileError);
    const legacyInsideBlock = `# Post\n\`\`\`\n${legacy.begin}\n${legacy.end}\n\`\`\`\n`;
    assert.throws(() => place(legacyInsideBlock), PostFileError);
    assert.doesNotThrow(() => place('# Post\n```\ncode\n```\n'));
  });

  test('the first time, adds the tally after the post’s text, above its footer', () => {
    const text = '# Leaving Session\n\nI left Session.\n\n';
    const footer = '=> ../ Up One Level\n[Last updated: 2026-05-01]\n';
    assert.equal(POST, text + footer);
    assert.deepEqual(placeSection(POST, SLUG, SECTION), { post: `${text}${placed(SECTION)}\n${footer}`, change: 'added above the footer' });
  });

  test('in a capsule-shaped post: after the article and its footnote links, before the closing rule, whatever blank lines the footer has', () => {
    assert.equal(place(CAPSULE_POST), `${ARTICLE}${placed(SECTION)}\n${FOOTER}`);
    const roomy = FOOTER.replaceAll('\n\n', '\n\n\n');
    assert.equal(place(ARTICLE + roomy), `${ARTICLE}${placed(SECTION)}\n${roomy}`);
    const tight = FOOTER.replaceAll('\n\n', '\n');
    assert.equal(place(ARTICLE + tight), `${ARTICLE}${placed(SECTION)}\n${tight}`);
    const starRule = FOOTER.replace('---', '───');
    assert.equal(place(ARTICLE + starRule), `${ARTICLE}${placed(SECTION)}\n${starRule}`);
  });

  test('without a rule, keeps the post’s own links above the tally and only the links around the capsule below', () => {
    const footnotes = '# Post\n\nText[1].\n\n=> https://example.org/ [1] A footnote\n=> older.gmi An older post\n';
    const footer = '\n=> ../ Up One Level\n\n=> / Home\n\n[Last updated: 2026-05-01]\n';
    assert.equal(place(footnotes + footer), `${footnotes}\n${placed(SECTION)}${footer}`);
    const folders = '=> /gemlog/ Gemlog\n=> index.gmi Index\n[Last updated: 2026-05-01]\n';
    assert.equal(place(`${footnotes}${folders}`), `${footnotes}\n${placed(SECTION)}\n${folders}`);
  });

  test('a post without a footer gets the tally at its very end, after its links', () => {
    assert.deepEqual(placeSection('# Post\nText\n=> /other.gmi Another post\n', SLUG, SECTION), {
      post: `# Post\nText\n=> /other.gmi Another post\n\n${placed(SECTION)}`,
      change: 'added at the end',
    });
    assert.equal(place(ARTICLE), `${ARTICLE}${placed(SECTION)}`);
    assert.equal(place('No newline at the end'), `No newline at the end\n\n${placed(SECTION)}`);
    assert.equal(place('Ends with a blank line\n\n'), `Ends with a blank line\n\n${placed(SECTION)}`);
    assert.equal(place('Ends with its date\n[Last updated: 2026-05-01]\n'), `Ends with its date\n\n${placed(SECTION)}\n[Last updated: 2026-05-01]\n`);
    assert.equal(place(''), placed(SECTION));
    assert.equal(place('[Last updated: 2026-05-01]\n'), `${placed(SECTION)}\n[Last updated: 2026-05-01]\n`);
  });

  test('later, replaces the tally from its heading to its closing line, wherever the author moved it', () => {
    const moved = `# Title\n\nIntro.\n${begin}\n* old line\n* another\n\n${end}\nThe author's closing words, kept.\n[Last updated: 2026-05-01]`;
    assert.deepEqual(placeSection(moved, SLUG, NEWER), {
      post: `# Title\n\nIntro.\n${placed(NEWER)}The author's closing words, kept.\n[Last updated: 2026-05-01]`,
      change: 'replaced',
    });
    const once = place(CAPSULE_POST);
    assert.deepEqual(placeSection(once, SLUG, SECTION), { post: once, change: 'none' }, 'nothing new: the same text');
    assert.equal(place(once, NEWER), `${ARTICLE}${placed(NEWER)}\n${FOOTER}`);
  });

  test('keeps its own heading apart from an author’s heading of the same words above it', () => {
    const authors = `# Post\n\n${begin}\nMy own summary, by hand.\n\n`;
    const once = place(authors + FOOTER);
    assert.equal(once, `${authors}${placed(SECTION)}\n${FOOTER}`);
    assert.equal(place(once, NEWER), `${authors}${placed(NEWER)}\n${FOOTER}`);
  });

  test('finds a closing line whose leading space an editor trimmed, and writes it back whole', () => {
    const trimmed = `Text\n\n${begin}\n* old\n\n${end.trimStart()}\n`;
    assert.equal(place(trimmed), `Text\n\n${placed(SECTION)}`);
  });

  test('keeps a CRLF post in CRLF, and every byte outside the tally as it was', () => {
    const crlf = 'Text\r\n';
    const first = place(crlf);
    assert.equal(first, `${crlf}\r\n${placed(SECTION, '\r\n')}`);
    assert.equal(place(first, NEWER), `${crlf}\r\n${placed(NEWER, '\r\n')}`);
    const crlfPost = CAPSULE_POST.replaceAll('\n', '\r\n');
    assert.equal(place(crlfPost), `${ARTICLE.replaceAll('\n', '\r\n')}${placed(SECTION, '\r\n')}\r\n${FOOTER.replaceAll('\n', '\r\n')}`);
    const odd = `Tabs\there, a lone CR\rin a line, trailing spaces   \n${begin}\nold\n${end}\n  indented after\u2028\n`;
    assert.equal(place(odd, NEWER), `Tabs\there, a lone CR\rin a line, trailing spaces   \n${placed(NEWER)}  indented after\u2028\n`);
  });

  test("leaves another survey's tally alone, heading and all", () => {
    const other = tallyMarkers('text-editors');
    const theirs = `${other.begin}\n* Vim: 1\n\n${other.end}\n`;
    const both = place(theirs);
    assert.equal(both, `${theirs}\n${placed(SECTION)}`);
    assert.equal(place(both, '* Vim: 2\n', {}, 'text-editors'), `${other.begin}\n* Vim: 2\n\n${other.end}\n\n${placed(SECTION)}`);
    assert.equal(place(both, NEWER), `${theirs}\n${placed(NEWER)}`);
  });

  test('upgrades a post with the old marker lines: the tally takes their place, then stays put', () => {
    const old = `${ARTICLE}${legacy.begin}\n What readers answered, counted by Postbag. 3 replies counted.\n\`\`\`Readers per answer\n 3 100% ████ Matrix\n\`\`\`\n${legacy.end}\n\n${FOOTER}`;
    const upgraded = placeSection(old, SLUG, NEWER);
    assert.deepEqual(upgraded, { post: `${ARTICLE}${placed(NEWER)}\n${FOOTER}`, change: 'upgraded from the old markers' });
    assert.deepEqual(placeSection(upgraded.post, SLUG, NEWER), { post: upgraded.post, change: 'none' });
    const tallyAtTheEnd = `${CAPSULE_POST}\n${legacy.begin}\nold\n${legacy.end}\n`;
    assert.equal(place(tallyAtTheEnd, NEWER), `${ARTICLE}${placed(NEWER)}\n${FOOTER}`, 'moved below the date by its author: back above the footer');
    const otherLegacy = legacyTallyMarkers('text-editors');
    const mixed = `${otherLegacy.begin}\n* Vim: 1\n${otherLegacy.end}\n${legacy.begin}\nold\n${legacy.end}\n`;
    assert.equal(place(mixed), `${otherLegacy.begin}\n* Vim: 1\n${otherLegacy.end}\n${placed(SECTION)}`, "another survey's old markers stay");
  });

  test('moves an old-marker tally that earlier versions put inside the footer (between its links and the date) above it', () => {
    const dateLine = '[Last updated: 2026-05-01]\n';
    const links = FOOTER.slice(0, -dateLine.length);
    const oldVersion = `${ARTICLE}${links}${legacy.begin}\n What readers answered, counted by Postbag.\n${legacy.end}\n\n${dateLine}`;
    assert.deepEqual(placeSection(oldVersion, SLUG, NEWER), { post: `${ARTICLE}${placed(NEWER)}\n${FOOTER}`, change: 'upgraded and moved above the footer' });
    const crlf = oldVersion.replaceAll('\n', '\r\n');
    assert.equal(place(crlf, NEWER), `${ARTICLE}${placed(NEWER)}\n${FOOTER}`.replaceAll('\n', '\r\n'));
    const noBlankAfter = `${ARTICLE}${links}${legacy.begin}\nold\n${legacy.end}\n${dateLine}`;
    assert.equal(place(noBlankAfter, NEWER), `${ARTICLE}${placed(NEWER)}\n${FOOTER}`);
  });

  describe('with a date for [Last updated: …]', () => {
    const touch = { touchDate: '2026-05-14' };

    test('sets it when the tally changes, and only then', () => {
      const first = place(CAPSULE_POST, SECTION, touch);
      assert.equal(first, `${ARTICLE}${placed(SECTION)}\n${FOOTER.replace('2026-05-01', '2026-05-14')}`);
      assert.deepEqual(placeSection(first, SLUG, SECTION, { touchDate: '2026-05-20' }), { post: first, change: 'none' }, 'nothing new: the date stays too');
      assert.ok(place(first, NEWER, { touchDate: '2026-05-20' }).endsWith('\n[Last updated: 2026-05-20]\n'));
      assert.ok(place(first, NEWER).endsWith('\n[Last updated: 2026-05-14]\n'), 'without the option, the date is the author’s');
    });

    test('keeps the rest of the line and its CRLF', () => {
      const crlf = 'Text\r\n\r\n=> / Home\r\n[Last updated: 2026-05-01]  \r\n\r\n';
      assert.equal(place(crlf, SECTION, touch), `Text\r\n\r\n${placed(SECTION, '\r\n')}\r\n=> / Home\r\n[Last updated: 2026-05-14]  \r\n\r\n`);
    });

    test('refuses a post that does not end in such a line, before changing anything', () => {
      assert.throws(
        () => placeSection('# Post\nText\n', SLUG, SECTION, { ...touch, file: 'post.gmi' }),
        /^PostFileError: post\.gmi has no "\[Last updated: YYYY-MM-DD\]" line for --touch-date to change \(it does not end in one\)/,
      );
      assert.throws(() => placeSection('Text\n[Last updated: May 1st]\n', SLUG, SECTION, touch), /its last line is "\[Last updated: May 1st\]"/);
      assert.throws(
        () => placeSection(`Text\n[Last updated: 2026-05-01]\n${placed(SECTION)}`, SLUG, SECTION, touch),
        PostFileError,
        'the tally moved below the date: the date no longer ends the post',
      );
    });
  });

  const refusals: [string, string, RegExp][] = [
    ['an old begin marker without its end', `${POST}${legacy.begin}\n* old\n`, /a begin marker \(line 7\) and no end marker/],
    ['an old end marker without its begin', `${POST}* old\n${legacy.end}\n`, /no begin marker and an end marker \(line 8\)/],
    ['two old begin markers', `${legacy.begin}\n${legacy.begin}\nx\n${legacy.end}\n`, /2 begin markers \(line 1, 2\) and an end marker \(line 4\)/],
    [
      'two old sections',
      `${legacy.begin}\nx\n${legacy.end}\n${legacy.begin}\ny\n${legacy.end}\n`,
      /2 begin markers \(line 1, 4\) and 2 end markers \(line 3, 6\)/,
    ],
    ['an old end marker before its begin', `${legacy.end}\nx\n${legacy.begin}\n`, /its end marker \(line 1\) before its begin marker \(line 3\)/],
    [
      'an old marker with a trailing space',
      `${legacy.begin} \nx\n${legacy.end}\n`,
      /line 1, looks like a Postbag marker but is not one: "\[postbag tally begin: leaving-session\] "/,
    ],
    ['an old marker whose case changed', `[Postbag Tally begin: ${SLUG}]\nx\n${legacy.end}\n`, /line 1, looks like a Postbag marker/],
    ['an indented old marker', `${legacy.begin}\nx\n  ${legacy.end}\n`, /line 3, looks like a Postbag marker/],
    ['an old marker cut short', `${legacy.begin}\nx\n[postbag tally end: leaving-sess\n`, /line 3, looks like a Postbag marker/],
    [
      'a closing line without its heading',
      `${POST}* old\n\n${end}\n`,
      /line 9, closes the tally, but no "## What readers answered" heading opens it above that line/,
    ],
    ['a heading someone reworded', `Text\n## What Readers Answered\nx\n${end}\n`, /line 4, closes the tally, but no "## What readers answered" heading/],
    ['a heading that is only above another tally', `${begin}\nx\n${tallyMarkers('text-editors').end}\ny\n${end}\n`, /line 5, closes the tally, but no/],
    [
      'the closing line twice',
      `${placed(SECTION)}${placed(SECTION)}`,
      /has 2 lines "\(Counted by Postbag from the replies to leaving-session\.\)" \(line 5, 10\); a post holds one tally per survey/,
    ],
    [
      'the tally both with the closing line and between old markers',
      `${placed(SECTION)}${legacy.begin}\nx\n${legacy.end}\n`,
      /holds the tally twice: closed by .* \(line 5\) and between old marker lines \(line 6, 8\)/,
    ],
    [
      'a closing line with a trailing space',
      `${begin}\nx\n${end} \n`,
      /line 3, looks like the line that closes a Postbag tally but is not one: " \(Counted by Postbag from the replies to leaving-session\.\) "/,
    ],
    ['a closing line whose wording changed', `${begin}\nx\n(counted by Postbag, from the replies to ${SLUG})\n`, /line 3, looks like the line that closes/],
    [
      'a closing line cut short',
      `${begin}\nx\n (Counted by Postbag from the replies to leav\n`,
      /line 3, looks like the line that closes.*\nMake it exactly "\(Counted by Postbag from the replies to leaving-session\.\)" again/,
    ],
  ];
  for (const [what, post, message] of refusals) {
    test(`refuses ${what}, saying where`, () => {
      assert.throws(
        () => placeSection(post, SLUG, SECTION, { file: 'post.gmi' }),
        (err: Error) => err instanceof PostFileError && message.test(err.message) && err.message.startsWith('post.gmi'),
      );
    });
  }
});

describe('appendToPost', () => {
  test('writes once, then changes no byte while the tally is the same', async () => {
    const file = await postFile(POST);
    assert.equal(await appendToPost(file, SLUG, SECTION), 'added above the footer');
    const written = await readFile(file);
    const { mtimeMs, ino } = await stat(file);
    assert.equal(await appendToPost(file, SLUG, SECTION), 'none');
    assert.equal(await appendToPost(file, SLUG, SECTION, { touchDate: '2026-05-14' }), 'none', 'not even to change the date');
    assert.deepEqual(await readFile(file), written);
    const again = await stat(file);
    assert.equal(again.mtimeMs, mtimeMs, 'the file was not even rewritten');
    assert.equal(again.ino, ino);
  });

  test('replaces the file by a rename, keeping its permissions and leaving no temporary file', async () => {
    const file = await postFile(POST);
    await chmod(file, 0o640);
    const before = await stat(file);
    await appendToPost(file, SLUG, SECTION);
    const after = await stat(file);
    assert.notEqual(after.ino, before.ino, 'a new file took the old one’s name: the old one was never half-written');
    assert.equal(after.mode & 0o777, 0o640);
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  test('writes through a symlinked post and keeps the link', async () => {
    const real = await postFile(POST);
    const link = path.join(dir, `link-${++counter}.gmi`);
    await symlink(real, link);
    await appendToPost(link, SLUG, SECTION);
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readlink(link), real);
    assert.ok((await readFile(real, 'utf8')).endsWith(`${end}\n\n=> ../ Up One Level\n[Last updated: 2026-05-01]\n`));
  });

  test('leaves a post with damaged markers untouched', async () => {
    for (const damaged of [`${POST}${legacy.begin}\n* old\n`, `${POST}* old\n${end}\n`, `${POST}${begin}\n* old\n${end}.\n`]) {
      const file = await postFile(damaged);
      await assert.rejects(appendToPost(file, SLUG, SECTION), PostFileError);
      assert.equal(await readFile(file, 'utf8'), damaged);
    }
  });

  test('upgrades a post with the old markers in place, and sets its date when asked', async () => {
    const file = await postFile(`${ARTICLE}${legacy.begin}\n* Matrix: 3\n${legacy.end}\n\n${FOOTER}`);
    assert.equal(await appendToPost(file, SLUG, SECTION, { touchDate: '2026-05-14' }), 'upgraded from the old markers');
    assert.equal(await readFile(file, 'utf8'), `${ARTICLE}${placed(SECTION)}\n${FOOTER.replace('2026-05-01', '2026-05-14')}`);
  });

  test('leaves a post it cannot date untouched', async () => {
    const file = await postFile('# Post\nNo footer.\n');
    await assert.rejects(appendToPost(file, SLUG, SECTION, { touchDate: '2026-05-14' }), /no "\[Last updated: YYYY-MM-DD\]" line/);
    assert.equal(await readFile(file, 'utf8'), '# Post\nNo footer.\n');
  });

  test('refuses a missing post and one that is not UTF-8', async () => {
    await assert.rejects(
      appendToPost(path.join(dir, 'missing.gmi'), SLUG, SECTION),
      /missing\.gmi does not exist\. --append adds the tally to an existing post/,
    );
    const latin1 = Buffer.from('# Caf\xe9\n', 'latin1');
    const file = await postFile(latin1);
    await assert.rejects(appendToPost(file, SLUG, SECTION), /is not UTF-8 text/);
    assert.deepEqual(await readFile(file), latin1);
  });
});

describe('writeTallyPage', () => {
  test('reports a file it cannot replace, and cleans up after itself', async () => {
    const folder = path.join(dir, `folder-${++counter}.gmi`);
    await mkdir(folder);
    await assert.rejects(writeTallyPage(folder, '# Tally\n'), (err: Error) => err instanceof PostFileError && /Cannot (write|read)/.test(err.message));
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  test('creates the page, then leaves it alone while nothing changed', async () => {
    const file = path.join(dir, `page-${++counter}.gmi`);
    assert.equal(await writeTallyPage(file, '# Tally\n'), 'written');
    const { mtimeMs } = await stat(file);
    assert.equal(await writeTallyPage(file, '# Tally\n'), 'unchanged');
    assert.equal((await stat(file)).mtimeMs, mtimeMs);
    assert.equal(await writeTallyPage(file, '# Tally, newer\n'), 'written');
    assert.equal(await readFile(file, 'utf8'), '# Tally, newer\n');
  });
});
