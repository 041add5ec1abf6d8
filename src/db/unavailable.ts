// Telling "the database is away" (stopped, restarting, failing over, unreachable, out of
// connections) from every other failure. Those are expected: the request gets a 503 and the
// reader their typed text back, and the pool reconnects by itself once the server is back.
// The same condition arrives in several shapes, all checked here:
// - Prisma's errors, with the driver adapter's classification in meta.driverAdapterError;
// - node-postgres' own errors for a dropped connection or a pool timeout, passed through as is;
// - PostgreSQL's SQLSTATEs: class 08 (connection exception), 57P01–57P03 (shutting down,
//   crashed, starting up), 53300 (too many connections).

const unavailableKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);
const unavailableCodes = /^(08...|57P0[123]|53300|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|P1001|P1002|P1017)$/;
const pgMessages =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout|Client was closed and is not queryable)/;

interface ErrorShape {
  code?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
}

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const e = err as ErrorShape;
  if (typeof e.kind === 'string' && unavailableKinds.has(e.kind)) return true;
  for (const code of [e.code, e.originalCode]) if (typeof code === 'string' && unavailableCodes.test(code)) return true;
  if (typeof e.message === 'string' && pgMessages.test(e.message)) return true;
  return isDatabaseUnavailable(e.meta?.driverAdapterError?.cause, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}
