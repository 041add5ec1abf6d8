// A closed survey over Gemini: its page and tally stay, answering is gone (52).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fixturesDir, useTestApp } from '../../helpers/app.ts';
import { linksOf, useGemini } from './client.ts';

const t = useTestApp(path.join(fixturesDir, 'surveys'));
const gemini = useGemini(t);

describe('a closed survey over Gemini', () => {
  test('is not listed, shows its page and tally, and takes no answer', async () => {
    assert.ok(!linksOf((await gemini.get('/')).body).some(([url]) => url === '/s/closed-post'));
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
});
