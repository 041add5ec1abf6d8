import assert from 'node:assert/strict';
import path from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import type { Express } from 'express';
import request from 'supertest';
import { setStatus } from '../../src/moderation/actions.ts';
import { surveySchema } from '../../src/surveys/schema.ts';
import { csvLine } from '../../src/exports/replies.ts';
import { computeTally } from '../../src/tally/service.ts';
import { tallyVersionOf } from '../../src/tally/version.ts';
import { signedIn } from '../helpers/admin.ts';
import { fixturesDir, useTestApp } from '../helpers/app.ts';
import { postForm, secretIn, tokenOf } from '../helpers/forms.ts';
import { publishReply, visibleText } from '../helpers/tally.ts';

const t = useTestApp();
// Emptying the database between tests also rewinds the change counter that cached tallies are
// keyed by: each test gets an app with an empty cache.
let app: Express;
beforeEach(async () => {
  app = await t.makeApp();
});

const publish = (pairs: [string, string][], publication?: Parameters<typeof publishReply>[3]) => publishReply(t.db, t.surveys, pairs, publication);

async function tallyText(instance = app): Promise<string> {
  return visibleText((await request(instance).get('/s/leaving-session/tally').expect(200)).text);
}

describe('GET /s/:slug/tally', () => {
  test('before any approval says that nothing is published yet', async () => {
    await publish([['messengers', 'matrix']], { status: 'pending' });
    const text = await tallyText();
    assert.match(text, /No reply has been published yet/);
    assert.doesNotMatch(text, /Matrix/);
  });

  test('counts approved replies only, and says how many and when the last was approved', async () => {
    await publish([['messengers', 'matrix'], ['messengers', 'xmpp']], { approvedAt: new Date('2026-05-03T10:00:00Z') });
    await publish([['messengers', 'matrix']], { approvedAt: new Date('2026-05-07T23:30:00Z') });
    await publish([['messengers', 'deltachat']], { approvedAt: new Date('2026-05-05T10:00:00Z') });
    for (const status of ['pending', 'rejected', 'spam'] as const) await publish([['messengers', 'xmpp']], { status });

    const text = await tallyText();
    assert.match(text, /3 replies counted; the last was approved on 2026-05-07/);
    assert.match(text, /Which of these messengers do you use\? 3 of 3 readers answered/);
    assert.match(text, /Matrix 2 67%/);
    assert.match(text, /XMPP 1 33%/);
    assert.match(text, /Delta Chat 1 33%/);
  });

  test('shows readers using several messengers and their most common combinations', async () => {
    await publish([['messengers', 'matrix'], ['messengers', 'xmpp']]);
    await publish([['messengers', 'xmpp'], ['messengers', 'matrix']]);
    await publish([['messengers', 'matrix'], ['messengers', 'deltachat'], ['messengers.other', 'signal messenger']]);
    await publish([['messengers', 'matrix']]);
    const text = await tallyText();
    assert.match(text, /Signal 1 25%/, 'a typed messenger is counted under its canonical name');
    assert.match(text, /3 of 4 readers \(75%\) chose more than one/);
    assert.match(text, /The most common combinations: Matrix \+ XMPP: 2 /);
    assert.match(text, /Matrix \+ Delta Chat \+ Signal: 1/, 'listed options in the survey\'s order, then typed names');
  });

  test('counts typed names under their canonical name, and groups unknown spellings', async () => {
    await publish([['messengers', 'matrix'], ['clients.matrix', 'element desktop'], ['clients.matrix', 'Mystery Client']]);
    await publish([['messengers', 'matrix'], ['clients.matrix', 'Riot'], ['clients.matrix', 'mystery-client']]);
    await publish([['messengers', 'matrix'], ['clients.matrix', 'Element'], ['clients.matrix', 'Mystery Client']]);
    await publish([['messengers', 'xmpp'], ['clients.xmpp', 'Element']]);
    const text = await tallyText();
    assert.match(text, /Matrix 3 readers \(75% of all readers\) chose Matrix\./);
    assert.match(text, /Which client programs or apps do you use\? 3 of 3 readers who chose Matrix answered\. .*Element 3 100% Mystery Client 3 100%/);
    assert.doesNotMatch(text, /mystery-client|element desktop|Riot/);
    assert.match(text, /XMPP 1 reader \(25% of all readers\) chose XMPP\. .* Element 1 100%/, 'names are matched within their own messenger');
  });

  test('shows hosting, providers and servers per messenger', async () => {
    await publish([['messengers', 'matrix'], ['hosting.matrix', 'self-host'], ['server.matrix', 'matrix-synapse']]);
    await publish([['messengers', 'matrix'], ['hosting.matrix', 'provider'], ['provider.matrix', 'matrix.org']]);
    await publish([['messengers', 'matrix'], ['messengers', 'xmpp'], ['hosting.matrix', 'provider'], ['provider.matrix', 'Matrix.org'], ['hosting.xmpp', 'provider'], ['provider.xmpp', 'yax.im']]);
    const text = await tallyText();
    assert.match(text, /Do you use an account provider or self-host\? 3 of 3 readers who chose Matrix answered\. .*An account provider 2 67% .*I self-host 1 33%/);
    assert.match(text, /Which provider or server do you recommend\? 2 of 3 readers who chose Matrix answered\. .*matrix\.org 2 67%/);
    assert.match(text, /If you self-host: which server software\? 1 of 3 readers who chose Matrix answered\. .*Synapse 1 33%/);
    assert.match(text, /XMPP 1 reader \(33% of all readers\) chose XMPP\. .*An account provider 1 100% .*yax\.im 1 100%/);
    assert.doesNotMatch(text, /chose Delta Chat\./, 'a messenger nobody chose has no section');
  });

  test('quotes only readers who consented, with their name or "anonymous", and never shows contact addresses', async () => {
    await publish([['messengers', 'matrix'], ['why', 'Federation matters.'], ['display_name', 'Ada'], ['contact', 'ada@example.org'], ['consent_quote', 'yes']]);
    await publish([['messengers', 'xmpp'], ['why', 'It is light.\nAnd old.'], ['contact', 'xmpp:bob@example.org'], ['consent_quote', 'yes']]);
    await publish([['messengers', 'xmpp'], ['why', 'Do not quote me.'], ['display_name', 'Carol'], ['contact', 'carol@example.org']]);
    await publish([['messengers', 'xmpp'], ['why', 'Still pending.'], ['consent_quote', 'yes']], { status: 'pending' });
    const res = await request(app).get('/s/leaving-session/tally').expect(200);
    const text = visibleText(res.text);
    assert.match(text, /Why do you use them\? Federation matters\. — Ada It is light\. And old\. — anonymous/);
    assert.doesNotMatch(text, /Do not quote me|Carol|Still pending/);
    assert.doesNotMatch(res.text, /example\.org/);
    assert.doesNotMatch(text, /how do they compare/, 'a question nobody answered has no section');
  });

  test('cuts long lists of names and quotes, saying how many more there are', async () => {
    await t.db.$executeRaw`
      INSERT INTO reply (id, survey_slug, status, secret_hash, consent_quote, moderated_at)
      SELECT gen_random_uuid(), 'leaving-session', 'approved', 'many-' || i, true, now() FROM generate_series(1, 101) AS i`;
    await t.db.$executeRaw`
      INSERT INTO answer (reply_id, question_id, scope, position, value, name_key)
      SELECT id, q.question_id, q.scope, 0, q.prefix || secret_hash, CASE WHEN q.scope = '' THEN NULL ELSE 'client' || secret_hash END
      FROM reply CROSS JOIN (VALUES ('messengers', '', ''), ('why', '', 'Because '), ('clients', 'matrix', 'Client ')) AS q(question_id, scope, prefix)`;
    await t.db.$executeRaw`UPDATE answer SET value = 'matrix' WHERE question_id = 'messengers'`;
    const text = await tallyText();
    assert.match(text, /101 replies counted/);
    assert.equal((text.match(/Client many-\d+ 1 1%/g) ?? []).length, 30);
    assert.match(text, /71 more names were given, each by fewer readers\./);
    assert.equal((text.match(/Because many-\d+ — anonymous/g) ?? []).length, 100);
    assert.match(text, /And 1 more quote not shown here\./);
  });

  test('escapes what readers typed', async () => {
    await publish([['messengers', 'matrix'], ['why', '<script>alert(1)</script>'], ['clients.matrix', '<b>bold</b>'], ['consent_quote', 'yes']]);
    const res = await request(app).get('/s/leaving-session/tally').expect(200);
    assert.doesNotMatch(res.text, /<script|<b>/);
    assert.match(res.text, /&lt;script&gt;/);
  });

  test('draws bars on the server, without scripts or inline styles', async () => {
    await publish([['messengers', 'matrix']]);
    await publish([['messengers', 'matrix'], ['messengers', 'xmpp']]);
    const res = await request(app).get('/s/leaving-session/tally').expect(200);
    const bar = (label: string) => new RegExp(`<th scope="row">${label}</th>.*?<rect width="(\\d+)"`).exec(res.text)?.[1];
    assert.equal(bar('Matrix'), '100');
    assert.equal(bar('XMPP'), '50');
    assert.equal(bar('Delta Chat'), '0');
    assert.doesNotMatch(res.text, /<script|style="/i);
    assert.match(res.headers['content-security-policy'] ?? '', /script-src 'none'/);
  });

  test('links to the form and to the gemtext version', async () => {
    const res = await request(app).get('/s/leaving-session/tally').expect(200);
    assert.match(res.text, /<a href="\/s\/leaving-session">Add your reply<\/a>/);
    assert.match(res.text, /<a href="\/s\/leaving-session\/tally.gmi">/);
  });

  test('answers 404 for an unknown survey', async () => {
    await request(app).get('/s/no-such-post/tally').expect(404);
  });
});

describe('GET /s/:slug/tally.gmi', () => {
  test('serves the same tally as gemtext, in the capsule style', async () => {
    await publish([['messengers', 'matrix'], ['messengers', 'xmpp'], ['why', 'Federation.'], ['consent_quote', 'yes']], { approvedAt: new Date('2026-05-09T10:00:00Z') });
    await publish([['messengers', 'matrix']], { approvedAt: new Date('2026-05-08T10:00:00Z') });
    const res = await request(app).get('/s/leaving-session/tally.gmi').expect(200);
    assert.equal(res.headers['content-type'], 'text/gemini; charset=utf-8');
    assert.ok(res.text.startsWith('# Leaving Session: what readers answered\n\n 2 replies counted; the last was approved on 2026-05-09.\n'));
    assert.match(res.text, /^ 2 100% █{20} Matrix$/m);
    assert.match(res.text, /^ 1  50% █{10}░{10} XMPP$/m);
    assert.match(res.text, /^> Federation\.\n — anonymous$/m);
    assert.ok(res.text.endsWith('=> ../ Up One Level\n=> / Home\n[Last updated: 2026-05-09]\n'));
  });

  test('answers 404 for an unknown survey', async () => {
    await request(app).get('/s/no-such-post/tally.gmi').expect(404);
  });
});

describe('the tally is linked', () => {
  test('from the form and from the thank-you page', async () => {
    const form = await request(app).get('/s/leaving-session').expect(200);
    assert.match(form.text, /<a href="\/s\/leaving-session\/tally">/);
    const token = tokenOf(form.text);
    const secret = secretIn(token);
    const sent = await postForm(app, '/s/leaving-session/replies', [['token', token], ['messengers', 'matrix']]).expect(303);
    const thanks = await request(app).get(sent.headers.location!).expect(200);
    assert.match(thanks.text, /<a href="\/s\/leaving-session\/tally">/);
  });
});

describe('the cached tally', () => {
  test('changes as soon as the author approves a reply, on every instance sharing the database', async () => {
    const other = await t.makeApp();
    const first = await publish([['messengers', 'matrix']]);
    const second = await publish([['messengers', 'xmpp']], { status: 'pending' });
    assert.match(await tallyText(app), /1 reply counted/);
    assert.match(await tallyText(other), /1 reply counted/);

    await setStatus(t.db, [second.id], 'approved');
    assert.match(await tallyText(app), /2 replies counted/);
    assert.match(await tallyText(other), /2 replies counted/);

    await setStatus(t.db, [first.id], 'rejected');
    assert.match(await tallyText(other), /1 reply counted/);
    assert.match(await tallyText(app), /XMPP 1 100%/);
  });

  test('is kept while its version stays', async () => {
    await publish([['messengers', 'matrix']]);
    assert.match(await tallyText(), /1 reply counted/);
    const version = await tallyVersionOf(t.db, 'leaving-session');
    await t.db.reply.updateMany({ data: { status: 'rejected' } });
    // Put the old version back: the cache cannot tell, which shows it is what answers.
    await t.db.tallyVersion.update({ where: { surveySlug: 'leaving-session' }, data: { version } });
    assert.match(await tallyText(), /1 reply counted/);
  });

  test('is recounted after any write that changes it, even one made outside Postbag', async () => {
    await publish([['messengers', 'matrix']]);
    assert.match(await tallyText(), /1 reply counted/);
    await t.db.$executeRaw`UPDATE answer SET value = 'xmpp' WHERE question_id = 'messengers'`;
    assert.match(await tallyText(), /XMPP 1 100%/);
    await t.db.$executeRaw`UPDATE reply SET status = 'rejected'`;
    assert.match(await tallyText(), /No reply has been published yet/);
  });

  test("one survey's changes leave another survey's version alone", async () => {
    await publish([['messengers', 'matrix']]);
    await t.db.tallyVersion.create({ data: { surveySlug: 'another-post', version: 42n } });
    await publish([['messengers', 'xmpp']]);
    await t.db.$executeRaw`UPDATE reply SET status = 'rejected'`;
    assert.equal(await tallyVersionOf(t.db, 'another-post'), 42n);
  });
});

describe('a multiple choice asked per option', () => {
  test('is counted per option, with its own combinations', async () => {
    const survey = surveySchema.parse({
      slug: 'languages',
      title: 'Languages',
      published: '2026-10-01',
      open: true,
      questions: [
        { id: 'os', kind: 'choice', label: 'Which systems?', multiple: true, options: [{ id: 'linux', label: 'Linux' }, { id: 'bsd', label: 'BSD' }] },
        { id: 'langs', kind: 'choice', each: 'os', multiple: true, label: 'Which languages there?', options: [{ id: 'c', label: 'C' }, { id: 'go', label: 'Go' }, { id: 'zig', label: 'Zig' }] },
      ],
    });
    const surveys = new Map([[survey.slug, survey]]);
    await publishReply(t.db, surveys, [['os', 'linux'], ['os', 'bsd'], ['langs.linux', 'c'], ['langs.linux', 'go'], ['langs.bsd', 'c']], { survey: 'languages' });
    await publishReply(t.db, surveys, [['os', 'linux'], ['langs.linux', 'go'], ['langs.linux', 'c'], ['langs.linux', 'zig']], { survey: 'languages' });
    const tally = await computeTally(t.db, survey);
    const linux = tally.blocks.find((block) => block.type === 'group' && block.label === 'Linux');
    assert.ok(linux?.type === 'group');
    const section = linux.sections[0]!;
    assert.ok(section.type === 'counts');
    assert.deepEqual(section.counts.map((c) => `${c.label} ${c.readers} ${c.percent}%`), ['C 2 100%', 'Go 2 100%', 'Zig 1 50%']);
    assert.deepEqual(section.several, {
      readers: 2,
      percent: 100,
      combinations: [{ labels: ['C', 'Go'], readers: 1 }, { labels: ['C', 'Go', 'Zig'], readers: 1 }],
    });
    const bsd = tally.blocks.find((block) => block.type === 'group' && block.label === 'BSD');
    assert.ok(bsd?.type === 'group' && bsd.sections[0]?.type === 'counts');
    assert.deepEqual(bsd.sections[0].several, { readers: 0, percent: 0, combinations: [] });
  });
});

describe('the tally of another survey', () => {
  const other = useTestApp(path.join(fixturesDir, 'surveys'));

  test('follows its own questions with no code for them', async () => {
    const pairs: [string, string][][] = [
      [['editor', 'emacs'], ['plugins.emacs', 'elpher'], ['plugins.emacs', 'gemini-mode'], ['tip', 'Write offline.'], ['consent_quote', 'yes'], ['display_name', 'Dee']],
      [['editor', 'emacs'], ['plugins.emacs', 'Elpher']],
      [['editor', 'vim'], ['tip', 'Keep it short.']],
      [['editor.other', 'hx']],
    ];
    for (const reply of pairs) await publishReply(other.db, other.surveys, reply, { survey: 'text-editors' });
    const res = await request(other.app).get('/s/text-editors/tally').expect(200);
    const text = visibleText(res.text);
    assert.match(text, /4 replies counted/);
    assert.match(text, /Vim 1 25% .*Emacs 2 50% .*Helix 1 25%/);
    assert.doesNotMatch(text, /chose more than one/, 'a single choice has no combinations');
    assert.match(text, /Emacs 2 readers \(50% of all readers\) chose Emacs\. .*elpher 2 100% .*gemini-mode 1 50%/);
    assert.match(text, /One tip for other writers Write offline\. — Dee/);
    assert.doesNotMatch(text, /Keep it short/);
  });

  test('of a closed survey stays readable, without an invitation to reply', async () => {
    await publishReply(other.db, other.surveys, [['answer', 'Late but here.']], { survey: 'closed-post' });
    const text = visibleText((await request(other.app).get('/s/closed-post/tally').expect(200)).text);
    assert.match(text, /1 reply counted/);
    assert.doesNotMatch(text, /Add your reply/);
    assert.doesNotMatch(text, /Late but here/, 'text that is not quotable is never shown');
  });
});

describe("the author's exports", () => {
  const author = async () => (await signedIn(app, t.db)).agent;

  test('a page links the downloads of each survey', async () => {
    const res = await (await author()).get('/admin/exports').expect(200);
    for (const href of ['leaving-session.csv', 'leaving-session.json', 'leaving-session.csv?replies=all', 'leaving-session.json?replies=all']) {
      assert.ok(res.text.includes(`href="/admin/exports/${href}"`), href);
    }
  });

  async function seedReplies() {
    await publish([['messengers', 'matrix'], ['clients.matrix', 'Element'], ['clients.matrix', 'FluffyChat'], ['why', 'Line one,\n"quoted"'], ['display_name', 'Ada'], ['contact', 'ada@example.org'], ['consent_quote', 'yes']]);
    await publish([['messengers', 'xmpp'], ['why', '=HYPERLINK("http://evil.example")'], ['contact', 'bob@example.org']], { status: 'pending' });
  }

  test('CSV: one row per approved reply, one column per question and option, contact included', async () => {
    await seedReplies();
    const res = await (await author()).get('/admin/exports/leaving-session.csv').expect(200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(res.headers['content-disposition'] ?? '', /^attachment; filename="?leaving-session-approved\.csv"?$/);
    const lines = res.text.split('\r\n');
    const names = (key: string) => ['matrix', 'xmpp', 'deltachat'].flatMap((m) => [`${key}.${m}`, `${key}.${m}.canonical`]);
    const hosting = ['hosting.matrix', 'hosting.xmpp', 'hosting.deltachat'];
    const header = ['id,status,created_at,moderated_at,display_name,contact,consent_quote,messengers,messengers.canonical,why,compare', ...names('clients'), ...hosting, ...names('provider'), ...names('server')];
    assert.equal(lines[0], header.join(','));
    assert.match(res.text, /,approved,[^,]+,[^,]+,Ada,ada@example\.org,yes,matrix,matrix,"Line one,\n""quoted""",,Element; FluffyChat,Element; FluffyChat,/);
    assert.doesNotMatch(res.text, /bob@example\.org/, 'pending replies only with replies=all');
    assert.equal(lines.length, 3, 'the header, one reply (a line break inside quotes ends no row), the final CRLF');
  });

  test('CSV with replies=all: formulas typed by readers stay text', async () => {
    await seedReplies();
    const res = await (await author()).get('/admin/exports/leaving-session.csv?replies=all').expect(200);
    assert.match(res.text, /,pending,[^,]*,,,bob@example\.org,no,xmpp,xmpp,"'=HYPERLINK\(""http:\/\/evil\.example""\)"/);
  });

  test('JSON: every stored field of every reply, in batches that miss none', async () => {
    await seedReplies();
    // More replies than one batch, all sent in the same millisecond: the pages must not skip ties.
    const createdAt = new Date('2026-05-02T08:00:00Z');
    await t.db.reply.createMany({
      data: Array.from({ length: 600 }, (_, i) => ({ surveySlug: 'leaving-session', status: 'pending' as const, secretHash: `tie-${i}`, createdAt })),
    });
    const res = await (await author()).get('/admin/exports/leaving-session.json?replies=all').expect(200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const body = JSON.parse(res.text) as { survey: { slug: string }; included: string; replies: { id: string; contact: string | null; answers: { question: string; scope: string; value: string }[] }[] };
    assert.equal(body.survey.slug, 'leaving-session');
    assert.equal(body.included, 'all');
    assert.equal(new Set(body.replies.map((r) => r.id)).size, 602);
    const ada = body.replies.find((r) => r.contact === 'ada@example.org')!;
    assert.deepEqual(ada.answers.filter((a) => a.question === 'clients').map((a) => `${a.scope}:${a.value}`), ['matrix:Element', 'matrix:FluffyChat']);
  });

  test('refuses an unknown selection and an unknown survey', async () => {
    await (await author()).get('/admin/exports/leaving-session.csv?replies=some').expect(400);
    await (await author()).get('/admin/exports/no-such-post.json').expect(404);
  });
});

describe('csvLine', () => {
  test('quotes separators, quotes and line breaks, and keeps formulas inert', () => {
    assert.equal(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\ronly']), 'plain,"a,b","say ""hi""","two\nlines","cr\ronly"\r\n');
    assert.equal(csvLine(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', 'a=b']), "'=1+1,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\",a=b\r\n");
  });
});
