// What happens to a reader's reply: stored as pending, read back, edited or deleted through
// the private link. Each change is one transaction.
import { type Db, isUniqueViolation } from '../db/client.ts';
import type { ReplyInput } from './read-form.ts';
import { bumpTallyVersion } from '../tally/version.ts';
import { hashSecret } from './secret.ts';

/**
 * Stores a new pending reply. Sending the same form again (double click, or back, change and
 * send) carries the same secret: it finds the reply already stored and replaces its answers,
 * so the reader's last version stands and no second reply appears.
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
    const stored = await db.reply.findUnique({ where: { secretHash: hashSecret(secret) }, select: { id: true, surveySlug: true } });
    if (stored?.surveySlug === surveySlug) await editReply(db, stored.id, reply);
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
