// Request logging that keeps readers private: no IP address, no headers, and private-link
// secrets cut out of logged URLs. Every request gets an id that the 500 page shows, so the
// author can find the matching log line.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export function createLogger(level: string): Logger {
  return pino({ level });
}

/**
 * What of a URL may be logged: /r/<secret>/edit becomes /r/…/edit and /feed/<token> /feed/…
 * (each secret alone grants access), and the query string is dropped (admin searches may hold
 * a reader's words or address).
 */
export function redactUrl(url: string): string {
  return url.replace(/[?#].*$/s, '').replace(/^\/(r|feed)\/[^/]+/i, '/$1/…');
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: () => randomUUID(),
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? '') }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  });
}
