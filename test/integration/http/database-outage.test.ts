// The database goes away (a restart, a failover) and comes back: readers see the form, get
// their typed text back with a 503 that says nothing was stored, and the app recovers by itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Express } from 'express';
import request from 'supertest';
import { openDb, type Db } from '../../../src/db/client.ts';
import { useTestApp } from '../../helpers/app.ts';
import { cuttableProxy, type CuttableProxy } from '../../helpers/cuttable-proxy.ts';
import { openForm, postForm, secretIn, tokenOf } from '../../helpers/replies.ts';

const t = useTestApp();
let proxy: CuttableProxy;
let proxied: Db;
let app: Express;
/** Called when the pool reports a dropped connection. */
let onLost = () => {};

const reply = (token: string): [string, string][] => [
  ['token', token],
  ['messengers', 'matrix'],
  ['why', 'Typed during the outage: federation.'],
];

describe('when the database goes away', () => {
  before(async () => {
    proxy = await cuttableProxy(t.database.url);
    proxied = openDb(proxy.url, { onConnectionLost: () => onLost() });
    app = await t.makeApp({ db: proxied });
  });
  after(async () => {
    await proxied.$disconnect();
    await proxy.close();
  });

  test('the form still renders, with the name suggestions seen before', async () => {
    await request(app).get('/s/leaving-session').expect(200);
    proxy.cut();
    try {
      const res = await request(app).get('/s/leaving-session').expect(200);
      assert.match(/<datalist id="names-matrix-client">(.*?)<\/datalist>/.exec(res.text)?.[1] ?? '', /<option value="Element">/);
    } finally {
      proxy.mend();
    }
  });

  test('a sent reply gets a 503 with Retry-After, the form again with what was typed, and nothing is stored', async () => {
    const token = await openForm(app);
    proxy.cut();
    try {
      const res = await postForm(app, '/s/leaving-session/replies', reply(token)).expect(503);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.match(res.text, /nothing was stored yet/);
      assert.match(res.text, /Typed during the outage: federation\./);
      assert.ok(res.text.includes('value="matrix" checked'));
      assert.equal(tokenOf(res.text), token, 'sending again stores the same reply');
    } finally {
      proxy.mend();
    }
    assert.equal(await t.db.reply.count(), 0);
    // Back again, the same form stores the reply once, with no restart.
    const sent = await postForm(app, '/s/leaving-session/replies', reply(token)).expect(303);
    assert.equal(sent.headers.location, `/r/${secretIn(token)}?thanks`);
    assert.equal(await t.db.reply.count(), 1);
  });

  test('other pages answer a plain 503, and /readyz tells a proxy while /healthz says the process lives', async () => {
    await request(app).get('/readyz').expect(200);
    proxy.cut();
    try {
      const tally = await request(app).get('/s/leaving-session/tally').expect(503);
      assert.match(tally.text, /cannot reach its database/);
      assert.ok(Number(tally.headers['retry-after']) > 0);
      await request(app).get('/readyz').expect(503);
      await request(app).get('/healthz').expect(200);
    } finally {
      proxy.mend();
    }
    await request(app).get('/readyz').expect(200);
    await request(app).get('/s/leaving-session/tally').expect(200);
  });

  // Waits for the report instead of sleeping: the timeout only ends a test that would hang.
  test('connections dropped while idle are reported, not fatal', { timeout: 30_000 }, async () => {
    await request(app).get('/s/leaving-session/tally').expect(200);
    const reported = new Promise<void>((resolve) => {
      onLost = resolve;
    });
    proxy.cut();
    proxy.mend();
    await reported;
    await request(app).get('/s/leaving-session/tally').expect(200);
  });
});
