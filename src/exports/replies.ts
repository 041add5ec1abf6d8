// The author's copies of the replies, as CSV (one row per reply, one column per question and
// option) and JSON (everything stored, corrections included). Unlike the tally these carry
// contact addresses, so they are served behind the admin's sign-in only. Replies are read in
// batches and streamed, so 100k replies never sit in memory at once.
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { questionKey, scopesOf } from '../surveys/layout.ts';
import type { Survey } from '../surveys/schema.ts';

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
  yield `{"survey":${JSON.stringify({ slug: survey.slug, title: survey.title })},"included":"${which}","replies":[`;
  let separator = '\n';
  for await (const batch of replyBatches(db, survey, which)) {
    let chunk = '';
    for (const reply of batch) {
      chunk += separator + JSON.stringify(jsonReply(reply));
      separator = ',\n';
    }
    yield chunk;
  }
  yield '\n]}\n';
}

function jsonReply(reply: StoredReply) {
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
      original: a.original,
      originalQuestionId: a.originalQuestionId,
    })),
  };
}

export async function* exportCsv(db: Db, survey: Survey, which: ExportedReplies): AsyncGenerator<string> {
  const columns = survey.questions.flatMap((question) => scopesOf(survey, question).map((scope) => ({ question, scope })));
  const fixed = ['id', 'status', 'created_at', 'moderated_at', 'display_name', 'contact', 'consent_quote'];
  yield csvLine([...fixed, ...columns.map(({ question, scope }) => questionKey(question, scope))]);
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
          ...columns.map(({ question, scope }) =>
            reply.answers
              .filter((a) => a.questionId === question.id && a.scope === scope)
              .map((a) => a.value)
              .join('; '),
          ),
        ]),
      )
      .join('');
  }
}

/** One RFC 4180 line (CRLF), every cell quoted. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Where a spreadsheet may start a cell that runs as a formula (= + - @): at the start of ours,
 * or after any character it may split cells on when the author opens the file with another
 * separator than the comma (semicolon and tab are common, space and pipe offered) or ignores
 * the quotes; line breaks and spaces included, since an importer may also trim them away.
 */
const formulaStart = /(^|[\s,;|])(?=[=+\-@])/gu;

/**
 * A cell no spreadsheet turns into a formula, whatever separator it is opened with: quoted
 * (so that a separator inside stays inside), and a leading apostrophe before every place a
 * formula could start, the usual sign for "this is text". The author sees the apostrophe;
 * the JSON export has the reader's words untouched.
 */
function csvCell(value: string): string {
  return `"${value.replace(formulaStart, "$1'").replaceAll('"', '""')}"`;
}
