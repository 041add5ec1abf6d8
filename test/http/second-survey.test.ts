// A second post with other questions needs only a survey file: these surveys live in
// test/fixtures/surveys and no code knows about them.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import request from 'supertest';
import { fixturesDir, useTestApp } from '../helpers/app.ts';
import { postForm, tokenOf } from '../helpers/forms.ts';

const t = useTestApp(path.join(fixturesDir, 'surveys'));

describe('a second survey file', () => {
  test('is listed, and its form asks its own questions with its own suggestions', async () => {
    const list = await request(t.app).get('/').expect(200);
    assert.match(list.text, /Which editor writes your capsule\?/);
    assert.doesNotMatch(list.text, /An older question/, 'closed surveys are not listed');
    const form = await request(t.app).get('/s/text-editors').expect(200);
    assert.match(form.text, /Which editor do you write gemtext in\?/);
    assert.match(form.text, /If you use Emacs/);
    assert.match(form.text, /<datalist id="names-emacs-plugin"><option value="elpher">/);
    assert.match(form.text, /type="radio"[^>]*name="editor"/, 'a single choice is a radio group');
  });

  test('stores a reply to it', async () => {
    const token = tokenOf((await request(t.app).get('/s/text-editors')).text);
    await postForm(t.app, '/s/text-editors/replies', [
      ['token', token],
      ['editor', 'emacs'],
      ['plugins.emacs', 'elpher'],
      ['tip', 'Write offline.'],
    ]).expect(303);
    const reply = await t.db.reply.findFirstOrThrow({ include: { answers: true } });
    assert.equal(reply.surveySlug, 'text-editors');
    assert.deepEqual(reply.answers.map((a) => `${a.questionId}.${a.scope}=${a.value}`).sort(), [
      'editor.=emacs',
      'plugins.emacs=elpher',
      'tip.=Write offline.',
    ]);
  });

  test('refuses two answers to a single-choice question', async () => {
    const token = tokenOf((await request(t.app).get('/s/text-editors')).text);
    const res = await postForm(t.app, '/s/text-editors/replies', [['token', token], ['editor', 'vim'], ['editor', 'emacs']]).expect(400);
    assert.match(res.text, /Please pick only one/);
  });

  test('a closed survey answers 410 and takes no reply', async () => {
    await request(t.app).get('/s/closed-post').expect(410);
    await postForm(t.app, '/s/closed-post/replies', [['answer', 'late']]).expect(410);
    assert.equal(await t.db.reply.count(), 0);
  });
});
