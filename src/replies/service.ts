// What happens to a reader's reply: stored as pending, read back, edited or deleted through
// the private link. Each change is one transaction.
import { type Db, isUniqueViolation } from '../db/client.ts';
import type { ReplyInput } from './read-form.ts';
import { bumpTallyVersion } from '../tally/version.ts';
import { hashSecret } from './secret.ts';

/**
 * Stores a new pending reply. Sending the same form twice (double click, back button) carries
 * the same secret: the second time nothing is stored and the first reply stands.
 */
export async function submitReply(db: Db, surveySlug: string, secret: string, reply: ReplyInput): Promise<void> {
  try {
    await db.reply.create({
      data: {
        surveySlug,
        secretHash: hashSecret(secret),
        displayName: reply.displayName,
        contact: reply.contact,
        consentQuote: reply.consentQuote,
        answers: { createMany: { data: reply.answers } },
      },
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

export async function findReplyBySecret(db: Db, secret: string) {
  return db.reply.findUnique({
    where: { secretHash: hashSecret(secret) },
    include: { answers: { orderBy: [{ questionId: 'asc' }, { scope: 'asc' }, { position: 'asc' }] } },
  });
}

export type StoredReply = NonNullable<Awaited<ReturnType<typeof findReplyBySecret>>>;

/**
 * Replaces the reader's answers; an edited reply goes back to the author's queue (and so
 * leaves the tally if it was published).
 */
export async function editReply(db: Db, replyId: string, reply: ReplyInput): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.answer.deleteMany({ where: { replyId } });
    await tx.reply.update({
      where: { id: replyId },
      data: {
        status: 'pending',
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
