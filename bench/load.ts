// Load from autocannon, in this process. autocannon keeps latencies of 2xx answers only (a
// stored reply answers 303), so every answer's time is recorded here, whatever its status.
// `paced` sends GETs at a steady rate instead (see there).
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  /** Answers per second over the run. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers per status code, and requests that got none (errors, timeouts). */
  statuses: Record<string, number>;
  errors: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** How long to load; or, with `amount`, until that many answers came. */
  seconds?: number;
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Each request's body, built just before it is sent; null ends the run (nothing left to send). */
  body?: (connection: Record<string, unknown>) => string | null;
  /** Each answer's body, e.g. to keep the form tokens it carries. */
  onBody?: (status: number, body: string) => void;
}

export async function load({ url, connections, seconds = 10, amount, method = 'GET', headers = {}, body, onBody }: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let instance: autocannon.Instance | undefined;
  let exhausted = false;
  const request: autocannon.Request = {
    method,
    headers,
    ...(body && {
      setupRequest: (req: autocannon.Request, context: object) => {
        const next = body(context as Record<string, unknown>);
        if (next === null) {
          exhausted = true;
          setImmediate(() => instance?.stop());
          // autocannon needs a request to send; this one is not counted.
          return { ...req, body: '' };
        }
        return { ...req, body: next };
      },
    }),
    ...(onBody && { onResponse: (status: number, text: string) => onBody(status, text) }),
  };
  const started = process.hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ url, connections, duration: seconds, requests: [request], ...(amount !== undefined && { amount }) }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
    instance.on('response', (_client, status: number, _bytes, ms: number) => {
      if (exhausted && status >= 400) return;
      statuses[status] = (statuses[status] ?? 0) + 1;
      latencies.push(ms);
    });
  });
  const elapsed = exhausted ? Number(process.hrtime.bigint() - started) / 1e9 : result.duration;
  return summarise(connections, elapsed, latencies, statuses, result.errors + result.timeouts);
}

/**
 * GETs sent at a steady `rate` over at most `connections` kept-alive connections, whatever the
 * answers' pace (an open loop, as readers arrive). autocannon's own rate limit sends each
 * connection's share of a second at the start of that second, so its latencies measured the
 * burst's queue, not the server. Each latency counts from when its request was due, so a
 * request that waited for a free connection is not flattered.
 */
export async function paced({ url, connections, rate, seconds }: { url: string; connections: number; rate: number; seconds: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const total = Math.round(rate * seconds);
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  for (let sent = 0; sent < total; await sleep(1)) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const dueAt = start + (sent * 1000) / rate;
      const request = get(url, agent).then(
        (status) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          latencies.push(performance.now() - dueAt);
        },
        () => void errors++,
      );
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
  }
  await Promise.all(inFlight);
  agent.destroy();
  return summarise(connections, (performance.now() - start) / 1000, latencies, statuses, errors);
}

function get(url: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

function summarise(connections: number, seconds: number, latencies: number[], statuses: Record<string, number>, errors: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    connections,
    seconds,
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? NaN,
    statuses,
    errors,
  };
}
