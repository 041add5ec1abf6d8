// The tally's counting, done by PostgreSQL over approved replies only. Generic per question
// kind, driven by the survey file: listed options and typed names are counted per reader,
// typed names through the catalog (an alias of the same scope and catalog kind), quotable text
// read from consenting readers. Nothing here selects a reply's contact address.
//
// Options and names are counted as replies change, by PostgreSQL (tally_count and
// tally_combination, see the migration kept_tally_counts and questions.ts): reading them costs
// the same at a thousand replies and at a million.
//
// The queries run in one REPEATABLE READ transaction, so that every number of a tally comes
// from the same moment even while the author moderates.
import type { Db } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { scopesOf } from '../surveys/layout.ts';
import type { Survey } from '../surveys/schema.ts';

type Tx = Prisma.TransactionClient;

/** Beyond these, a section says how many more there are instead of listing them. */
export const tallyLimits = { names: 30, combinations: 5, quotes: 100 } as const;

/**
 * What an answer counts as: `option:<id>` (a listed option), `name:<catalog id>` (a typed name
 * the catalog knows) or `typed:<key>` (any other typed name, grouped by its normalised key).
 */
export type ItemKey = string;

export interface CountRow {
  questionId: string;
  scope: string;
  item: ItemKey;
  /** The option id, the canonical name, or the most common spelling of a typed name. */
  label: string;
  readers: number;
}

export interface SectionTotalRow {
  questionId: string;
  scope: string;
  /** Readers who gave at least one answer. */
  answered: number;
  /** Distinct items, including those beyond `tallyLimits.names` that were left out. */
  items: number;
}

export interface CombinationRow {
  questionId: string;
  scope: string;
  items: ItemKey[];
  /** Each item's label, as in CountRow. */
  labels: string[];
  readers: number;
  /** Readers who picked two or more (the same for every row of a section). */
  several: number;
}

export interface QuoteRow {
  questionId: string;
  scope: string;
  text: string;
  displayName: string | null;
  /** Consented quotes in this section, including those beyond `tallyLimits.quotes`. */
  total: number;
}

export interface TallyRows {
  readers: number;
  lastApproval: Date | null;
  counts: CountRow[];
  totals: SectionTotalRow[];
  combinations: CombinationRow[];
  quotes: QuoteRow[];
}

export async function aggregateTally(db: Db, survey: Survey): Promise<TallyRows> {
  return db.$transaction(
    async (tx) => {
      // Readers from the counts per status kept for the admin (moderation/counts.ts); the latest
      // approval (or arrival, for a reply published as it came) in two index reads.
      const [summary] = await tx.$queryRaw<{ readers: number; lastApproval: Date | null }[]>`
        SELECT
          (SELECT coalesce(sum(delta), 0)::int FROM reply_status_delta WHERE survey_slug = ${survey.slug} AND status = 'approved') AS readers,
          greatest(
            (SELECT max(moderated_at) FROM reply WHERE survey_slug = ${survey.slug} AND status = 'approved'),
            (SELECT max(created_at) FROM reply WHERE survey_slug = ${survey.slug} AND status = 'approved' AND moderated_at IS NULL)
          ) AS "lastApproval"`;
      if (!summary || summary.readers === 0) {
        return { readers: 0, lastApproval: null, counts: [], totals: [], combinations: [], quotes: [] };
      }
      const { counts, totals } = await countItems(tx, survey);
      const quotable = survey.questions.flatMap((q) => (q.kind === 'text' && q.quotable ? [{ id: q.id, scopes: scopesOf(survey, q) }] : []));
      return {
        readers: summary.readers,
        lastApproval: summary.lastApproval,
        counts,
        totals,
        combinations: await commonCombinations(tx, survey),
        quotes: quotable.length > 0 ? await consentedQuotes(tx, survey, quotable) : [],
      };
    },
    // Reading 100k replies can outlast Prisma's 5 s default on a slow machine.
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 60_000 },
  );
}

/**
 * Readers per item and per section, from the counts PostgreSQL keeps (tally_count): listed
 * options always come back, typed names beyond `tallyLimits.names` do not. A typed name
 * without a catalog name is labelled with the spelling most of its readers used.
 */
async function countItems(tx: Tx, survey: Survey): Promise<{ counts: CountRow[]; totals: SectionTotalRow[] }> {
  const counted = survey.questions.filter((q) => q.kind !== 'text').map((q) => q.id);
  const counts = await tx.$queryRaw<CountRow[]>`
    WITH ${labelledItems(survey)}
    SELECT question_id AS "questionId", scope, item, label, readers FROM (
      SELECT *, row_number() OVER (PARTITION BY question_id, scope ORDER BY readers DESC, label, item) AS rank FROM labelled
    ) ranked
    WHERE rank <= ${tallyLimits.names} OR item LIKE 'option:%'
    ORDER BY question_id, scope, rank`;
  const totals = await tx.$queryRaw<SectionTotalRow[]>`
    SELECT t.question_id AS "questionId", t.scope, t.readers AS answered,
      (SELECT count(DISTINCT c.item)::int FROM tally_count c
       WHERE c.survey_slug = t.survey_slug AND c.question_id = t.question_id AND c.scope = t.scope AND c.item <> '') AS items
    FROM tally_count t WHERE t.survey_slug = ${survey.slug} AND t.item = '' AND t.question_id = ANY(${counted}::text[])
    ORDER BY t.question_id, t.scope`;
  return { counts, totals };
}

/** For multiple-choice questions: the most common sets of two or more items one reader picked. */
async function commonCombinations(tx: Tx, survey: Survey): Promise<CombinationRow[]> {
  return tx.$queryRaw<CombinationRow[]>`
    WITH ${labelledItems(survey)},
    sets AS (
      SELECT question_id, scope, ARRAY(SELECT json_array_elements_text(items::json)) AS items, readers
      FROM tally_combination WHERE survey_slug = ${survey.slug}
    ),
    ranked AS (
      SELECT *, (sum(readers) OVER w)::int AS several, row_number() OVER (w ORDER BY readers DESC, items) AS rank
      FROM sets WINDOW w AS (PARTITION BY question_id, scope)
    )
    SELECT t.question_id AS "questionId", t.scope, t.items, t.readers, t.several, array_agg(l.label ORDER BY u.i) AS labels
    FROM ranked t
    CROSS JOIN unnest(t.items) WITH ORDINALITY AS u(item, i)
    JOIN labelled l ON l.question_id = t.question_id AND l.scope = t.scope AND l.item = u.item
    WHERE t.rank <= ${tallyLimits.combinations}
    GROUP BY t.question_id, t.scope, t.rank, t.items, t.readers, t.several
    ORDER BY t.question_id, t.scope, t.rank`;
}

/**
 * Answers to quotable questions from readers who consented, oldest reply first: the first
 * `tallyLimits.quotes` of each section found through the index of replies by date, and how many
 * there are in all from the kept counts (item `quote`).
 */
async function consentedQuotes(tx: Tx, survey: Survey, questions: { id: string; scopes: string[] }[]): Promise<QuoteRow[]> {
  const ids = questions.flatMap((q) => q.scopes.map(() => q.id));
  const scopes = questions.flatMap((q) => q.scopes);
  return tx.$queryRaw<QuoteRow[]>`
    SELECT s.question_id AS "questionId", s.scope, q.text, q.display_name AS "displayName", c.readers AS total
    FROM unnest(${ids}::text[], ${scopes}::text[]) AS s(question_id, scope)
    JOIN tally_count c ON c.survey_slug = ${survey.slug} AND c.question_id = s.question_id AND c.scope = s.scope AND c.item = 'quote'
    CROSS JOIN LATERAL (
      SELECT a.value AS text, r.display_name, r.created_at, r.id, a.position
      FROM reply r JOIN answer a ON a.reply_id = r.id AND a.question_id = s.question_id AND a.scope = s.scope
      WHERE r.survey_slug = ${survey.slug} AND r.status = 'approved' AND r.consent_quote
      ORDER BY r.created_at, r.id, a.position
      LIMIT ${tallyLimits.quotes}
    ) AS q
    ORDER BY s.question_id, s.scope, q.created_at, q.id, q.position`;
}

/**
 * `labelled`: one row per item of a section (question_id, scope, item, label, readers), from
 * tally_count. An item is `option:<id>` (a listed option, labelled with its id), `name:<catalog
 * id>` (a typed name the catalog knows, labelled with the name) or `typed:<key>` (any other
 * typed name, grouped by its normalised key); see tally_refresh in the migration
 * kept_tally_counts.
 */
function labelledItems(survey: Survey): Prisma.Sql {
  return Prisma.sql`items AS (
      SELECT question_id, scope, item, sum(readers)::int AS readers, (array_agg(spelling ORDER BY readers DESC, spelling))[1] AS spelling
      FROM tally_count WHERE survey_slug = ${survey.slug} AND item NOT IN ('', 'quote')
      GROUP BY question_id, scope, item
    ),
    labelled AS (
      SELECT i.question_id, i.scope, i.item, i.readers,
        CASE WHEN i.item LIKE 'option:%' THEN substr(i.item, 8) ELSE coalesce(n.name, i.spelling) END AS label
      FROM items i
      LEFT JOIN catalog_name n ON n.id = CASE WHEN i.item LIKE 'name:%' THEN substr(i.item, 6)::int END
    )`;
}
