// The names page shows first the names readers use, most used first, and folds away the known
// names nobody has named yet; a spelling the author mapped can be unmapped, after which what
// readers typed is unmatched again.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signedIn, type Agent } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp();

const matrixClient = (value: string, key: string) => ({
  answers: [
    { questionId: 'messengers', value: 'matrix' },
    { questionId: 'clients', scope: 'matrix', value, nameKey: key },
  ],
});
const section = (html: string, from: string, to: string) => html.slice(html.indexOf(from), to ? html.indexOf(to, html.indexOf(from)) : undefined);
const inUseNames = (html: string) => [...section(html, '<h2>Known names in use', '</table>').matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]);
const unmatched = (html: string) =>
  [...section(html, '<h2>Typed names that match', '<h2>Known names in use').matchAll(/<tr>\s*<td>([^<]+)<\/td>/g)].map((m) => m[1]);

async function map(agent: Agent, csrf: string, key: string, name: string) {
  await agent.post('/admin/names/map').type('form').send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key, name }).expect(303);
}

describe('the names page', () => {
  test('shows the names in use, most used first; the others are folded away with their count', async () => {
    await storeReply(t.db, matrixClient('Nheko', 'nheko'));
    await storeReply(t.db, matrixClient('element', 'element'));
    await storeReply(t.db, matrixClient('Element', 'element'));
    const { agent } = await signedIn(t.app, t.db);
    const page = (await agent.get('/admin/names').expect(200)).text;
    assert.deepEqual(inUseNames(page), ['Element', 'Nheko']);
    const known = await t.db.catalogName.count();
    const folded = section(page, '<details class="unused">', '</details>');
    assert.match(folded, new RegExp(`<summary>${known - 2} known names no reply uses yet</summary>`));
    assert.match(folded, /<dt>Matrix client<\/dt><dd>[^<]*FluffyChat/);
    assert.doesNotMatch(folded, /Nheko/);
  });

  test('a mapping the author made can be undone; the spelling is unmatched again, and the tally moves', async () => {
    await storeReply(t.db, { ...matrixClient('Elemnt Nightly', 'elemntnightly'), status: 'approved' });
    const { agent, csrf } = await signedIn(t.app, t.db);
    await map(agent, csrf, 'elemntnightly', 'Element Nightly');
    const mapped = (await agent.get('/admin/names').expect(200)).text;
    assert.deepEqual(unmatched(mapped), []);
    assert.deepEqual(inUseNames(mapped), ['Element Nightly']);
    assert.match(mapped, /<span class="mapped">elemntnightly \(yours\)<\/span> <button type="submit" class="link">Undo/);
    const tally = (await agent.get('/s/leaving-session/tally')).text;
    assert.match(tally, /Element Nightly/);

    const undone = await agent
      .post('/admin/names/unmap')
      .type('form')
      .send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key: 'elemntnightly' })
      .expect(303);
    const page = (await agent.get(undone.headers.location!).expect(200)).text;
    assert.match(page, /“elemntnightly” no longer counts as Element Nightly; the replies that typed it are among the unmatched names again\./);
    assert.deepEqual(unmatched(page), ['Elemnt Nightly']);
    const answer = await t.db.answer.findFirstOrThrow({ where: { questionId: 'clients' } });
    assert.equal(answer.value, 'Elemnt Nightly', 'what the reader typed stays');
    assert.match((await agent.get('/s/leaving-session/tally')).text, /Elemnt Nightly/);
  });

  test('a new name matches its own spelling too, so a reader who picks the suggestion is counted under it', async () => {
    await storeReply(t.db, matrixClient('Katzen Chat', 'katzenchat'));
    await storeReply(t.db, matrixClient('Katzenpost', 'katzenpost'));
    const { agent, csrf } = await signedIn(t.app, t.db);
    await map(agent, csrf, 'katzenchat', 'Katzenpost');
    const page = (await agent.get('/admin/names').expect(200)).text;
    assert.deepEqual(unmatched(page), []);
    assert.match(page, /<tr><td>Katzenpost<\/td><td>Matrix client<\/td><td>2<\/td>/);
  });

  test('a survey file’s spelling cannot be unmapped', async () => {
    await storeReply(t.db, matrixClient('element', 'element'));
    const { agent, csrf } = await signedIn(t.app, t.db);
    const res = await agent
      .post('/admin/names/unmap')
      .type('form')
      .send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key: 'element' })
      .expect(303);
    assert.match((await agent.get(res.headers.location!).expect(200)).text, /“element” was not a mapping of yours \(any more\): nothing changed\./);
    assert.ok(
      await t.db.catalogAlias.findUnique({
        where: { catalog_scope_kind_key: { catalog: 'leaving-session', scope: 'matrix', kind: 'client', key: 'element' } },
      }),
    );
  });
});
