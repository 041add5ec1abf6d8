// What the author does to replies, each in one transaction. (PostgreSQL moves the tally's
// version itself: see src/tally/version.ts.)
import { nameKey } from '../catalog/normalise.ts';
import type { Db } from '../db/client.ts';
import { BadRequest, NotFound } from '../errors.ts';
import { limits } from '../forms/limits.ts';
import { checkLine, checkText } from '../forms/text.ts';
import type { NamesQuestion, Survey } from '../surveys/schema.ts';
import type { Status } from './schema.ts';

/** Moves replies to one status; returns how many changed. */
export async function setStatus(db: Db, ids: readonly string[], status: Status): Promise<number> {
  const changed = await applyDecisions(db, new Map(ids.map((id) => [id, status])));
  return changed.get(status) ?? 0;
}

/**
 * Moves each reply to the status decided for it, all in one transaction; returns how many
 * changed, per status (a reply already there, or deleted meanwhile, does not count).
 */
export async function applyDecisions(db: Db, decisions: ReadonlyMap<string, Status>): Promise<Map<Status, number>> {
  const byStatus = new Map<Status, string[]>();
  for (const [id, status] of decisions) byStatus.set(status, [...(byStatus.get(status) ?? []), id]);
  return db.$transaction(async (tx) => {
    const changed = new Map<Status, number>();
    for (const [status, ids] of byStatus) {
      const { count } = await tx.reply.updateMany({
        where: { id: { in: ids }, status: { not: status } },
        data: { status, moderatedAt: new Date() },
      });
      changed.set(status, count);
    }
    return changed;
  });
}

/** The questions a names answer may be moved to: the other names questions asked the same way. */
export function movableTo(survey: Survey, questionId: string): NamesQuestion[] {
  const from = survey.questions.find((q) => q.id === questionId);
  if (from?.kind !== 'names') return [];
  return survey.questions.filter((q): q is NamesQuestion => q.kind === 'names' && q.each === from.each);
}

/**
 * Corrects one typed answer: a typo, a name spelt oddly, or a name put under the wrong question
 * (a provider among the clients). What the reader typed, and where, is kept the first time
 * (`original`, `originalQuestionId`), so a correction can always be compared or undone. Picked
 * options are not text and cannot be corrected. Returns a message when the value is refused.
 */
export async function correctAnswer(
  db: Db,
  survey: Survey,
  target: { replyId: string; answerId: bigint; value: string; questionId?: string | undefined },
): Promise<string | null> {
  return db.$transaction(async (tx) => {
    const answer = await tx.answer.findFirst({ where: { id: target.answerId, replyId: target.replyId } });
    const question = survey.questions.find((q) => q.id === answer?.questionId);
    if (!answer || !question) throw new NotFound('This answer does not exist (any more).');
    if (question.kind === 'choice' && !answer.isOther) throw new BadRequest('A picked option cannot be corrected, only typed text.');
    const moveTo = target.questionId ?? question.id;
    if (moveTo !== question.id && !movableTo(survey, question.id).some((q) => q.id === moveTo)) {
      throw new BadRequest('This answer cannot be moved to that question.');
    }
    const checked = question.kind === 'text' ? checkText(target.value, question.maxLength) : checkLine(target.value, limits.name);
    if (!checked.ok) return checked.message;
    if (checked.value === '') return 'An answer cannot be empty; delete the reply instead if it must go.';
    const value = checked.value;
    if (answer.value === value && moveTo === question.id) return null;
    const moved = moveTo !== question.id;
    const last = moved
      ? await tx.answer.aggregate({ where: { replyId: answer.replyId, questionId: moveTo, scope: answer.scope }, _max: { position: true } })
      : null;
    await tx.answer.update({
      where: { id: answer.id },
      data: {
        value,
        original: answer.original ?? answer.value,
        nameKey: question.kind === 'text' ? null : nameKey(value) || null,
        ...(moved ? { questionId: moveTo, position: (last?._max.position ?? -1) + 1, originalQuestionId: answer.originalQuestionId ?? question.id } : {}),
      },
    });
    return null;
  });
}

export async function deleteReplyForGood(db: Db, id: string): Promise<void> {
  const { count } = await db.reply.deleteMany({ where: { id } });
  if (count === 0) throw new NotFound('This reply does not exist (any more).');
}
