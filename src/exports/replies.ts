// The author's copies of the replies, as CSV (one row per reply, one column per question and
// option) and JSON (everything stored, corrections included). Unlike the tally these carry
// contact addresses, so they are served behind the admin's sign-in only. Replies are read in
// batches and streamed, so a million replies never sit in memory at once.
import { poolOf, type Db } from '../db/client.ts';
import { questionKey, scopesOf } from '../surveys/layout.ts';
import type { Survey } from '../surveys/schema.ts';
import { canonicalNamesOf, namedQuestions, type CanonicalOf } from './canonical.ts';

export type ExportedReplies = 'approved' | 'all';

const BATCH = 500;

interface ExportedAnswer {
  questionId: string;
  scope: string;
  value: string;
  isOther: boolean;
  nameKey: string | null;
  original: string | null;
  originalQuestionId: string | null;
}

interface ExportedReply {
  id: string;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  moderatedAt: Date | null;
  displayName: string | null;
  contact: string | null;
  consentQuote: boolean;
  answers: ExportedAnswer[];
}

/**
 * A batch of replies after `after` (oldest first), each with its answers: one statement per
 * batch through node-postgres. (Through Prisma, the million answers of a large survey cost
 * more in turning rows into objects than the database took to find them.)
 */
const batchSql = (which: ExportedReplies) => `
  SELECT r.id, r.status::text AS status, r.created_at, r.updated_at, r.moderated_at, r.display_name, r.contact, r.consent_quote,
    coalesce((
      SELECT json_agg(json_build_array(a.question_id, a.scope, a.value, a.is_other, a.name_key, a.original, a.original_question_id)
                      ORDER BY a.question_id, a.scope, a.position)
      FROM answer a WHERE a.reply_id = r.id
    ), '[]') AS answers
  FROM reply r
  WHERE r.survey_slug = $1 ${which === 'approved' ? "AND r.status = 'approved'" : ''}
    -- The plain bound lets PostgreSQL start the index scan at the cursor; the OR alone would not.
    AND ($2::timestamptz IS NULL OR (r.created_at >= $2 AND (r.created_at > $2 OR r.id > $3::uuid)))
  ORDER BY r.created_at, r.id
  LIMIT ${BATCH}`;

interface BatchRow {
  id: string;
  status: string;
  created_at: Date;
  updated_at: Date;
  moderated_at: Date | null;
  display_name: string | null;
  contact: string | null;
  consent_quote: boolean;
  answers: [string, string, string, boolean, string | null, string | null, string | null][];
}

async function* replyBatches(db: Db, survey: Survey, which: ExportedReplies): AsyncGenerator<ExportedReply[]> {
  const sql = batchSql(which);
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const { rows }: { rows: BatchRow[] } = await poolOf(db).query<BatchRow>(sql, [survey.slug, after?.createdAt ?? null, after?.id ?? null]);
    const replies: ExportedReply[] = rows.map((row) => ({
      id: row.id,
      status: row.status,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      moderatedAt: row.moderated_at,
      displayName: row.display_name,
      contact: row.contact,
      consentQuote: row.consent_quote,
      answers: row.answers.map(([questionId, scope, value, isOther, nameKey, original, originalQuestionId]) => ({
        questionId,
        scope,
        value,
        isOther,
        nameKey,
        original,
        originalQuestionId,
      })),
    }));
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

function jsonReply(reply: ExportedReply, canonicalOf: CanonicalOf) {
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
