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

/** Path segments whose next segment is a secret that alone grants access: /r/<secret>, /feed/<token>. */
const secretBefore = new Set(['r', 'feed']);
/** What may follow a private link's secret and is worth keeping in the log. */
const actions = new Set(['edit', 'delete']);

/**
 * What of a request target may be logged: /r/<secret>/edit becomes /r/…/edit and /feed/<token>
 * /feed/… (each secret alone grants access), and the query string is dropped (admin searches
 * may hold a reader's words or address).
 *
 * Hand-written, because no URL parser sees the target as every router does: Express routes an
 * absolute-form target (`GET http://host/r/<secret>`, any scheme) on its path and matches
 * without case, and a target that no route matches (`//r/<secret>`, `/./r/<secret>`,
 * `/%72/<secret>`, `/r%2F<secret>`) still carries the secret into the log. So the whole target
 * is read as segments, after undoing %-escapes (nested ones too), split at `/` and `\`, with no
 * authority or dot segment resolved; everything after an `r` or `feed` segment is hidden but
 * `edit` and `delete`. Userinfo (`http://user:password@host/`) is dropped too.
 */
export function redactUrl(target: string): string {
  // Decoded first, so that an escaped `?` or `#` (`/r%3F<secret>`) cuts the target too.
  const path = percentDecoded(target)
    .replace(/[?#].*$/s, '')
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/\\]*@/i, '$1');
  const parts = path.split(/([/\\])/);
  let secretFollows = false;
  for (let i = 0; i < parts.length; i += 2) {
    const name = parts[i]!.split(';')[0]!.trim().toLowerCase();
    if (secretFollows && name !== '' && !actions.has(name)) parts[i] = '…';
    else if (secretBefore.has(name)) secretFollows = true;
  }
  return parts.join('');
}

/** `text` with its %-escapes decoded until none is left (a malformed one stays as it is). */
function percentDecoded(text: string): string {
  let current = text;
  for (let round = 0; round < 5; round++) {
    const next = current.replace(/(?:%[0-9a-f]{2})+/gi, (escapes) => {
      try {
        return decodeURIComponent(escapes);
      } catch {
        return escapes.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      }
    });
    if (next === current) return current;
    current = next;
  }
  return current;
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: () => randomUUID(),
    serializers: {
      // originalUrl: inside a router mounted at /admin, req.url has lost its prefix.
      req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.originalUrl ?? req.url ?? ''),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  });
}
