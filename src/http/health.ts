// For a supervisor or a reverse proxy: /healthz says the process answers (restart it if not);
// /readyz says whether it can reach its database (send it readers only if so). Plain text, no
// page around it, never cached.
import type { RequestHandler } from 'express';
import type { Db } from '../db/client.ts';

const READY_TIMEOUT_MS = 2_000;

export function healthHandlers(db: Db) {
  // GET /healthz - the process is alive
  const live: RequestHandler = (_req, res) => {
    res.type('text/plain').send('ok\n');
  };

  // GET /readyz - the database answers
  const ready: RequestHandler = async (_req, res) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([db.$queryRaw`SELECT 1`, timeout]);
      res.type('text/plain').send('ready\n');
    } catch {
      res.status(503).set('Retry-After', '5').type('text/plain').send('database unavailable\n');
    } finally {
      clearTimeout(timer);
    }
  };

  return { live, ready };
}
