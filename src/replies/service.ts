// The reader's replies in the database: stored, read back through the private link, edited,
// deleted. Each change is one statement or one transaction, so a reply is stored whole or not
// at all, whatever happens to the connection.
import { poolOf, type Prisma, type Db } from '../db/client.ts';
import type { ReplyChannel } from '../generated/prisma/client.ts';
import type { ReplyInput } from './read-form.ts';
import { hashSecret } from './secret.ts';

/** Where a reply goes: the author's queue, or (when no rule holds it back) straight to the tally. */
export interface Placement {
  status: 'pending' | 'approved';
  holdReasons: string[];
}

export type StoreOutcome = 'stored' | 'belongs-to-another-survey';

/** Where a reply is sent from; a Gemini reader's certificate is kept only as a keyed hash. */
export interface ReplyOrigin {
  channel: ReplyChannel;
  geminiClient?: string | null;
}

/**
 * Stores a reply under its secret. The first send is one INSERT of the reply and its answers;
 * the same form sent again (double click, reload, Back and send, several copies at once) finds
 * the reply its secret made and replaces it with this version, so the reader's last version
 * stands and no second reply appears. A secret that already belongs to another survey's reply
 * stores nothing: the caller offers the form again.
 */
export async function storeReply(
  db: Db,
  surveySlug: string,
  secret: string,
  reply: ReplyInput,
  placement: Placement,
  origin: ReplyOrigin = { channel: 'web' },
): Promise<StoreOutcome> {
  const secretHash = hashSecret(secret);
  // Run for every reply sent, so through node-postgres (see poolOf).
  const inserted = await poolOf(db).query(insertReplySql, insertReplyParams(surveySlug, secretHash, reply, placement, origin));
  if (inserted.rows.length > 0) return 'stored';
  return db.$transaction(async (tx) => {
    // The row lock makes simultaneous copies of one form take turns instead of colliding.
    const [stored] = await tx.$queryRaw<{ id: string; survey_slug: string }[]>`
      SELECT id, survey_slug FROM reply WHERE secret_hash = ${secretHash} FOR UPDATE`;
    if (!stored) throw new Error('a reply conflicted on its secret but is gone'); // deleted in between: the reader retries
    if (stored.survey_slug !== surveySlug) return 'belongs-to-another-survey';
    await replaceAnswers(tx, stored.id, reply, placement);
    return 'stored';
  });
}

/**
 * The first send of a form, as one statement: the reply, unless its secret is taken, and its
 * answers (passed as one array per column). Parameters: insertReplyParams.
 */
export const insertReplySql = `
  WITH new_reply AS (
    INSERT INTO reply (id, survey_slug, status, secret_hash, display_name, contact, consent_quote, hold_reasons, moderated_at, channel, gemini_client)
    VALUES (gen_random_uuid(), $1, $2::"ReplyStatus", $3, $4, $5, $6, $7::text[], $8::timestamptz, $9::"ReplyChannel", $10)
    ON CONFLICT (secret_hash) DO NOTHING
    RETURNING id
  ), new_answers AS (
    INSERT INTO answer (reply_id, question_id, scope, position, value, is_other, name_key)
    SELECT new_reply.id, a.question_id, a.scope, a.position, a.value, a.is_other, a.name_key
    FROM new_reply, unnest($11::text[], $12::text[], $13::int[], $14::text[], $15::boolean[], $16::text[])
      AS a(question_id, scope, position, value, is_other, name_key)
  )
  SELECT id FROM new_reply`;

export function insertReplyParams(surveySlug: string, secretHash: string, reply: ReplyInput, placement: Placement, origin: ReplyOrigin): unknown[] {
  const { answers } = reply;
  return [
    surveySlug,
    placement.status,
    secretHash,
    reply.displayName,
    reply.contact,
    reply.consentQuote,
    placement.holdReasons,
    placement.status === 'approved' ? new Date() : null,
    origin.channel,
    origin.geminiClient ?? null,
    answers.map((a) => a.questionId),
    answers.map((a) => a.scope),
    answers.map((a) => a.position),
    answers.map((a) => a.value),
    answers.map((a) => a.isOther),
    answers.map((a) => a.nameKey),
  ];
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
 * Replaces the reader's answers through the private link. The reply is placed again (back to
 * the author's queue, unless the policy publishes it), except spam, which stays spam. The
 * author's corrections go with the answers they corrected: the reader's new words replace both.
 */
export async function editReply(db: Db, replyId: string, reply: ReplyInput, placement: Placement): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM reply WHERE id = ${replyId}::uuid FOR UPDATE`;
    await replaceAnswers(tx, replyId, reply, placement);
  });
}

async function replaceAnswers(tx: Prisma.TransactionClient, replyId: string, reply: ReplyInput, placement: Placement): Promise<void> {
  await tx.answer.deleteMany({ where: { replyId } });
  await tx.reply.updateMany({
    where: { id: replyId, status: { not: 'spam' } },
    data: { status: placement.status, holdReasons: placement.holdReasons, moderatedAt: placement.status === 'approved' ? new Date() : null },
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
}

export async function deleteReply(db: Db, replyId: string): Promise<void> {
  await db.reply.deleteMany({ where: { id: replyId } });
}

/**
 * Texts shorter than this (in UTF-16 units, as JavaScript counts) are too common to count as
 * "the same text again". The index that finds repeats (answer_long_value_idx) holds only the
 * answers at least this many bytes long, which every such text is: change both together.
 */
export const REPEAT_MIN_LENGTH = 40;

/**
 * True when one of `texts` is already an answer of a reply other than the one whose secret has
 * `secretHash`, sent in the last `days` days ("the same text again", a sign of copy-and-paste
 * spam). Texts shorter than REPEAT_MIN_LENGTH never count.
 */
export async function isRepeatedText(db: Db, texts: readonly string[], secretHash: string, days: number): Promise<boolean> {
  texts = texts.filter((text) => text.length >= REPEAT_MIN_LENGTH);
  if (texts.length === 0) return false;
  // The same texts first (answer_long_value_idx), then their replies. Left to itself, PostgreSQL
  // 18 may start from the replies of the last `days` days instead, when its statistics predate
  // them (a busy week on a large table, before autovacuum analyzes it again): every reply sent
  // then read the answers of every recent reply (55 ms each at 7,000 recent replies, and
  // growing). MATERIALIZED keeps the lookup by text first whatever the estimates.
  const { rows } = await poolOf(db).query<{ repeated: boolean }>(
    `WITH same_text AS MATERIALIZED (
      SELECT answer.reply_id FROM unnest($1::text[]) AS t(value)
      JOIN answer ON answer.value = t.value AND octet_length(answer.value) >= ${REPEAT_MIN_LENGTH}
    )
    SELECT EXISTS (
      SELECT 1 FROM same_text JOIN reply ON reply.id = same_text.reply_id
      WHERE reply.secret_hash <> $2 AND reply.created_at > now() - make_interval(days => $3)
    ) AS repeated`,
    [texts, secretHash, days],
  );
  return rows[0]?.repeated ?? false;
}
