// The author's copies of the replies, as CSV (one row per reply, one column per question and
// option) and JSON (everything stored, corrections included). Unlike the tally these carry
// contact addresses, so they are served behind the admin's sign-in only. Replies are read in
// batches and streamed, so 100k replies never sit in memory at once.
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { questionKey, scopesOf } from '../surveys/layout.ts';
import type { Survey } from '../surveys/schema.ts';
import { canonicalNamesOf, namedQuestions, type CanonicalOf } from './canonical.ts';

export type ExportedReplies = 'approved' | 'all';

const BATCH = 500;

const withAnswers = {
  answers: { orderBy: [{ questionId: 'asc' }, { scope: 'asc' }, { position: 'asc' }] },
} satisfies Prisma.ReplyInclude;

type StoredReply = Prisma.ReplyGetPayload<{ include: typeof withAnswers }>;

async function* replyBatches(db: Db, survey: Survey, which: ExportedReplies): AsyncGenerator<StoredReply[]> {
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const replies = await db.reply.findMany({
      where: {
        surveySlug: survey.slug,
        ...(which === 'approved' ? { status: 'approved' as const } : {}),
        // The plain `gte` lets PostgreSQL start the index scan at the cursor; the OR alone would not.
        ...(after
          ? { createdAt: { gte: after.createdAt }, OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: BATCH,
      include: withAnswers,
    });
    if (replies.length > 0) yield replies;
    if (replies.length < BATCH) return;
    after = replies[replies.length - 1]!;
  }
}

export async function* exportJson(db: Db, survey: Survey, which: ExportedReplies): AsyncGenerator<string> {
  const canonicalOf = await canonicalNamesOf(db, survey);
  yield `{"survey":${JSON.stringify({ slug: survey.slug, title: survey.title })},"included":"${which}","replies":[`;
  let separator = '\n';
  for await (const batch of replyBatches(db, survey, which)) {
    let chunk = '';
    for (const reply of batch) {
      chunk += separator + JSON.stringify(jsonReply(reply, canonicalOf));
      separator = ',\n';
    }
    yield chunk;
  }
  yield '\n]}\n';
}

function jsonReply(reply: StoredReply, canonicalOf: CanonicalOf) {
  return {
    id: reply.id,
    status: reply.status,
    createdAt: reply.createdAt,
    updatedAt: reply.updatedAt,
    moderatedAt: reply.moderatedAt,
    displayName: reply.displayName,
    contact: reply.contact,
    consentQuote: reply.consentQuote,
    answers: reply.answers.map((a) => ({
      question: a.questionId,
      scope: a.scope,
      value: a.value,
      typedIn: a.isOther,
      /** The catalog's name a typed name counts as (null: none matches, or not a name). */
      canonical: canonicalOf(a),
      original: a.original,
      originalQuestionId: a.originalQuestionId,
    })),
  };
}

/**
 * A question's column holds its answers as stored; a column of typed names is followed by one
 * ending in `.canonical`, where each name is the catalog's name it counts as in the tally (or
 * as typed, while no spelling matches it), so that a spreadsheet can count by it.
 */
export async function* exportCsv(db: Db, survey: Survey, which: ExportedReplies): AsyncGenerator<string> {
  const canonicalOf = await canonicalNamesOf(db, survey);
  const named = namedQuestions(survey);
  const columns = survey.questions.flatMap((question) =>
    scopesOf(survey, question).flatMap((scope) => [false, ...(named.has(question.id) ? [true] : [])].map((canonical) => ({ question, scope, canonical }))),
  );
  const fixed = ['id', 'status', 'created_at', 'moderated_at', 'display_name', 'contact', 'consent_quote'];
  yield csvLine([...fixed, ...columns.map(({ question, scope, canonical }) => questionKey(question, scope) + (canonical ? '.canonical' : ''))]);
  for await (const batch of replyBatches(db, survey, which)) {
    yield batch
      .map((reply) =>
        csvLine([
          reply.id,
          reply.status,
          reply.createdAt.toISOString(),
          reply.moderatedAt?.toISOString() ?? '',
          reply.displayName ?? '',
          reply.contact ?? '',
          reply.consentQuote ? 'yes' : 'no',
          ...columns.map(({ question, scope, canonical }) =>
            reply.answers
              .filter((a) => a.questionId === question.id && a.scope === scope)
              .map((a) => (canonical ? (canonicalOf(a) ?? a.value) : a.value))
              .join('; '),
          ),
        ]),
      )
      .join('');
  }
}

/** One RFC 4180 line (CRLF). */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: string): string {
  // A cell starting with = + - @ (or a tab/CR) is run as a formula by spreadsheets: a reader's
  // answer must stay text when the author opens the file, so it gets a leading apostrophe.
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replaceAll('"', '""')}"` : inert;
}
