import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Express } from 'express';
import request from 'supertest';
import { setStatus } from '../../../src/moderation/actions.ts';
import { tallyVersionOf } from '../../../src/tally/version.ts';
import { useTestApp } from '../../helpers/app.ts';
import { visibleText } from '../../helpers/pages.ts';
import { publishReply, sendReply, storeReplies } from '../../helpers/replies.ts';

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
    await publish(
      [
        ['messengers', 'matrix'],
        ['messengers', 'xmpp'],
      ],
      { approvedAt: new Date('2026-05-03T10:00:00Z') },
    );
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
    await publish([
      ['messengers', 'matrix'],
      ['messengers', 'xmpp'],
    ]);
    await publish([
      ['messengers', 'xmpp'],
      ['messengers', 'matrix'],
    ]);
    await publish([
      ['messengers', 'matrix'],
      ['messengers', 'deltachat'],
      ['messengers.other', 'signal messenger'],
    ]);
    await publish([['messengers', 'matrix']]);
    const text = await tallyText();
    assert.match(text, /Signal 1 25%/, 'a typed messenger is counted under its canonical name');
    assert.match(text, /3 of 4 readers \(75%\) chose more than one/);
    assert.match(text, /The most common combinations: Matrix \+ XMPP: 2 readers /);
    assert.match(text, /Matrix \+ Delta Chat \+ Signal: 1/, "listed options in the survey's order, then typed names");
  });

  test('calls a single combination the one chosen, not the most common', async () => {
    for (let i = 0; i < 2; i++) {
      await publish([
        ['messengers', 'matrix'],
        ['messengers', 'xmpp'],
      ]);
    }
    const text = await tallyText();
    assert.match(text, /The combination they chose: Matrix \+ XMPP: 2 readers/);
    assert.doesNotMatch(text, /most common combinations/);
  });

  test('counts typed names under their canonical name, and groups unknown spellings', async () => {
    await publish([
      ['messengers', 'matrix'],
      ['clients.matrix', 'element desktop'],
      ['clients.matrix', 'Mystery Client'],
    ]);
    await publish([
      ['messengers', 'matrix'],
      ['clients.matrix', 'Riot'],
      ['clients.matrix', 'mystery-client'],
    ]);
    await publish([
      ['messengers', 'matrix'],
      ['clients.matrix', 'Element'],
      ['clients.matrix', 'Mystery Client'],
    ]);
    await publish([
      ['messengers', 'xmpp'],
      ['clients.xmpp', 'Element'],
    ]);
    const text = await tallyText();
    assert.match(text, /Matrix 3 readers \(75% of all readers\) chose Matrix\./);
    assert.match(text, /Which client programs or apps do you use\? 3 of 3 readers who chose Matrix answered\. .*Element 3 100% Mystery Client 3 100%/);
    assert.doesNotMatch(text, /mystery-client|element desktop|Riot/);
    assert.match(text, /XMPP 1 reader \(25% of all readers\) chose XMPP\. .* Element 1 100%/, 'names are matched within their own messenger');
  });

  test('shows hosting, providers and servers per messenger', async () => {
    await publish([
      ['messengers', 'matrix'],
      ['hosting.matrix', 'self-host'],
      ['server.matrix', 'matrix-synapse'],
    ]);
    await publish([
      ['messengers', 'matrix'],
      ['hosting.matrix', 'provider'],
      ['provider.matrix', 'matrix.org'],
    ]);
    await publish([
      ['messengers', 'matrix'],
      ['messengers', 'xmpp'],
      ['hosting.matrix', 'provider'],
      ['provider.matrix', 'Matrix.org'],
      ['hosting.xmpp', 'provider'],
      ['provider.xmpp', 'yax.im'],
    ]);
    const text = await tallyText();
    assert.match(
      text,
      /Do you use an account provider or self-host\? 3 of 3 readers who chose Matrix answered\. .*An account provider 2 67% .*I self-host 1 33%/,
    );
    assert.match(text, /Which provider or server do you recommend\? 2 of 3 readers who chose Matrix answered\. .*matrix\.org 2 67%/);
    assert.match(text, /If you self-host: which server software\? 1 of 3 readers who chose Matrix answered\. .*Synapse 1 33%/);
    assert.match(text, /XMPP 1 reader \(33% of all readers\) chose XMPP\. .*An account provider 1 100% .*yax\.im 1 100%/);
    assert.doesNotMatch(text, /chose Delta Chat\./, 'a messenger nobody chose has no section');
  });

  test('quotes only readers who consented, with their name or "anonymous", and never shows contact addresses', async () => {
    await publish([
      ['messengers', 'matrix'],
      ['why', 'Federation matters.'],
      ['display_name', 'Ada'],
      ['contact', 'ada@example.org'],
      ['consent_quote', 'yes'],
    ]);
    await publish([
      ['messengers', 'xmpp'],
      ['why', 'It is light.\nAnd old.'],
      ['contact', 'xmpp:bob@example.org'],
      ['consent_quote', 'yes'],
    ]);
    await publish([
      ['messengers', 'xmpp'],
      ['why', 'Do not quote me.'],
      ['display_name', 'Carol'],
      ['contact', 'carol@example.org'],
    ]);
    await publish(
      [
        ['messengers', 'xmpp'],
        ['why', 'Still pending.'],
        ['consent_quote', 'yes'],
      ],
      { status: 'pending' },
    );
    const res = await request(app).get('/s/leaving-session/tally').expect(200);
    const text = visibleText(res.text);
    assert.match(text, /Why do you use them\? Federation matters\. — Ada It is light\. And old\. — anonymous/);
    assert.doesNotMatch(text, /Do not quote me|Carol|Still pending/);
    assert.doesNotMatch(res.text, /example\.org/);
    assert.doesNotMatch(text, /how do they compare/, 'a question nobody answered has no section');
  });

  test('cuts long lists of names and quotes, saying how many more there are', async () => {
    await storeReplies(
      t.db,
      Array.from({ length: 101 }, (_, i) => ({
        status: 'approved' as const,
        consentQuote: true,
        answers: [
          { questionId: 'messengers', value: 'matrix' },
          { questionId: 'why', value: `Because many-${i}` },
          { questionId: 'clients', scope: 'matrix', value: `Client many-${i}`, nameKey: `clientmany${i}` },
        ],
      })),
    );
    const text = await tallyText();
    assert.match(text, /101 replies counted/);
    assert.equal((text.match(/Client many-\d+ 1 1%/g) ?? []).length, 30);
    assert.match(text, /71 more names were given, each by fewer readers\./);
    assert.equal((text.match(/Because many-\d+ — anonymous/g) ?? []).length, 100);
    assert.match(text, /And 1 more quote not shown here\./);
  });

  test('escapes what readers typed', async () => {
    await publish([
      ['messengers', 'matrix'],
      ['why', '<script>alert(1)</script>'],
      ['clients.matrix', '<b>bold</b>'],
      ['consent_quote', 'yes'],
    ]);
    const res = await request(app).get('/s/leaving-session/tally').expect(200);
    assert.doesNotMatch(res.text, /<script|<b>/);
    assert.match(res.text, /&lt;script&gt;/);
  });

  test('draws bars on the server, without scripts or inline styles', async () => {
    await publish([['messengers', 'matrix']]);
    await publish([
      ['messengers', 'matrix'],
      ['messengers', 'xmpp'],
    ]);
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
    await publish(
      [
        ['messengers', 'matrix'],
        ['messengers', 'xmpp'],
        ['why', 'Federation.'],
        ['consent_quote', 'yes'],
      ],
      { approvedAt: new Date('2026-05-09T10:00:00Z') },
    );
    await publish([['messengers', 'matrix']], { approvedAt: new Date('2026-05-08T10:00:00Z') });
    const res = await request(app).get('/s/leaving-session/tally.gmi').expect(200);
    assert.equal(res.headers['content-type'], 'text/gemini; charset=utf-8');
    assert.ok(res.text.startsWith('# Leaving Session: what readers answered\n\n 2 replies counted; the last was approved on 2026-05-09.\n'));
    assert.match(res.text, /^\* Matrix: 2 of 2 readers \(100%\)$/m);
    assert.match(res.text, /^\* XMPP: 1 of 2 readers \(50%\)$/m);
    assert.match(res.text, /^ 1 {2}50% #{10}\.{10} XMPP$/m);
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
    const secret = await sendReply(app, [['messengers', 'matrix']]);
    const thanks = await request(app).get(`/r/${secret}?thanks`).expect(200);
    assert.match(thanks.text, /<a href="\/s\/leaving-session\/tally">/);
  });
});

describe('the cached tally', () => {
  test('changes as soon as the author approves or rejects a reply, on every instance sharing the database', async () => {
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
