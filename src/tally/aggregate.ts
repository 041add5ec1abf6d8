// The tally's counting, done by PostgreSQL over approved replies only. Generic per question
// kind, driven by the survey file: listed options and typed names are counted per reader,
// typed names through the catalog (an alias of the same scope and catalog kind), quotable text
// read from consenting readers. Nothing here selects a reply's contact address.
//
// The queries run in one REPEATABLE READ transaction, so that every number of a tally comes
// from the same moment even while the author moderates.
import { catalogKinds, catalogOf } from '../catalog/kinds.ts';
import type { Db } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
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
      const [summary] = await tx.$queryRaw<{ readers: number; lastApproval: Date | null }[]>`
        SELECT count(*)::int AS readers, max(coalesce(moderated_at, created_at)) AS "lastApproval"
        FROM reply WHERE survey_slug = ${survey.slug} AND status = 'approved'`;
      if (!summary || summary.readers === 0) {
        return { readers: 0, lastApproval: null, counts: [], totals: [], combinations: [], quotes: [] };
      }
      const { counts, totals } = await countItems(tx, survey);
      const multiple = survey.questions.filter((q) => q.kind === 'choice' && q.multiple).map((q) => q.id);
      const quotable = survey.questions.filter((q) => q.kind === 'text' && q.quotable).map((q) => q.id);
      return {
        readers: summary.readers,
        lastApproval: summary.lastApproval,
        counts,
        totals,
        combinations: multiple.length > 0 ? await commonCombinations(tx, survey, multiple) : [],
        quotes: quotable.length > 0 ? await consentedQuotes(tx, survey, quotable) : [],
      };
    },
    // Reading 100k replies can outlast Prisma's 5 s default on a slow machine.
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 60_000 },
  );
}

/**
 * Readers per item and per section in one pass (grouping sets): the rows with `total` are the
 * sections' totals. Listed options always come back; typed names beyond `tallyLimits.names` do not.
 *
 * Each aggregate here sorts the ~670k answers of 100k replies again, so the pass keeps only the
 * sorts it needs: only a typed name has several spellings (an option is its id, a catalog name
 * its canonical name), so mode() sorts those alone; a section's distinct items are its item rows.
 */
async function countItems(tx: Tx, survey: Survey): Promise<{ counts: CountRow[]; totals: SectionTotalRow[] }> {
  const rows = await tx.$queryRaw<(CountRow & { total: boolean; items: number })[]>`
    WITH ${itemsCte(survey)},
    grouped AS (
      SELECT question_id, scope, item, GROUPING(item) = 1 AS total,
        CASE WHEN GROUPING(item) = 0 THEN
          coalesce(mode() WITHIN GROUP (ORDER BY spelling) FILTER (WHERE item LIKE 'typed:%'), min(spelling))
        END AS label,
        count(DISTINCT reply_id)::int AS readers
      FROM items GROUP BY GROUPING SETS ((question_id, scope, item), (question_id, scope))
    )
    SELECT question_id AS "questionId", scope, item, total, label, readers, items FROM (
      SELECT *, row_number() OVER (PARTITION BY question_id, scope, total ORDER BY readers DESC, label, item) AS rank,
        (count(item) OVER (PARTITION BY question_id, scope))::int AS items
      FROM grouped
    ) ranked
    WHERE total OR rank <= ${tallyLimits.names} OR item LIKE 'option:%'
    ORDER BY question_id, scope, rank`;
  return {
    counts: rows.filter((row) => !row.total).map(({ questionId, scope, item, label, readers }) => ({ questionId, scope, item, label, readers })),
    totals: rows.filter((row) => row.total).map(({ questionId, scope, readers, items }) => ({ questionId, scope, answered: readers, items })),
  };
}

/** For multiple-choice questions: the most common sets of two or more items one reader picked. */
async function commonCombinations(tx: Tx, survey: Survey, questionIds: string[]): Promise<CombinationRow[]> {
  return tx.$queryRaw<CombinationRow[]>`
    WITH ${itemsCte(survey)},
    picked AS (SELECT * FROM items WHERE question_id = ANY(${questionIds}::text[])),
    labels AS (
      SELECT question_id, scope, item, mode() WITHIN GROUP (ORDER BY spelling) AS label FROM picked GROUP BY question_id, scope, item
    ),
    sets AS (
      SELECT question_id, scope, array_agg(DISTINCT item ORDER BY item) AS items FROM picked GROUP BY question_id, scope, reply_id
    ),
    grouped AS (
      SELECT question_id, scope, items, count(*)::int AS readers FROM sets WHERE cardinality(items) >= 2 GROUP BY question_id, scope, items
    ),
    ranked AS (
      SELECT *, (sum(readers) OVER w)::int AS several, row_number() OVER (w ORDER BY readers DESC, items) AS rank
      FROM grouped WINDOW w AS (PARTITION BY question_id, scope)
    )
    SELECT t.question_id AS "questionId", t.scope, t.items, t.readers, t.several, array_agg(l.label ORDER BY u.i) AS labels
    FROM ranked t
    CROSS JOIN unnest(t.items) WITH ORDINALITY AS u(item, i)
    JOIN labels l ON l.question_id = t.question_id AND l.scope = t.scope AND l.item = u.item
    WHERE t.rank <= ${tallyLimits.combinations}
    GROUP BY t.question_id, t.scope, t.rank, t.items, t.readers, t.several
    ORDER BY t.question_id, t.scope, t.rank`;
}

/** Answers to quotable questions from readers who consented, oldest reply first. */
async function consentedQuotes(tx: Tx, survey: Survey, questionIds: string[]): Promise<QuoteRow[]> {
  return tx.$queryRaw<QuoteRow[]>`
    SELECT question_id AS "questionId", scope, text, display_name AS "displayName", total FROM (
      SELECT a.question_id, a.scope, a.value AS text, r.display_name,
        row_number() OVER w AS rank, (count(*) OVER (PARTITION BY a.question_id, a.scope))::int AS total
      FROM answer a JOIN reply r ON r.id = a.reply_id
      WHERE r.survey_slug = ${survey.slug} AND r.status = 'approved' AND r.consent_quote AND a.question_id = ANY(${questionIds}::text[])
      WINDOW w AS (PARTITION BY a.question_id, a.scope ORDER BY r.created_at, r.id, a.position)
    ) ranked
    WHERE rank <= ${tallyLimits.quotes}
    ORDER BY question_id, scope, rank`;
}

/**
 * `items`: one row per counted answer of an approved reply to a choice or names question,
 * with what it counts as (see ItemKey) and the spelling to show for it.
 */
function itemsCte(survey: Survey): Prisma.Sql {
  return Prisma.sql`questions AS (${questionsTable(survey)}),
    items AS (
      SELECT a.question_id, a.scope, a.reply_id,
        CASE
          WHEN q.question_kind = 'choice' AND NOT a.is_other THEN 'option:' || a.value
          WHEN n.id IS NOT NULL THEN 'name:' || n.id
          ELSE 'typed:' || coalesce(a.name_key, a.value)
        END AS item,
        coalesce(n.name, a.value) AS spelling
      FROM reply r
      JOIN answer a ON a.reply_id = r.id
      JOIN questions q ON q.question_id = a.question_id AND q.question_kind IN ('choice', 'names')
      LEFT JOIN catalog_alias ca ON ca.catalog = ${catalogOf(survey)} AND ca.scope = a.scope AND ca.kind = q.catalog_kind AND ca.key = a.name_key
      LEFT JOIN catalog_name n ON n.id = ca.name_id
      WHERE r.survey_slug = ${survey.slug} AND r.status = 'approved'
    )`;
}

/**
 * The survey's questions as SQL rows (question_id, question_kind, catalog_kind); catalog_kind
 * is '' when typed answers have no catalog (no alias has an empty kind).
 */
function questionsTable(survey: Survey): Prisma.Sql {
  const catalogOf = new Map(catalogKinds([survey]).map((k) => [k.questionId, k.kind]));
  const ids = survey.questions.map((q) => q.id);
  const kinds = survey.questions.map((q) => q.kind);
  const catalogs = ids.map((id) => catalogOf.get(id) ?? '');
  return Prisma.sql`SELECT * FROM unnest(${ids}::text[], ${kinds}::text[], ${catalogs}::text[]) AS q(question_id, question_kind, catalog_kind)`;
}
