import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { setAuthorPassword } from '../../../src/admin/password.ts';
import { defaultThrottlePolicy } from '../../../src/admin/throttle.ts';
import { createAuthor, PASSWORD, signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';

const t = useTestApp();

const sessionCookie = (res: request.Response) => [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('postbag_admin='));

describe('signing in', () => {
  test('the right password opens the queue with a strict, HttpOnly cookie limited to /admin', async () => {
    await createAuthor(t.db);
    const res = await request(t.app).post('/admin/sign-in').type('form').send({ password: PASSWORD }).expect(303);
    assert.equal(res.headers.location, '/admin/replies');
    const cookie = sessionCookie(res) ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\/admin/);
    assert.doesNotMatch(cookie, /Secure/, 'plain HTTP: a Secure cookie would never come back');
    const stored = await t.db.adminSession.findMany();
    assert.equal(stored.length, 1, 'the session is stored in PostgreSQL');
  });

  test('behind an HTTPS proxy (TRUST_PROXY) the cookie is Secure', async () => {
    await createAuthor(t.db);
    const app = await t.makeApp({ trustProxy: true });
    const res = await request(app).post('/admin/sign-in').set('X-Forwarded-Proto', 'https').type('form').send({ password: PASSWORD });
    assert.match(sessionCookie(res) ?? '', /Secure/);
  });

  test('a wrong password is refused with 401 and no session', async () => {
    await createAuthor(t.db);
    const res = await request(t.app).post('/admin/sign-in').type('form').send({ password: 'guess' }).expect(401);
    assert.match(res.text, /not the password/);
    assert.equal(sessionCookie(res), undefined);
    assert.equal(await t.db.adminSession.count(), 0);
  });

  test('the password is stored as an argon2id hash, and signs in', async () => {
    await setAuthorPassword(t.db, PASSWORD);
    const author = await t.db.author.findUniqueOrThrow({ where: { id: 1 } });
    assert.match(author.passwordHash, /^\$argon2id\$/);
    assert.ok(!author.passwordHash.includes(PASSWORD));
    await request(t.app).post('/admin/sign-in').type('form').send({ password: PASSWORD }).expect(303);
  });

  test('refuses a password shorter than 12 characters', async () => {
    await assert.rejects(setAuthorPassword(t.db, 'short'), /at least 12 characters/);
  });

  test('the session id changes at sign-in, so a planted id is worthless', async () => {
    await createAuthor(t.db);
    const first = sessionCookie(await request(t.app).post('/admin/sign-in').type('form').send({ password: PASSWORD }));
    const planted = first!.split(';')[0]!;
    const second = sessionCookie(await request(t.app).post('/admin/sign-in').set('Cookie', planted).type('form').send({ password: PASSWORD }));
    assert.notEqual(second!.split(';')[0], planted);
  });

  test('signing out ends the session, in the database too', async () => {
    const { agent, csrf } = await signedIn(t.app, t.db);
    await agent.post('/admin/sign-out').type('form').send({ _csrf: csrf }).expect(303);
    assert.equal(await t.db.adminSession.count(), 0);
    await agent.get('/admin/replies').expect(303);
  });

  test('a session survives an app restart and works on a second instance', async () => {
    await createAuthor(t.db);
    const [before, restarted] = [await t.makeApp(), await t.makeApp()];
    const res = await request(before).post('/admin/sign-in').type('form').send({ password: PASSWORD });
    const cookie = sessionCookie(res)!.split(';')[0]!;
    await request(restarted).get('/admin/replies').set('Cookie', cookie).expect(200);
  });

  test('an idle session expires', async () => {
    const { agent } = await signedIn(t.app, t.db);
    await t.db.adminSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    await agent.get('/admin/replies').expect(303);
  });

  test('a session ends a week after sign-in however active it is', async () => {
    const { agent } = await signedIn(t.app, t.db);
    const [session] = await t.db.adminSession.findMany();
    const data = { ...(session!.data as object), signedInAt: Date.now() - 8 * 24 * 3600 * 1000 };
    await t.db.adminSession.update({ where: { sid: session!.sid }, data: { data } });
    await agent.get('/admin/replies').expect(303);
  });
});

describe('sign-in throttling', () => {
  const attempt = (app: Parameters<typeof request>[0], password: string, client = '203.0.113.7', cookie?: string) => {
    const req = request(app).post('/admin/sign-in').set('X-Forwarded-For', client).type('form').send({ password });
    return cookie ? req.set('Cookie', cookie) : req;
  };

  test('after 5 wrong passwords a client is refused for a while, even with the right one', async () => {
    await createAuthor(t.db);
    const app = await t.makeApp({ trustProxy: true });
    for (let i = 0; i < 5; i++) await attempt(app, 'wrong').expect(401);
    const refused = await attempt(app, PASSWORD).expect(429);
    assert.match(refused.text, /Try again in 15 minutes/);
    assert.equal(refused.headers['retry-after'], '900');
    await attempt(app, PASSWORD, '198.51.100.9').expect(303); // another client is not blocked
  });

  test('the block expires', async () => {
    await createAuthor(t.db);
    const app = await t.makeApp({ trustProxy: true });
    for (let i = 0; i < 5; i++) await attempt(app, 'wrong');
    await attempt(app, PASSWORD).expect(429);
    await t.db.signInThrottle.updateMany({ data: { blockedUntil: new Date(Date.now() - 1) } });
    await attempt(app, PASSWORD).expect(303);
  });

  test('each failure before the block is slowed more than the last (the default delays)', () => {
    const delays = [1, 2, 3, 4].map((n) => defaultThrottlePolicy.delayMs(n));
    assert.deepEqual(delays, [0, 250, 500, 1000]);
  });

  test('many failures from many clients close sign-in overall, except to a browser that signed in before', async () => {
    await createAuthor(t.db);
    const policy = { ...defaultThrottlePolicy, delayMs: () => 0, overall: { failures: 3, windowSeconds: 900, blockSeconds: 900 } };
    const app = await t.makeApp({ trustProxy: true, throttlePolicy: policy });
    const known = await attempt(app, PASSWORD, '192.0.2.1').expect(303);
    const device = ([known.headers['set-cookie']].flat() as string[]).find((c) => c.startsWith('postbag_device='))!.split(';')[0]!;
    for (const client of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) await attempt(app, 'wrong', client).expect(401);
    await attempt(app, PASSWORD, '10.9.9.9').expect(429);
    await attempt(app, PASSWORD, '192.0.2.1', device).expect(303);
  });

  test('parallel wrong passwords get no more tries than the limit', async () => {
    await createAuthor(t.db);
    const app = await t.makeApp({ trustProxy: 1 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => attempt(app, 'wrong')));
    const statuses = answers.map((res) => res.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5, `statuses: ${statuses.join(' ')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 15);
  });

  test('a browser that signed in before is not blocked by strangers behind the same address', async () => {
    await createAuthor(t.db);
    const app = await t.makeApp({ trustProxy: 1 });
    const known = await attempt(app, PASSWORD).expect(303);
    const device = ([known.headers['set-cookie']].flat() as string[]).find((c) => c.startsWith('postbag_device='))!.split(';')[0]!;
    for (let i = 0; i < 5; i++) await attempt(app, 'wrong');
    await attempt(app, PASSWORD).expect(429);
    await attempt(app, PASSWORD, '203.0.113.7', device).expect(303);
    await attempt(app, PASSWORD, '203.0.113.7', 'postbag_device=forged.value').expect(429);
  });

  test('setting a new password lifts every block', async () => {
    await createAuthor(t.db);
    const app = await t.makeApp({ trustProxy: true });
    for (let i = 0; i < 5; i++) await attempt(app, 'wrong');
    await setAuthorPassword(t.db, PASSWORD);
    await attempt(app, PASSWORD).expect(303);
  });

  test('no client address is stored in plain form', async () => {
    await createAuthor(t.db);
    const app = await t.makeApp({ trustProxy: true });
    await attempt(app, 'wrong', '203.0.113.7');
    const keys = (await t.db.signInThrottle.findMany()).map((row) => row.key).join(' ');
    assert.doesNotMatch(keys, /203\.0\.113/);
  });
});
