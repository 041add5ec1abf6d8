import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { appendToPost, placeSection, PostFileError, tallyMarkers, writeTallyPage } from '../../src/gemtext/post-file.ts';

const SLUG = 'leaving-session';
const { begin, end } = tallyMarkers(SLUG);
const SECTION = '## Which messengers?\n* Matrix: 3\n';
const NEWER = '## Which messengers?\n* Matrix: 4\n';
const POST = '# Leaving Session\n\nI left Session.\n\n=> ../ Up One Level\n[Last updated: 2026-05-01]\n';

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

describe('placeSection', () => {
  test('refuses a post whose preformatted block is still open where the tally goes, or hides its markers inside one', () => {
    const open = '# Post\n```sh\nls\n';
    assert.throws(() => placeSection(open, SLUG, SECTION, 'post.gmi'), (err) => err instanceof PostFileError && /post\.gmi, line 2, opens a preformatted block/.test(err.message));
    const markerInsideBlock = `# Post\n\`\`\`\n${begin}\n${end}\n\`\`\`\n`;
    assert.throws(() => placeSection(markerInsideBlock, SLUG, SECTION), PostFileError);
    assert.doesNotThrow(() => placeSection('# Post\n```\ncode\n```\n', SLUG, SECTION));
  });

  test('the first time, adds the markers and the section after the post’s text, above its footer', () => {
    const text = '# Leaving Session\n\nI left Session.\n\n';
    const footer = '=> ../ Up One Level\n[Last updated: 2026-05-01]\n';
    assert.equal(POST, text + footer);
    assert.equal(placeSection(POST, SLUG, SECTION), `${text}${begin}\n${SECTION}${end}\n\n${footer}`);
    assert.equal(placeSection('# Post\nText\n=> /other Another post\n', SLUG, SECTION), `# Post\nText\n=> /other Another post\n\n${begin}\n${SECTION}${end}\n`, 'no footer: at the very end');
    assert.equal(placeSection('No newline at the end', SLUG, SECTION), `No newline at the end\n\n${begin}\n${SECTION}${end}\n`);
    assert.equal(placeSection('Ends with a blank line\n\n', SLUG, SECTION), `Ends with a blank line\n\n${begin}\n${SECTION}${end}\n`);
    assert.equal(placeSection('', SLUG, SECTION), `${begin}\n${SECTION}${end}\n`);
  });

  test('later, replaces only what is between the markers, wherever the author moved them', () => {
    const moved = `# Title\n\nIntro.\n${begin}\n* old line\n* another\n${end}\nThe author's closing words, kept.\n[Last updated: 2026-05-01]`;
    assert.equal(placeSection(moved, SLUG, NEWER), `# Title\n\nIntro.\n${begin}\n${NEWER}${end}\nThe author's closing words, kept.\n[Last updated: 2026-05-01]`);
    const once = placeSection(POST, SLUG, SECTION);
    assert.equal(placeSection(once, SLUG, SECTION), once, 'nothing new: the same text');
  });

  test('keeps a CRLF post in CRLF, and every byte outside the markers as it was', () => {
    const crlf = 'Text\r\n';
    const first = placeSection(crlf, SLUG, SECTION);
    assert.equal(first, `${crlf}\r\n${begin}\r\n${SECTION.replaceAll('\n', '\r\n')}${end}\r\n`);
    const second = placeSection(first, SLUG, NEWER);
    assert.ok(second.startsWith(`${crlf}\r\n${begin}\r\n`));
    assert.ok(second.endsWith(`${NEWER.replaceAll('\n', '\r\n')}${end}\r\n`));
    const crlfPost = POST.replaceAll('\n', '\r\n');
    assert.ok(placeSection(crlfPost, SLUG, SECTION).endsWith(`${end}\r\n\r\n=> ../ Up One Level\r\n[Last updated: 2026-05-01]\r\n`));
    const odd = `Tabs\there, a lone CR\rin a line, trailing spaces   \n${begin}\nold\n${end}\n  indented after\u2028\n`;
    assert.equal(placeSection(odd, SLUG, NEWER), `Tabs\there, a lone CR\rin a line, trailing spaces   \n${begin}\n${NEWER}${end}\n  indented after\u2028\n`);
  });

  test("leaves another survey's section alone", () => {
    const other = tallyMarkers('text-editors');
    const post = `${other.begin}\n* Vim: 1\n${other.end}\n`;
    const placed = placeSection(post, SLUG, SECTION);
    assert.ok(placed.startsWith(post));
    assert.equal(placeSection(placed, 'text-editors', '* Vim: 2\n'), `${other.begin}\n* Vim: 2\n${other.end}\n\n${begin}\n${SECTION}${end}\n`);
  });

  const refusals: [string, string, RegExp][] = [
    ['a begin marker without its end', `${POST}${begin}\n* old\n`, /a begin marker \(line 7\) and no end marker/],
    ['an end marker without its begin', `${POST}* old\n${end}\n`, /no begin marker and an end marker \(line 8\)/],
    ['two begin markers', `${begin}\n${begin}\nx\n${end}\n`, /2 begin markers \(line 1, 2\) and an end marker \(line 4\)/],
    ['two sections', `${begin}\nx\n${end}\n${begin}\ny\n${end}\n`, /2 begin markers \(line 1, 4\) and 2 end markers \(line 3, 6\)/],
    ['the end before the begin', `${end}\nx\n${begin}\n`, /its end marker \(line 1\) before its begin marker \(line 3\)/],
    ['a marker with a trailing space', `${begin} \nx\n${end}\n`, /line 1, looks like a Postbag marker but is not one: "\[postbag tally begin: leaving-session\] "/],
    ['a marker whose case changed', `[Postbag Tally begin: ${SLUG}]\nx\n${end}\n`, /line 1, looks like a Postbag marker/],
    ['an indented marker', `${begin}\nx\n  ${end}\n`, /line 3, looks like a Postbag marker/],
    ['a marker cut short', `${begin}\nx\n[postbag tally end: leaving-sess\n`, /line 3, looks like a Postbag marker/],
  ];
  for (const [what, post, message] of refusals) {
    test(`refuses ${what}, saying where`, () => {
      assert.throws(() => placeSection(post, SLUG, SECTION, 'post.gmi'), (err: Error) => err instanceof PostFileError && message.test(err.message) && err.message.startsWith('post.gmi'));
    });
  }
});

describe('appendToPost', () => {
  test('writes once, then changes no byte while the tally is the same', async () => {
    const file = await postFile(POST);
    assert.equal(await appendToPost(file, SLUG, SECTION), 'written');
    const written = await readFile(file);
    const { mtimeMs, ino } = await stat(file);
    assert.equal(await appendToPost(file, SLUG, SECTION), 'unchanged');
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
    assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.tmp')), []);
  });

  test('writes through a symlinked post and keeps the link', async () => {
    const real = await postFile(POST);
    const link = path.join(dir, `link-${++counter}.gmi`);
    await symlink(real, link);
    await appendToPost(link, SLUG, SECTION);
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readlink(link), real);
    assert.match(await readFile(real, 'utf8'), /\[postbag tally end: leaving-session\]\n\n=> \.\.\/ Up One Level\n/);
  });

  test('leaves a post with damaged markers untouched', async () => {
    const damaged = `${POST}${begin}\n* old\n`;
    const file = await postFile(damaged);
    await assert.rejects(appendToPost(file, SLUG, SECTION), PostFileError);
    assert.equal(await readFile(file, 'utf8'), damaged);
  });

  test('refuses a missing post and one that is not UTF-8', async () => {
    await assert.rejects(appendToPost(path.join(dir, 'missing.gmi'), SLUG, SECTION), /missing\.gmi does not exist\. --append adds the tally to an existing post/);
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
    assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.tmp')), []);
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
