// A closed survey over Gemini: its page and tally stay, answering is gone (52). Gemini asks the
// same registry as the web, which reads the state the author sets in the admin.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { signedIn } from '../../helpers/admin.ts';
import { fixturesDir, useTestApp } from '../../helpers/app.ts';
import { linksOf, useGemini } from './client.ts';

const t = useTestApp(path.join(fixturesDir, 'surveys'));
const gemini = useGemini(t);

describe('a closed survey over Gemini', () => {
  test('is not listed, shows its page and tally, and takes no answer', async () => {
    const home = linksOf((await gemini.get('/')).body).map(([url]) => url);
    assert.ok(!home.includes('/s/closed-post'));
    assert.ok(home.includes('/s/closed-post/tally.gmi'), 'its tally is listed');
    const page = await gemini.get('/s/closed-post');
    assert.match(page.body, /This survey is closed and takes no more replies\./);
    assert.deepEqual(
      linksOf(page.body).map(([url]) => url),
      ['/s/closed-post/tally.gmi'],
    );
    assert.equal((await gemini.get('/s/closed-post/tally.gmi')).status, 20);
    assert.equal((await gemini.get('/a/new/closed-post/q/answer')).status, 52);
    assert.equal((await gemini.get('/a/new/closed-post/q/answer/answer', 'late')).status, 52);
    assert.equal(await t.db.geminiDraft.count(), 0);
  });

  test('closed and reopened from the admin, at once and with no restart', async () => {
    assert.equal((await gemini.get('/a/new/text-editors/q/editor')).status, 20);
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent.post('/admin/surveys/text-editors/state').type('form').send({ _csrf: csrf, open: 'no' }).expect(303);
    assert.equal((await gemini.get('/a/new/text-editors/q/editor')).status, 52);
    assert.match((await gemini.get('/s/text-editors')).body, /This survey is closed/);
    assert.ok(!linksOf((await gemini.get('/')).body).some(([url]) => url === '/s/text-editors'));

    await agent.post('/admin/surveys/closed-post/state').type('form').send({ _csrf: csrf, open: 'yes' }).expect(303);
    assert.equal((await gemini.get('/a/new/closed-post/q/answer')).status, 20);
    assert.ok(linksOf((await gemini.get('/')).body).some(([url]) => url === '/s/closed-post'));
  });
});
