// One HTTP exchange with a Postbag instance, timed, that never throws: a refused connection, a
// reset or a timeout is an outcome to count like a status. Node's own http client over a
// keep-alive agent: of the built-in clients it costs the least CPU, which matters when the load
// generator shares two cores with the server it measures.
import http from 'node:http';

export interface Exchange {
  method: string;
  path: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Uint8Array;
  /** Give up waiting after this long (the outcome is then the error "timeout"). */
  timeoutMs?: number;
}

export interface Outcome {
  /** null when no answer came: see `error`. */
  status: number | null;
  error: string | null;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request was sent and when its answer (or failure) was complete. */
  sentAt: number;
  doneAt: number;
}

export interface Client {
  baseUrl: string;
  send(exchange: Exchange): Promise<Outcome>;
  close(): void;
}

export function httpClient(baseUrl: string, connections = 50): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const base = new URL(baseUrl);
  const send = (exchange: Exchange): Promise<Outcome> => attempt(exchange, performance.now(), true);
  const attempt = ({ method, path, headers = {}, body, timeoutMs = 15_000 }: Exchange, sentAt: number, mayRetry: boolean) =>
    new Promise<Outcome>((resolve) => {
      const fail = (error: string) => resolve({ status: null, error, headers: {}, body: '', sentAt, doneAt: performance.now() });
      let req: http.ClientRequest;
      try {
        req = http.request({ host: base.hostname, port: base.port, method, path, headers, agent });
      } catch (err) {
        // Node refuses to send some paths and header values (control characters): not the server's doing.
        return fail(`client refused to send: ${(err as Error).message}`);
      }
      req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed as idle just as the request went out: browsers
        // send the request again on a new connection (nothing was read), and so do we, once.
        if (mayRetry && req.reusedSocket && err.code === 'ECONNRESET') resolve(attempt({ method, path, headers, body, timeoutMs }, sentAt, false));
        else fail(err.code ?? err.message);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? null,
            error: null,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            sentAt,
            doneAt: performance.now(),
          }),
        );
      });
      req.end(body);
    });
  return { baseUrl, send, close: () => agent.destroy() };
}

/** How an outcome is counted in the tables: its status, or the error that stood in for one. */
export function outcomeKey(outcome: Pick<Outcome, 'status' | 'error'>): string {
  return outcome.status === null ? (outcome.error ?? 'no answer') : String(outcome.status);
}
