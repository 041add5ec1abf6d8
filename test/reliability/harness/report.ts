// What a scenario returns: rows of the table, each a promise Postbag makes, the figure that was
// measured for it, and whether the figure keeps the promise.
import type { Cluster } from './postgres.ts';

export interface Row {
  scenario: string;
  /** The promise (or, for a figure without one, what was measured). */
  promise: string;
  figure: string;
  /** Whether the figure keeps the promise; null for a figure that promises nothing (a rate, a latency). */
  ok: boolean | null;
}

export interface RunContext {
  cluster: Cluster;
  /** The short version: fewer seconds, fewer outages, fewer fuzz runs. */
  quick: boolean;
  /** fast-check's seed (printed, so that a failure can be replayed with --seed). */
  seed: number;
}

export type Scenario = (context: RunContext) => Promise<Row[]>;

/** Rows for one scenario: `check(promise, figure, ok)`, and `measure(what, figure)` for a figure alone. */
export function rowsFor(scenario: string) {
  const rows: Row[] = [];
  const check = (promise: string, figure: string, ok: boolean) => rows.push({ scenario, promise, figure, ok });
  const measure = (what: string, figure: string) => rows.push({ scenario, promise: what, figure, ok: null });
  return { rows, check, measure };
}

export function verdict(row: Row): string {
  return row.ok === null ? 'figure' : row.ok ? 'ok' : 'FAIL';
}

/** The table as Markdown, so that it can be pasted into docs/reliability.md as it is. */
export function markdownTable(rows: readonly Row[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = ['| scenario | promise | measured | result |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${cell(r.scenario)} | ${cell(r.promise)} | ${cell(r.figure)} | ${r.ok === false ? '**FAIL**' : verdict(r)} |`);
  return lines.join('\n');
}
