// The benchmark's results: one row per figure, printed as a table and written to
// bench/results.json (git-ignored) for docs/benchmarks.md.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';

export interface Row {
  /** What was measured, e.g. "submissions, new replies, 50 connections". */
  what: string;
  /** The figure, with its unit. */
  value: string;
  /** The same figure for the floor, when there is one. */
  floor?: string;
  /** The goal, e.g. "≥ 0.5× floor" or "≤ 10 ms". */
  goal?: string;
  met?: boolean;
  /** Anything needed to read the row (status codes, sizes). */
  note?: string;
}

export class Report {
  readonly rows: Row[] = [];
  readonly data: Record<string, unknown> = {};
  private readonly started = new Date();
  private readonly loads: number[][] = [];

  constructor(readonly mode: string) {}

  section(title: string): void {
    this.rows.push({ what: `— ${title}`, value: '' });
    console.log(`\n${title}`);
    this.loads.push(os.loadavg());
  }

  add(row: Row): void {
    this.rows.push(row);
    const goal = row.goal ? `  goal ${row.goal}: ${row.met === undefined ? '?' : row.met ? 'met' : 'NOT met'}` : '';
    console.log(`  ${row.what}: ${row.value}${row.floor ? ` (floor ${row.floor})` : ''}${goal}${row.note ? `  [${row.note}]` : ''}`);
  }

  /** Raw figures for results.json, under `key`. */
  keep(key: string, value: unknown): void {
    this.data[key] = value;
  }

  table(): string {
    const header = ['what', 'value', 'floor', 'goal', 'met', 'note'];
    const cells = this.rows.map((r) => [r.what, r.value, r.floor ?? '', r.goal ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO', r.note ?? '']);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (c: string[]) =>
      c
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join(' | ')
        .trimEnd();
    return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
  }

  async write(file: string): Promise<void> {
    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageAtEachSection: this.loads.map((l) => l.map((v) => Number(v.toFixed(1)))),
    };
    const result = { mode: this.mode, started: this.started.toISOString(), finished: new Date().toISOString(), machine, rows: this.rows, data: this.data };
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  }
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
export const perSecond = (value: number) => `${Math.round(value)}/s`;
export const mb = (value: number) => `${Math.round(value)} MB`;
