// Each survey page says who asks (the survey file's `author`) and links back to the post: its
// gemini:// address and its copy on the web. On the web and over Gemini.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { linksOf, useGemini } from '../gemini/client.ts';

const t = useTestApp();
const gemini = useGemini(t);

const post = 'gemini://capsule.example.net/gemlog/2026-05-01-leaving-session.gmi';
const mirror = 'https://capsule.example.net/gemlog/2026-05-01-leaving-session.html';

function assertSaysWhoAsks(html: string): void {
  assert.match(html, /Questions from the capsule&#39;s author, in the post of <span class="nowrap">1 May 2026<\/span>/);
  assert.match(html, new RegExp(`Read the post in Gemini: <a href="${post}">${post}</a>, or <a href="${mirror}">on the web</a>\\.`));
}

describe('who asks', () => {
  test('the form, the tally and the closed form say who asks and link to the post', async () => {
    assertSaysWhoAsks((await request(t.app).get('/s/leaving-session').expect(200)).text);
    assertSaysWhoAsks((await request(t.app).get('/s/leaving-session/tally').expect(200)).text);
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent.post('/admin/surveys/leaving-session/state').type('form').send({ _csrf: csrf, open: 'no' }).expect(303);
    assertSaysWhoAsks((await request(t.app).get('/s/leaving-session').expect(410)).text);
  });

  test('so does the survey’s page over Gemini', async () => {
    const page = await gemini.get('/s/leaving-session');
    assert.match(page.body, /^ Questions from the capsule's author, in the post of 2026-05-01\.$/m);
    const links = linksOf(page.body);
    assert.deepEqual(links.slice(0, 2), [
      [post, 'The post'],
      [mirror, 'The post on the web'],
    ]);
  });
});
