// The tally as the HTML page and the gemtext document both draw it: the same sections, labels,
// counts and rounded percentages, so that both formats always show the same numbers.
// Sections follow the survey the way the form does: questions asked once stand alone, and
// questions asked per picked option are grouped per option ("Matrix"), where the first of them
// appears. A section appears once a reader answered it; text that is not quotable never does.
import { surveyLayout } from '../surveys/layout.ts';
import type { ChoiceQuestion, Question, Survey } from '../surveys/schema.ts';
import type { CombinationRow, CountRow, QuoteRow, SectionTotalRow, TallyRows } from './aggregate.ts';

export interface Count {
  label: string;
  readers: number;
  /** Of the section's base, rounded to a whole percent. */
  percent: number;
}

export interface Combination {
  labels: string[];
  readers: number;
}

export interface CountSection {
  type: 'counts';
  label: string;
  /** Readers the percentages are of: every reader, or those who picked the group's option. */
  base: number;
  answered: number;
  counts: Count[];
  /** Typed names beyond the listed ones. */
  more: number;
  /** For a multiple choice: readers who picked two or more, and their most common sets under `heading`. */
  several: { readers: number; percent: number; heading: string; combinations: Combination[] } | null;
}

export interface Quote {
  text: string;
  /** The reader's display name, or "anonymous". */
  by: string;
}

export interface QuoteSection {
  type: 'quotes';
  label: string;
  quotes: Quote[];
  /** Consented quotes left out beyond the limit. */
  more: number;
}

export type Section = CountSection | QuoteSection;

export type Block = { type: 'section'; section: Section } | { type: 'group'; label: string; readers: number; percent: number; sections: Section[] };

export interface Tally {
  slug: string;
  title: string;
  /** The post's publication date, YYYY-MM-DD. */
  published: string;
  /** Approved replies counted. */
  readers: number;
  /** YYYY-MM-DD (UTC) of the latest approval, or null before the first. */
  lastApproval: string | null;
  blocks: Block[];
}

export function buildTally(survey: Survey, rows: TallyRows): Tally {
  const at = (questionId: string, scope: string) => `${questionId}\u0000${scope}`;
  const counts = groupBy(rows.counts, (row) => at(row.questionId, row.scope));
  const totals = new Map(rows.totals.map((row) => [at(row.questionId, row.scope), row]));
  const quotes = groupBy(rows.quotes, (row) => at(row.questionId, row.scope));
  const combinations = groupBy(rows.combinations, (row) => at(row.questionId, row.scope));

  const section = (question: Question, scope: string, base: number): Section | null => {
    if (question.kind === 'text') {
      return question.quotable ? quoteSection(question.label, quotes.get(at(question.id, scope)) ?? []) : null;
    }
    const total = totals.get(at(question.id, scope));
    if (!total) return null;
    const key = at(question.id, scope);
    return countSection(question, base, total, counts.get(key) ?? [], combinations.get(key) ?? []);
  };

  const blocks: Block[] = [];
  for (const item of rows.readers === 0 ? [] : surveyLayout(survey)) {
    if (item.type === 'question') {
      const found = section(item.question, '', rows.readers);
      if (found) blocks.push({ type: 'section', section: found });
      continue;
    }
    const { target, option } = item;
    const readers = counts.get(at(target.id, ''))?.find((row) => row.item === optionItem(option.id))?.readers ?? 0;
    const sections = item.questions.flatMap((q) => section(q, option.id, readers) ?? []);
    if (sections.length > 0) blocks.push({ type: 'group', label: option.label, readers, percent: percent(readers, rows.readers), sections });
  }

  return {
    slug: survey.slug,
    title: survey.title,
    published: survey.published,
    readers: rows.readers,
    lastApproval: rows.lastApproval?.toISOString().slice(0, 10) ?? null,
    blocks,
  };
}

function countSection(
  question: Exclude<Question, { kind: 'text' }>,
  base: number,
  total: SectionTotalRow,
  rows: readonly CountRow[],
  combinationRows: readonly CombinationRow[],
): CountSection {
  const count = (label: string, readers: number): Count => ({ label, readers, percent: percent(readers, base) });
  const typed = rows.filter((row) => !row.item.startsWith('option:')).map((row) => count(row.label, row.readers));
  // Listed options keep the survey's order and show even when nobody picked them.
  const listed =
    question.kind === 'choice'
      ? question.options.map((option) => count(option.label, rows.find((row) => row.item === optionItem(option.id))?.readers ?? 0))
      : [];
  const [first] = combinationRows;
  const several =
    question.kind === 'choice' && question.multiple
      ? {
          readers: first?.several ?? 0,
          percent: percent(first?.several ?? 0, base),
          // "Most common" of one would say there were others.
          heading: combinationRows.length === 1 ? 'The combination they chose:' : 'The most common combinations:',
          combinations: combinationRows.map((row) => ({ labels: combinationLabels(question, row), readers: row.readers })),
        }
      : null;
  return {
    type: 'counts',
    label: question.label,
    base,
    answered: total.answered,
    counts: [...listed, ...typed],
    more: total.items - rows.length,
    several,
  };
}

function quoteSection(label: string, rows: readonly QuoteRow[]): QuoteSection | null {
  if (rows.length === 0) return null;
  return {
    type: 'quotes',
    label,
    quotes: rows.map((row) => ({ text: row.text, by: row.displayName ?? 'anonymous' })),
    more: rows[0]!.total - rows.length,
  };
}

const optionItem = (optionId: string) => `option:${optionId}`;

/** Listed options first, in the survey's order, then typed names alphabetically. */
function combinationLabels(question: ChoiceQuestion, row: CombinationRow): string[] {
  const options = question.options.map((option) => optionItem(option.id));
  return row.items
    .map((item, i) => ({ position: options.indexOf(item), label: itemLabel(question, item, row.labels[i] ?? item) }))
    .sort(
      (a, b) => (a.position === -1 ? options.length : a.position) - (b.position === -1 ? options.length : b.position) || a.label.localeCompare(b.label, 'en'),
    )
    .map(({ label }) => label);
}

function itemLabel(question: ChoiceQuestion, item: string, label: string): string {
  return question.options.find((option) => optionItem(option.id) === item)?.label ?? label;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((100 * part) / whole);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
