// Figures for the table: counts by outcome, rates and latency percentiles.
import { outcomeKey } from './http.ts';

interface Timed {
  status: number | null;
  error: string | null;
  sentAt: number;
  doneAt: number;
}

/** Outcomes counted by status (or error), e.g. "303×120 503×4 ECONNREFUSED×2". */
export function countOutcomes(items: readonly Timed[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(outcomeKey(item), (counts.get(outcomeKey(item)) ?? 0) + 1);
  return counts;
}

export function describeCounts(counts: ReadonlyMap<string, number>): string {
  if (counts.size === 0) return 'none';
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}×${n}`)
    .join(' ');
}

export function isServerError(item: Pick<Timed, 'status'>): boolean {
  return item.status !== null && item.status >= 500;
}

/** The q-quantile (0..1) of the latencies, in ms. */
export function latency(items: readonly Timed[], q: number): number {
  if (items.length === 0) return NaN;
  const sorted = items.map((i) => i.doneAt - i.sentAt).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function describeLatency(items: readonly Timed[]): string {
  return `p50 ${ms(latency(items, 0.5))}, p99 ${ms(latency(items, 0.99))}`;
}

export function ms(value: number): string {
  return Number.isNaN(value) ? '–' : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function perSecond(count: number, durationMs: number): string {
  return `${(count / (durationMs / 1000)).toFixed(1)}/s`;
}
