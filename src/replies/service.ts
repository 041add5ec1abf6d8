// What happens to a reader's reply: stored as pending, read back, edited or deleted through
// the private link. Each change is one transaction.
import { type Db, isUniqueViolation, Prisma } from '../db/client.ts';
import type { ReplyChannel } from '../generated/prisma/client.ts';
import type { ReplyInput } from './read-form.ts';
import { bumpTallyVersion } from '../tally/version.ts';
import { hashSecret } from './secret.ts';

/** Where a reply is sent from; a Gemini reader's certificate is kept only as a keyed hash. */
export interface ReplyOrigin {
  channel: ReplyChannel;
  geminiClient?: string | null;
}

/**
 * Stores a new pending reply. Sending the same form again (double click, or back, change and
 * send) carries the same secret: it finds the reply already stored and replaces its answers,
 * so the reader's last version stands and no second reply appears.
 */
export async function submitReply(
  db: Db,
  surveySlug: string,
  secret: string,
  reply: ReplyInput,
  origin: ReplyOrigin = { channel: 'web' },
): Promise<void> {
  try {
    await db.reply.create({
      data: {
        surveySlug,
        secretHash: hashSecret(secret),
        channel: origin.channel,
        geminiClient: origin.geminiClient ?? null,
        displayName: reply.displayName,
        contact: reply.contact,
        consentQuote: reply.consentQuote,
        answers: { createMany: { data: reply.answers } },
      },
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const stored = await db.reply.findUnique({ where: { secretHash: hashSecret(secret) }, select: { id: true, surveySlug: true } });
    if (stored?.surveySlug === surveySlug) await editReply(db, stored.id, reply);
  }
}

const withAnswers = {
  answers: { orderBy: [{ questionId: 'asc' }, { scope: 'asc' }, { position: 'asc' }] },
} satisfies Prisma.ReplyInclude;

export async function findReplyBySecret(db: Db, secret: string) {
  return db.reply.findUnique({ where: { secretHash: hashSecret(secret) }, include: withAnswers });
}

/** The latest reply to the survey sent with this Gemini client certificate (its keyed hash). */
export async function findReplyByGeminiClient(db: Db, surveySlug: string, geminiClient: string) {
  return db.reply.findFirst({
    where: { surveySlug, geminiClient },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    include: withAnswers,
  });
}

/** The surveys this Gemini client certificate has answered, each with its latest reply's status. */
export async function surveysAnsweredByGeminiClient(db: Db, geminiClient: string) {
  return db.reply.findMany({
    where: { geminiClient },
    distinct: ['surveySlug'],
    orderBy: [{ surveySlug: 'asc' }, { createdAt: 'desc' }],
    select: { surveySlug: true, status: true, createdAt: true },
  });
}

export type StoredReply = NonNullable<Awaited<ReturnType<typeof findReplyBySecret>>>;

/**
 * Replaces the reader's answers; an edited reply goes back to the author's queue (and so
 * leaves the tally if it was published), except spam, which stays spam. The author's
 * corrections go with the answers they corrected: the reader's new words replace both.
 */
export async function editReply(db: Db, replyId: string, reply: ReplyInput): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.answer.deleteMany({ where: { replyId } });
    await tx.reply.updateMany({
      where: { id: replyId, status: { not: 'spam' } },
      data: { status: 'pending' },
    });
    await tx.reply.update({
      where: { id: replyId },
      data: {
        displayName: reply.displayName,
        contact: reply.contact,
        consentQuote: reply.consentQuote,
        answers: { createMany: { data: reply.answers } },
      },
    });
    await bumpTallyVersion(tx);
  });
}

export async function deleteReply(db: Db, replyId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.reply.deleteMany({ where: { id: replyId } });
    await bumpTallyVersion(tx);
  });
}
