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

const POST = '# Leaving Session\n\nI left Session. Tell me what you use.\n\n=> ../ Up One Level\n=> / Home\n[Last updated: 2026-05-01]\n';

async function newPost(name: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, POST);
  return file;
}

async function approveSome() {
  await publishReply(t.db, t.surveys, [['messengers', 'matrix'], ['messengers', 'xmpp'], ['clients.matrix', 'riot'], ['why', 'Federation.'], ['consent_quote', 'yes'], ['display_name', 'Ada']]);
  await publishReply(t.db, t.surveys, [['messengers', 'matrix'], ['clients.matrix', 'Element'], ['contact', 'never@private.example']]);
  await publishReply(t.db, t.surveys, [['messengers', 'deltachat'], ['clients.deltachat', 'ArcaneChat']], { approvedAt: new Date('2026-05-12T08:00:00Z') });
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
    for (const [answer, readers, percent] of [['Matrix', 2, 67], ['XMPP', 1, 33], ['Delta Chat', 1, 33]] as const) {
      assert.match(html, new RegExp(`${answer} ${readers} ${percent}%`));
      for (const gemtext of [gmi.text, appended]) {
        assert.match(gemtext, new RegExp(`^\\* ${answer}: ${readers} of 3 readers \\(${percent}%\\)$`, 'm'), 'in a line of text');
        assert.match(gemtext, new RegExp(`^ ${readers}  ${percent}% [#.]{20} ${answer}$`, 'm'), 'and in the chart');
      }
    }
    assert.match(appended, /^\* Element: 2 of 2 readers \(100%\)$/m, '"riot" counted as Element');
    assert.match(html, /1 of 1 reader who chose Delta Chat answered\. .*ArcaneChat 1 100%/);
    assert.match(appended, /^ 1 of 1 reader who chose Delta Chat answered\.\n\* ArcaneChat: 1 of 1 reader \(100%\)\n/m, 'one answer: its line, and no chart of one bar');
    assert.match(appended, /^```Bar chart of the list above: Matrix 2 \(67%\), XMPP 1 \(33%\), Delta Chat 1 \(33%\)/m);
    assert.doesNotMatch(gmi.text + appended, /[█░]/);
    assert.match(gmi.text, /\[Last updated: 2026-05-12\]\n$/);
    assert.doesNotMatch(gmi.text + appended, /private\.example/);
  });

  test('--append adds the tally after the post, then a second run changes no byte', async () => {
    await approveSome();
    const post = await newPost('twice.gmi');
    const first = await postbagExport('leaving-session', '--append', post);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /between the lines "\[postbag tally begin: leaving-session\]" and "\[postbag tally end: leaving-session\]"/);
    const written = await readFile(post, 'utf8');
    const footer = '=> ../ Up One Level\n=> / Home\n[Last updated: 2026-05-01]\n';
    assert.ok(written.startsWith(`${POST.slice(0, -footer.length)}[postbag tally begin: leaving-session]\n 3 replies counted`));
    assert.ok(written.endsWith(`[postbag tally end: leaving-session]\n\n${footer}`), 'the tally goes above the page footer');
    const { mtimeMs } = await stat(post);

    const second = await postbagExport('leaving-session', '--append', post);
    assert.match(second.output, /already holds this tally \(3 replies\): nothing written/);
    assert.equal(await readFile(post, 'utf8'), written);
    assert.equal((await stat(post)).mtimeMs, mtimeMs);
  });

  test('--append replaces only the marked section once more replies are approved, wherever the author moved it', async () => {
    await approveSome();
    const post = await newPost('moved.gmi');
    await postbagExport('leaving-session', '--append', post);
    const [before, rest] = (await readFile(post, 'utf8')).split('[postbag tally begin: leaving-session]\n');
    const [section] = rest!.split('[postbag tally end: leaving-session]\n');
    const authorsEnding = '\nThanks to everyone who answered.\n';
    await writeFile(post, `${before}[postbag tally begin: leaving-session]\n${section}[postbag tally end: leaving-session]\n${authorsEnding}`);

    await publishReply(t.db, t.surveys, [['messengers', 'xmpp']]);
    assert.equal((await postbagExport('leaving-session', '--append', post)).code, 0);
    const updated = await readFile(post, 'utf8');
    assert.ok(updated.startsWith(`${before}[postbag tally begin: leaving-session]\n 4 replies counted`));
    assert.ok(updated.endsWith(`[postbag tally end: leaving-session]\n${authorsEnding}`));
  });

  test('refuses damaged markers and leaves the post as it was', async () => {
    const post = path.join(dir, 'damaged.gmi');
    const damaged = `${POST}[postbag tally begin: leaving-session]\n* Matrix: 2\n`;
    await writeFile(post, damaged);
    const result = await postbagExport('leaving-session', '--append', post);
    assert.equal(result.code, 1);
    assert.match(result.output, /damaged\.gmi has a begin marker \(line 8\) and no end marker/);
    assert.doesNotMatch(result.output, /at .*\.ts:\d+/, 'no stack trace for a mistake in the post');
    assert.equal(await readFile(post, 'utf8'), damaged);
  });

  test('says how to call it', async () => {
    assert.match((await postbagExport('leaving-session')).output, /give --out FILE\.gmi .* or --append POST\.gmi/);
    assert.match((await postbagExport('leaving-session', '--out', 'a.gmi', '--append', 'b.gmi')).output, /cannot be used with/);
    const unknown = await postbagExport('no-such-post', '--out', path.join(dir, 'x.gmi'));
    assert.equal(unknown.code, 1);
    assert.match(unknown.output, /no survey "no-such-post" in .*surveys \(there are: leaving-session\)/);
  });
});
