import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { seedCatalog } from '../../../src/catalog/service.ts';
import { tallyVersionOf } from '../../../src/tally/version.ts';
import { signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { sendReply, storeReply } from '../../helpers/replies.ts';

const t = useTestApp();

const matrixClient = (value: string, key: string) => ({
  answers: [
    { questionId: 'messengers', value: 'matrix' },
    { questionId: 'clients', scope: 'matrix', value, nameKey: key },
  ],
});

/** How many replies name a known name: its row among the names in use, or 0 if it is among those no reply uses. */
function knownCount(html: string, name: string): number {
  const match = new RegExp(`<tr><td>${name}</td><td>Matrix client</td><td>(\\d+)</td>`).exec(html);
  if (match) return Number(match[1]);
  assert.match(
    /<details class="unused">[\s\S]*<dt>Matrix client<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1] ?? '',
    new RegExp(`(^|, )${name}(,|$)`),
    `${name} is listed`,
  );
  return 0;
}

describe('one name for each client and provider', () => {
  test('spellings that match an alias count for the canonical name', async () => {
    await storeReply(t.db, matrixClient('element desktop', 'elementdesktop'));
    await storeReply(t.db, matrixClient('ELEMENT', 'element'));
    const { agent } = await signedIn(t.app, t.db);
    const page = await agent.get('/admin/names').expect(200);
    assert.equal(knownCount(page.text, 'Element'), 2);
    assert.match(page.text, /Every typed name matches a known one/);
  });

  test('the author maps an unmatched spelling to Element, and the counts change for past and future replies', async () => {
    await storeReply(t.db, matrixClient('Element (desktop app)', 'elementdesktopapp'));
    await storeReply(t.db, matrixClient('element  desktop-app', 'elementdesktopapp'));
    const { agent, csrf } = await signedIn(t.app, t.db);
    const before = await agent.get('/admin/names').expect(200);
    assert.match(before.text, /<td>element {2}desktop-app<\/td>|<td>Element \(desktop app\)<\/td>/);
    assert.match(before.text, /<td>Matrix client<\/td>\s*<td>2<\/td>/);
    assert.equal(knownCount(before.text, 'Element'), 0);

    await agent
      .post('/admin/names/map')
      .type('form')
      .send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key: 'elementdesktopapp', name: 'element' })
      .expect(303);
    const after = await agent.get('/admin/names').expect(200);
    assert.equal(knownCount(after.text, 'Element'), 2);
    assert.match(after.text, /Every typed name matches a known one/);
    assert.equal(
      await t.db.catalogName.count({ where: { scope: 'matrix', kind: 'client', name: { equals: 'element', mode: 'insensitive' } } }),
      1,
      'no duplicate name',
    );

    await sendReply(t.app, [
      ['messengers', 'matrix'],
      ['clients.matrix', 'Element Desktop App'],
    ]);
    assert.equal(knownCount((await agent.get('/admin/names')).text, 'Element'), 3);
  });

  test('approved replies and those still waiting add up, before and after a mapping', async () => {
    await storeReply(t.db, { ...matrixClient('Element', 'element'), status: 'approved' });
    await storeReply(t.db, matrixClient('element', 'element'));
    await storeReply(t.db, { ...matrixClient('Elemnt', 'elemnt'), status: 'approved' });
    await storeReply(t.db, { ...matrixClient('elemnt', 'elemnt'), status: 'rejected' });
    await storeReply(t.db, { ...matrixClient('Elemnt', 'elemnt'), status: 'spam' });
    const { agent, csrf } = await signedIn(t.app, t.db);
    const before = await agent.get('/admin/names').expect(200);
    assert.equal(knownCount(before.text, 'Element'), 2);
    assert.match(before.text, /<td>Elemnt<\/td>\s*<td>Matrix client<\/td>\s*<td>2<\/td>/);

    await agent
      .post('/admin/names/map')
      .type('form')
      .send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key: 'elemnt', name: 'Element' })
      .expect(303);
    assert.equal(knownCount((await agent.get('/admin/names')).text, 'Element'), 4);
  });

  test('a new canonical name can be made from an unmatched spelling', async () => {
    await storeReply(t.db, matrixClient('Katzenpost Chat', 'katzenpostchat'));
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent
      .post('/admin/names/map')
      .type('form')
      .send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key: 'katzenpostchat', name: 'Katzenpost' })
      .expect(303);
    assert.equal(knownCount((await agent.get('/admin/names')).text, 'Katzenpost'), 1);
    const form = await request(t.app).get('/s/leaving-session');
    assert.match(form.text, /<datalist id="names-matrix-client">.*<option value="Katzenpost">/, 'readers now get it as a suggestion');
  });

  test('two spellings mapped to one new name at the same moment make one name', async () => {
    await storeReply(t.db, matrixClient('Katzen', 'katzen'));
    await storeReply(t.db, matrixClient('Katzen Post', 'katzenpost'));
    const { agent, csrf } = await signedIn(t.app, t.db);
    const map = (key: string) =>
      agent.post('/admin/names/map').type('form').send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key, name: 'Katzenpost' });
    const results = await Promise.all([map('katzen'), map('katzenpost')]);
    assert.deepEqual(
      results.map((r) => r.status),
      [303, 303],
    );
    assert.equal(knownCount((await agent.get('/admin/names')).text, 'Katzenpost'), 2);
    assert.equal(await t.db.catalogName.count({ where: { name: 'Katzenpost' } }), 1);
  });

  test('a survey file with a new alias changes the tally version at start; the same file again does not', async () => {
    await storeReply(t.db, { status: 'approved' });
    const before = await tallyVersionOf(t.db, 'leaving-session');
    assert.notEqual(before, 0n, 'a survey with an approved reply has a version');
    await seedCatalog(t.db, t.surveys.values());
    assert.equal(await tallyVersionOf(t.db, 'leaving-session'), before, 'nothing new: other instances keep their tally');
    const survey = t.surveys.get('leaving-session')!;
    const extended = {
      ...survey,
      catalog: { ...survey.catalog, matrix: { ...survey.catalog.matrix, client: [{ name: 'Element', aliases: ['elementdesktopapp'] }] } },
    };
    await seedCatalog(t.db, [extended]);
    assert.notEqual(await tallyVersionOf(t.db, 'leaving-session'), before);
  });

  test('spam does not count, and a blank name or a scope with control characters is refused', async () => {
    await storeReply(t.db, { ...matrixClient('SpamClient', 'spamclient'), status: 'spam' });
    const { agent, csrf } = await signedIn(t.app, t.db);
    assert.match((await agent.get('/admin/names')).text, /Every typed name matches a known one/);
    await agent
      .post('/admin/names/map')
      .type('form')
      .send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key: 'x', name: '  ' })
      .expect(400);
    await agent
      .post('/admin/names/map')
      .type('form')
      .send({ _csrf: csrf, catalog: 'leaving-session', scope: 'ma\u0000trix', kind: 'client', key: 'x', name: 'X' })
      .expect(400);
  });
});
