// Every /admin route is closed to anyone without the author's session: the test walks the
// app's own router, so a route added later, wherever it is mounted, is checked without anyone
// remembering to.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createAuthor, signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';

const t = useTestApp();

/** The routes sign-in needs before there is a session. */
const open = new Set(['get /sign-in', 'post /sign-in']);

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route of a router, with the paths of the routers it is mounted in before it. */
function walk(stack: Layer[], prefix = ''): { method: string; path: string }[] {
  return stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).map((method) => ({ method, path: prefix + layer.route!.path }));
    const mount = layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : '';
    return layer.handle?.stack ? walk(layer.handle.stack, prefix + mount) : [];
  });
}

function adminRouteList() {
  const routes = walk((t.app as unknown as { router: { stack: Layer[] } }).router.stack);
  return routes.filter((r) => r.path.startsWith('/admin/')).map((r) => ({ ...r, path: r.path.slice('/admin'.length) }));
}

const concrete = (path: string) => path.replace(':answerId', '1').replace(/:\w+/g, randomUUID());

describe('the admin routes', () => {
  /** Asks every guarded route with `cookie` (or none); returns those that were not refused. */
  async function notRefused(cookie?: string, csrf = 'x'): Promise<string[]> {
    const routes = adminRouteList().filter((r) => !open.has(`${r.method} ${r.path}`));
    assert.ok(routes.length >= 9, `the walk found only ${routes.length} routes`);
    const answered: string[] = [];
    for (const { method, path } of routes) {
      const req = request(t.app)[method as 'get' | 'post'](`/admin${concrete(path)}`);
      if (cookie) req.set('Cookie', cookie);
      const res = await req.type('form').send(`_csrf=${csrf}&action=approved&ids=x`);
      const refused = method === 'get' ? res.status === 303 && res.headers.location?.startsWith('/admin/sign-in?next=') : res.status === 403;
      if (!refused) answered.push(`${method.toUpperCase()} /admin${path} answered ${res.status}`);
    }
    return answered;
  }

  test('all refuse a request without a session', async () => {
    await createAuthor(t.db);
    assert.deepEqual(await notRefused(), []);
  });

  test('all refuse a forged session cookie', async () => {
    await createAuthor(t.db);
    assert.deepEqual(await notRefused('postbag_admin=s%3Aforged.signature'), []);
  });

  test('all refuse the cookie of a session that expired in the session store', async () => {
    const { agent, csrf } = await signedIn(t.app, t.db);
    const cookie = agent.jar.getCookie('postbag_admin', { domain: '127.0.0.1', path: '/admin', secure: false, script: false });
    assert.ok(cookie, 'signed in');
    await agent.get('/admin/replies').expect(200);
    await t.db.adminSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    assert.deepEqual(await notRefused(`postbag_admin=${cookie.value}`, csrf), []);
  });

  test('with no account yet, every admin page explains how to set the password and shows nothing else', async () => {
    const pages = adminRouteList().filter((r) => r.method === 'get');
    assert.ok(pages.length >= 8, `the walk found only ${pages.length} pages`);
    for (const { path } of pages) {
      const res = await request(t.app)
        .get(`/admin${concrete(path)}`)
        .expect(503);
      assert.match(res.text, /npm run postbag -- set-password/);
      assert.doesNotMatch(res.text, /<form|<nav|Pending/, path);
    }
    await request(t.app).post('/admin/sign-in').type('form').send({ password: '' }).expect(503);
  });

  test('all refuse a state change without the CSRF token, or with a wrong one', async () => {
    const { agent, csrf } = await signedIn(t.app, t.db);
    const posts = adminRouteList().filter((r) => r.method === 'post' && !open.has(`post ${r.path}`));
    for (const { path } of posts) {
      await agent
        .post(`/admin${concrete(path)}`)
        .type('form')
        .send({ action: 'approved' })
        .expect(403);
      await agent
        .post(`/admin${concrete(path)}`)
        .type('form')
        .send({ _csrf: `${csrf}x`, action: 'approved' })
        .expect(403);
    }
    await agent.get('/admin/replies').expect(200); // still signed in: sign-out, too, needs the token
  });
});
