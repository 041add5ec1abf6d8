// Load from autocannon, in this process. autocannon keeps latencies of 2xx answers only (a
// stored reply answers 303), so every answer's time is recorded here, whatever its status.
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
  /** Requests per second from all connections together; unset: as fast as the server answers. */
  rate?: number;
}

export async function load({ url, connections, seconds = 10, amount, method = 'GET', headers = {}, body, onBody, rate }: LoadOptions): Promise<LoadResult> {
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
    instance = autocannon(
      { url, connections, duration: seconds, requests: [request], ...(amount !== undefined && { amount }), ...(rate !== undefined && { overallRate: rate }) },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, status: number, _bytes, ms: number) => {
      if (exhausted && status >= 400) return;
      statuses[status] = (statuses[status] ?? 0) + 1;
      latencies.push(ms);
    });
  });
  const elapsed = exhausted ? Number(process.hrtime.bigint() - started) / 1e9 : result.duration;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    connections,
    seconds: elapsed,
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? NaN,
    statuses,
    errors: result.errors + result.timeouts,
  };
}
