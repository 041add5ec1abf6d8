// A second post with other questions needs only a survey file: these surveys live in
// test/fixtures/surveys and no code knows about them.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import request from 'supertest';
import { fixturesDir, useTestApp } from '../../helpers/app.ts';
import { visibleText } from '../../helpers/pages.ts';
import { openForm, postForm, publishReply, sendReply } from '../../helpers/replies.ts';

const t = useTestApp(path.join(fixturesDir, 'surveys'));

describe('a second survey file', () => {
  test('is listed, and its form asks its own questions with its own suggestions', async () => {
    const list = await request(t.app).get('/').expect(200);
    assert.match(list.text, /Which editor writes your capsule\?/);
    assert.doesNotMatch(list.text, /href="\/s\/closed-post"/, 'a closed survey’s form is not offered');
    assert.match(list.text, /<a href="\/s\/closed-post\/tally">An older question<\/a>/, 'its tally is');
    const form = await request(t.app).get('/s/text-editors').expect(200);
    assert.match(form.text, /Which editor do you write gemtext in\?/);
    assert.match(form.text, /If you use Emacs/);
    assert.match(form.text, /<datalist id="names-emacs-plugin"><option value="elpher">/);
    assert.match(form.text, /type="radio"[^>]*name="editor"/, 'a single choice is a radio group');
  });

  test('stores a reply to it', async () => {
    await sendReply(
      t.app,
      [
        ['editor', 'emacs'],
        ['plugins.emacs', 'elpher'],
        ['tip', 'Write offline.'],
      ],
      'text-editors',
    );
    const reply = await t.db.reply.findFirstOrThrow({ include: { answers: true } });
    assert.equal(reply.surveySlug, 'text-editors');
    assert.deepEqual(reply.answers.map((a) => `${a.questionId}.${a.scope}=${a.value}`).sort(), [
      'editor.=emacs',
      'plugins.emacs=elpher',
      'tip.=Write offline.',
    ]);
  });

  test('refuses two answers to a single-choice question', async () => {
    const token = await openForm(t.app, 'text-editors');
    const res = await postForm(t.app, '/s/text-editors/replies', [
      ['token', token],
      ['editor', 'vim'],
      ['editor', 'emacs'],
    ]).expect(400);
    assert.match(res.text, /Please pick only one/);
    assert.equal(await t.db.reply.count(), 0);
  });

  test('a closed survey answers 410, says so on its form page with a link to its tally, and takes no reply', async () => {
    const page = await request(t.app).get('/s/closed-post').expect(410);
    assert.match(page.text, /This survey is closed: it takes no more replies\./);
    assert.match(page.text, /href="\/s\/closed-post\/tally"/);
    const sent = await postForm(t.app, '/s/closed-post/replies', [['answer', 'late']]).expect(410);
    assert.match(sent.text, /so what you just sent was not stored/);
    assert.equal(await t.db.reply.count(), 0);
  });
});

describe('the tally of a second survey file', () => {
  test('follows its own questions with no code for them', async () => {
    const pairs: [string, string][][] = [
      [
        ['editor', 'emacs'],
        ['plugins.emacs', 'elpher'],
        ['plugins.emacs', 'gemini-mode'],
        ['tip', 'Write offline.'],
        ['consent_quote', 'yes'],
        ['display_name', 'Dee'],
      ],
      [
        ['editor', 'emacs'],
        ['plugins.emacs', 'Elpher'],
      ],
      [
        ['editor', 'vim'],
        ['tip', 'Keep it short.'],
      ],
      [['editor.other', 'hx']],
    ];
    for (const reply of pairs) await publishReply(t.db, t.surveys, reply, { survey: 'text-editors' });
    const res = await request(t.app).get('/s/text-editors/tally').expect(200);
    const text = visibleText(res.text);
    assert.match(text, /4 replies counted/);
    assert.match(text, /Vim 1 25% .*Emacs 2 50% .*Helix 1 25%/);
    assert.doesNotMatch(text, /chose more than one/, 'a single choice has no combinations');
    assert.match(text, /Emacs 2 readers \(50% of all readers\) chose Emacs\. .*elpher 2 100% .*gemini-mode 1 50%/);
    assert.match(text, /One tip for other writers Write offline\. — Dee/);
    assert.doesNotMatch(text, /Keep it short/);
  });

  test('of a closed survey stays readable, without an invitation to reply', async () => {
    await publishReply(t.db, t.surveys, [['answer', 'Late but here.']], { survey: 'closed-post' });
    const text = visibleText((await request(t.app).get('/s/closed-post/tally').expect(200)).text);
    assert.match(text, /1 reply counted/);
    assert.doesNotMatch(text, /Add your reply/);
    assert.doesNotMatch(text, /Late but here/, 'text that is not quotable is never shown');
  });
});
