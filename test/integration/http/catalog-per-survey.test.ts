// Each survey counts typed names with a catalog of its own: a mapping the author makes for one
// survey changes neither another survey's tally nor its names page, unless that survey's file
// shares the catalog on purpose (test/fixtures/catalogs, beside the shipped Leaving Session).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import request from 'supertest';
import { seedCatalog } from '../../../src/catalog/service.ts';
import { tallyVersionOf } from '../../../src/tally/version.ts';
import { signedIn } from '../../helpers/admin.ts';
import { fixturesDir, projectDir, useTestApp } from '../../helpers/app.ts';
import { visibleText } from '../../helpers/pages.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp([path.join(projectDir, 'surveys'), path.join(fixturesDir, 'catalogs')]);

/** An approved reply to `survey` naming one Matrix client, typed as `value`. */
const namingClient = (survey: string, value: string, nameKey: string) =>
  storeReply(t.db, {
    survey,
    status: 'approved',
    answers: [
      { questionId: 'messengers', value: 'matrix' },
      { questionId: 'clients', scope: 'matrix', value, nameKey },
    ],
  });

const tally = async (slug: string) => visibleText((await request(t.app).get(`/s/${slug}/tally`).expect(200)).text);

describe('a catalog of names per survey', () => {
  test('a spelling mapped for one survey counts as the name there and where the catalog is shared, not in another survey with the same option', async () => {
    for (const survey of ['matrix-poll', 'matrix-poll-follow-up', 'leaving-session']) await namingClient(survey, 'Elemnt Nightly', 'elemntnightly');
    const otherVersion = await tallyVersionOf(t.db, 'leaving-session');
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent
      .post('/admin/names/map')
      .type('form')
      .send({ _csrf: csrf, catalog: 'matrix-poll', scope: 'matrix', kind: 'client', key: 'elemntnightly', name: 'Element Nightly' })
      .expect(303);

    for (const slug of ['matrix-poll', 'matrix-poll-follow-up']) {
      const text = await tally(slug);
      assert.match(text, /Element Nightly/, slug);
      assert.doesNotMatch(text, /Elemnt Nightly/, slug);
    }
    const other = await tally('leaving-session');
    assert.match(other, /Elemnt Nightly/);
    assert.doesNotMatch(other, /Element Nightly/);
    assert.equal(await tallyVersionOf(t.db, 'leaving-session'), otherVersion, 'the other survey is not recounted');

    const names = visibleText((await agent.get('/admin/names').expect(200)).text);
    assert.match(names, /Elemnt Nightly Leaving Session: Matrix client 1/, 'still unmatched for the survey with its own catalog, which the row names');
    assert.match(names, /Element Nightly A Matrix poll and A Matrix poll, a year on: Matrix client 2/);
  });

  test('each form suggests the names of its own catalog, or of the one it shares', async () => {
    const own = (await request(t.app).get('/s/matrix-poll').expect(200)).text;
    assert.match(own, /<option value="Fixture Client">/);
    assert.doesNotMatch(own, /<option value="Element">/);
    const shared = (await request(t.app).get('/s/matrix-poll-follow-up').expect(200)).text;
    assert.match(shared, /<option value="Fixture Client">/);
    const other = (await request(t.app).get('/s/leaving-session').expect(200)).text;
    assert.match(other, /<option value="Element">/);
    assert.doesNotMatch(other, /<option value="Fixture Client">/);
  });

  test('names from before catalogs were per survey are taken over by every survey, with the author’s mappings', async () => {
    const old = await t.db.catalogName.create({ data: { catalog: '', scope: 'matrix', kind: 'client', name: 'Old Client' } });
    const mappedAt = new Date('2026-06-01T00:00:00Z');
    await t.db.catalogAlias.create({ data: { catalog: '', scope: 'matrix', kind: 'client', key: 'oldclnt', nameId: old.id, mappedAt } });
    await seedCatalog(t.db, t.surveys.values());

    assert.equal(await t.db.catalogName.count({ where: { catalog: '' } }), 0, 'the shared rows are gone');
    for (const catalog of ['leaving-session', 'matrix-poll']) {
      const alias = await t.db.catalogAlias.findUniqueOrThrow({
        where: { catalog_scope_kind_key: { catalog, scope: 'matrix', kind: 'client', key: 'oldclnt' } },
        include: { name: true },
      });
      assert.equal(alias.name.name, 'Old Client', catalog);
      assert.deepEqual(alias.mappedAt, mappedAt, `${catalog}: still the author's mapping, which they may undo`);
    }
    assert.equal(await t.db.catalogName.count({ where: { catalog: 'matrix-poll-follow-up' } }), 0, 'a survey that shares a catalog has none of its own');
  });
});
