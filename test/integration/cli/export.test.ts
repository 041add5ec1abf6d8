// `postbag export` against the same database as the web tally.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { useTestApp } from '../../helpers/app.ts';
import { postbag } from '../../helpers/postbag.ts';
import { visibleText } from '../../helpers/pages.ts';
import { publishReply } from '../../helpers/replies.ts';

const t = useTestApp();

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'postbag-export-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function postbagExport(...args: string[]): Promise<{ code: number; output: string }> {
  const { code, out, err } = await postbag(['export', ...args], { DATABASE_URL: t.database.url });
  return { code, output: out + err };
}

/** Shaped like the capsule's posts: the article, its footnote links, a rule, a footer spaced by blank lines. */
const ARTICLE = '# Leaving Session\n\nI left Session[1]. Tell me what you use.\n\n=> https://getsession.org/ [1] Session\n\n';
const FOOTER = '---\n\n=> ../ Up One Level\n\n=> / Home\n\n[Last updated: 2026-05-01]\n';
const POST = ARTICLE + FOOTER;
const HEADING = '## What readers answered';
const CLOSING = ' (Counted by Postbag from the replies to leaving-session.)';

async function newPost(name: string, content = POST): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

async function approveSome() {
  await publishReply(t.db, t.surveys, [
    ['messengers', 'matrix'],
    ['messengers', 'xmpp'],
    ['clients.matrix', 'riot'],
    ['why', 'Federation.'],
    ['consent_quote', 'yes'],
    ['display_name', 'Ada'],
  ]);
  await publishReply(t.db, t.surveys, [
    ['messengers', 'matrix'],
    ['clients.matrix', 'Element'],
    ['contact', 'never@private.example'],
  ]);
  await publishReply(
    t.db,
    t.surveys,
    [
      ['messengers', 'deltachat'],
      ['clients.deltachat', 'ArcaneChat'],
    ],
    { approvedAt: new Date('2026-05-12T08:00:00Z') },
  );
}

/** Today on this machine's clock, read before and after a run: the run's date is one of the two. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

describe('postbag export', () => {
  test('shows the same numbers as the web page and tally.gmi, and writes tally.gmi byte for byte with --out', async () => {
    await approveSome();
    const html = visibleText((await request(t.app).get('/s/leaving-session/tally').expect(200)).text);
    const gmi = await request(t.app).get('/s/leaving-session/tally.gmi').expect(200);
    assert.equal(gmi.headers['content-type'], 'text/gemini; charset=utf-8');

    const out = path.join(dir, 'tally.gmi');
    const result = await postbagExport('leaving-session', '--out', out);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Wrote the tally \(3 replies\)/);
    assert.equal(await readFile(out, 'utf8'), gmi.text);

    const post = await newPost('numbers.gmi');
    assert.equal((await postbagExport('leaving-session', '--append', post)).code, 0);
    const appended = await readFile(post, 'utf8');
    for (const [answer, readers, percent] of [
      ['Matrix', 2, 67],
      ['XMPP', 1, 33],
      ['Delta Chat', 1, 33],
    ] as const) {
      assert.match(html, new RegExp(`${answer} ${readers} ${percent}%`));
      for (const gemtext of [gmi.text, appended]) {
        assert.match(gemtext, new RegExp(`^\\* ${answer}: ${readers} of 3 readers \\(${percent}%\\)$`, 'm'), 'in a line of text');
        assert.match(gemtext, new RegExp(`^ ${readers}  ${percent}% [#.]{20} ${answer}$`, 'm'), 'and in the chart');
      }
    }
    assert.match(appended, /^\* Element: 2 of 2 readers \(100%\)$/m, '"riot" counted as Element');
    assert.match(html, /1 of 1 reader who chose Delta Chat answered\. .*ArcaneChat 1 100%/);
    assert.match(
      appended,
      /^ 1 of 1 reader who chose Delta Chat answered\.\n\* ArcaneChat: 1 of 1 reader \(100%\)\n\n/m,
      'one answer: its line, and no chart of one bar',
    );
    assert.match(appended, /^```Bar chart of the list above: Matrix 2 \(67%\), XMPP 1 \(33%\), Delta Chat 1 \(33%\)/m);
    assert.doesNotMatch(gmi.text + appended, /[█░]/);
    assert.match(gmi.text, /\[Last updated: 2026-05-12\]\n$/);
    assert.doesNotMatch(gmi.text + appended, /private\.example/);
  });

  test('--append puts the tally after the article and its footnotes, above the footer; a second run changes no byte', async () => {
    await approveSome();
    const post = await newPost('twice.gmi');
    const first = await postbagExport('leaving-session', '--append', post);
    assert.equal(first.code, 0, first.output);
    assert.match(
      first.output,
      /Added the tally \(3 replies\) to .*twice\.gmi, above the page's footer\. It starts at the heading "## What readers answered" and ends at the line "\(Counted by Postbag from the replies to leaving-session\.\)"/,
    );
    const written = await readFile(post, 'utf8');
    assert.ok(written.startsWith(`${ARTICLE}${HEADING}\n 3 replies counted; the last was approved on 2026-05-12.\n`));
    assert.ok(written.endsWith(`\n${CLOSING}\n\n${FOOTER}`), 'the footer stays as it was, last updated date and all');
    const { mtimeMs } = await stat(post);

    const second = await postbagExport('leaving-session', '--append', post, '--touch-date');
    assert.match(second.output, /already holds this tally \(3 replies\): nothing written/);
    assert.equal(await readFile(post, 'utf8'), written);
    assert.equal((await stat(post)).mtimeMs, mtimeMs);
  });

  test('--append replaces the tally once more replies are approved, wherever the author moved it', async () => {
    await approveSome();
    const post = await newPost('moved.gmi');
    await postbagExport('leaving-session', '--append', post);
    const written = await readFile(post, 'utf8');
    const tally = written.slice(written.indexOf(HEADING), written.indexOf(CLOSING) + CLOSING.length + 1);
    const authorsEnding = '\nThanks to everyone who answered.\n';
    await writeFile(post, `${ARTICLE}${tally}${authorsEnding}`);

    await publishReply(t.db, t.surveys, [['messengers', 'xmpp']]);
    const result = await postbagExport('leaving-session', '--append', post);
    assert.match(result.output, /Updated the tally \(4 replies\) in .*moved\.gmi\./);
    const updated = await readFile(post, 'utf8');
    assert.ok(updated.startsWith(`${ARTICLE}${HEADING}\n 4 replies counted`));
    assert.ok(updated.endsWith(`${CLOSING}\n${authorsEnding}`));
  });

  test('--touch-date sets the post’s [Last updated: …] to today when the tally changes', async () => {
    await approveSome();
    const post = await newPost('dated.gmi');
    const before = today();
    const result = await postbagExport('leaving-session', '--append', post, '--touch-date');
    const after = today();
    assert.equal(result.code, 0, result.output);
    const date = /\[Last updated: (\d{4}-\d{2}-\d{2})\]\n$/.exec(await readFile(post, 'utf8'))?.[1];
    assert.ok(date === before || date === after, `today's date, not ${date}`);
    assert.match(result.output, new RegExp(`Its \\[Last updated: …\\] line now says ${date}\\.`));

    const undated = await newPost('undated.gmi', '# A post\n\nNo footer here.\n');
    const refused = await postbagExport('leaving-session', '--append', undated, '--touch-date');
    assert.equal(refused.code, 1);
    assert.match(refused.output, /undated\.gmi has no "\[Last updated: YYYY-MM-DD\]" line for --touch-date to change/);
    assert.equal(await readFile(undated, 'utf8'), '# A post\n\nNo footer here.\n');
  });

  test('upgrades a post written with the old marker lines, moving the tally out of the footer where they had put it', async () => {
    await approveSome();
    const dateLine = '[Last updated: 2026-05-01]\n';
    const oldVersion = `${POST.slice(0, -dateLine.length)}[postbag tally begin: leaving-session]\n What readers answered, counted by Postbag. 2 replies counted.\n[postbag tally end: leaving-session]\n\n${dateLine}`;
    const post = await newPost('old.gmi', oldVersion);
    const result = await postbagExport('leaving-session', '--append', post);
    assert.match(
      result.output,
      /Updated the tally \(3 replies\) in .*old\.gmi, replaced its old \[postbag tally …\] marker lines, and moved it from inside the page's footer to above it\./,
    );
    const fresh = await newPost('fresh.gmi');
    await postbagExport('leaving-session', '--append', fresh);
    assert.equal(await readFile(post, 'utf8'), await readFile(fresh, 'utf8'), 'as if it had been written by this version');
  });

  test('refuses damaged markers and leaves the post as it was', async () => {
    for (const [name, damaged, message] of [
      ['damaged-old.gmi', `${POST}[postbag tally begin: leaving-session]\n* Matrix: 2\n`, /damaged-old\.gmi has a begin marker \(line 14\) and no end marker/],
      [
        'damaged.gmi',
        `${ARTICLE}* Matrix: 2\n${CLOSING}\n\n${FOOTER}`,
        /damaged\.gmi, line 8, closes the tally, but no "## What readers answered" heading opens it/,
      ],
    ] as const) {
      const post = await newPost(name, damaged);
      const result = await postbagExport('leaving-session', '--append', post);
      assert.equal(result.code, 1);
      assert.match(result.output, message);
      assert.doesNotMatch(result.output, /at .*\.ts:\d+/, 'no stack trace for a mistake in the post');
      assert.equal(await readFile(post, 'utf8'), damaged);
    }
  });

  test('says how to call it', async () => {
    assert.match((await postbagExport('leaving-session')).output, /give --out FILE\.gmi .* or --append POST\.gmi/);
    assert.match((await postbagExport('leaving-session', '--out', 'a.gmi', '--append', 'b.gmi')).output, /cannot be used with/);
    assert.match((await postbagExport('leaving-session', '--out', 'a.gmi', '--touch-date')).output, /'--out <file>' cannot be used with option '--touch-date'/);
    const unknown = await postbagExport('no-such-post', '--out', path.join(dir, 'x.gmi'));
    assert.equal(unknown.code, 1);
    assert.match(unknown.output, /no survey "no-such-post" in .*surveys \(there are: leaving-session\)/);
  });
});
