// Signing in as the author in tests.
import { hash } from '@node-rs/argon2';
import type { Express } from 'express';
import request from 'supertest';
import type { Db } from '../../src/db/client.ts';

export const PASSWORD = 'correct horse battery staple';

export type Agent = ReturnType<typeof request.agent>;

// Hashed once per test process, at the real cost: setting the password is tested on its own
// (admin-sign-in, the CLI), and hashing again for every test that signs in only takes time.
let passwordHash: Promise<string> | undefined;

/** The author's account, as `postbag set-password` leaves it. */
export async function createAuthor(db: Db): Promise<void> {
  passwordHash ??= hash(PASSWORD);
  await db.author.create({ data: { id: 1, passwordHash: await passwordHash } });
}

/** An agent with the author's session cookie, and the CSRF token its forms carry. */
export async function signedIn(app: Express, db: Db): Promise<{ agent: Agent; csrf: string }> {
  if ((await db.author.count()) === 0) await createAuthor(db);
  const agent = request.agent(app);
  await agent.post('/admin/sign-in').type('form').send({ password: PASSWORD }).expect(303);
  // Any admin page carries the session's token in its forms.
  const page = await agent.get('/admin/feed').expect(200);
  const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
  if (!match) throw new Error('no CSRF token on the page');
  return { agent, csrf: match[1]! };
}

// test/e2e/seed.ts still imports the reply factory from here; everything else imports it from replies.ts.
export { storeReply } from './replies.ts';
