// Signing in as the author in tests, and the replies they moderate.
import type { Express } from 'express';
import request from 'supertest';
import { setAuthorPassword } from '../../src/admin/password.ts';
import type { Db } from '../../src/db/client.ts';
import { hashSecret, newSecret } from '../../src/replies/secret.ts';

export const PASSWORD = 'correct horse battery staple';

export type Agent = ReturnType<typeof request.agent>;

export async function createAuthor(db: Db): Promise<void> {
  await setAuthorPassword(db, PASSWORD);
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

interface ReplySeed {
  survey?: string;
  status?: 'pending' | 'approved' | 'rejected' | 'spam';
  answers?: { questionId: string; scope?: string; value: string; isOther?: boolean; nameKey?: string | null }[];
  displayName?: string;
  createdAt?: Date;
  moderatedAt?: Date;
}

/** Stores a reply directly, as the reader form would have. */
export async function storeReply(db: Db, seed: ReplySeed = {}) {
  const answers = (seed.answers ?? [{ questionId: 'messengers', value: 'matrix' }]).map((a, position) => ({
    questionId: a.questionId,
    scope: a.scope ?? '',
    position,
    value: a.value,
    isOther: a.isOther ?? false,
    nameKey: a.nameKey ?? null,
  }));
  return db.reply.create({
    data: {
      surveySlug: seed.survey ?? 'leaving-session',
      status: seed.status ?? 'pending',
      secretHash: hashSecret(newSecret()),
      displayName: seed.displayName ?? null,
      createdAt: seed.createdAt,
      moderatedAt: seed.moderatedAt,
      answers: { createMany: { data: answers } },
    },
  });
}
