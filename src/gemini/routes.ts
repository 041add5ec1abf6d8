// Every Gemini address Postbag answers, on one screen; `:name` matches one path segment.
// Nothing behind a plain link writes: every write (an answer, sending, a change, a deletion)
// answers an input prompt, which crawlers do not fill in.
import { HttpError } from '../errors.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { home, robots, surveyPage, tally, yourReplies } from './browse.ts';
import { CertificateNeeded, type GeminiDeps, type Handler } from './context.ts';
import { answering, questionPage, review, send } from './drafting.ts';
import { TooManyDrafts } from './drafts.ts';
import { changeReply, deleteOwnReply, replyPage } from './own-reply.ts';
import { badRequest, certificateRequired, gone, notFound, slowDown, unavailable, type GeminiResponse } from './response.ts';
import type { GeminiRequest, Handled } from './server.ts';

const routes: [pattern: string, handler: Handler][] = [
  ['/', home],
  ['/robots.txt', robots],
  // Where the tally page's "Up One Level" (`../`) leads: /s/ as RFC 3986 resolves it, or the
  // survey's folder as some clients take it. (Before /s/:slug, which an empty slug matches.)
  ['/s/', home],
  ['/s/:slug', surveyPage],
  ['/s/:slug/', surveyPage],
  ['/s/:slug/tally.gmi', tally],
  // Answering: before the first answer, then in a draft
  ['/a/new/:slug/q/:step', questionPage],
  ['/a/new/:slug/q/:step/answer', answering('next')],
  ['/a/d/:token/q/:step', questionPage],
  ['/a/d/:token/q/:step/answer', answering('next')],
  ['/a/d/:token/q/:step/change', answering('review')],
  ['/a/d/:token/review', review],
  ['/a/d/:token/send', send],
  // A sent reply: by its private link, or by the client certificate it was sent with
  ['/r/:secret', replyPage],
  ['/r/:secret/q/:step/change', changeReply],
  ['/r/:secret/delete', deleteOwnReply],
  ['/a/', yourReplies],
  ['/a/mine/:slug', replyPage],
  ['/a/mine/:slug/q/:step/change', changeReply],
  ['/a/mine/:slug/delete', deleteOwnReply],
];

const compiled = routes.map(([pattern, handler]) => ({ pattern, parts: pattern.slice(1).split('/'), handler }));

export function geminiRoutes(deps: GeminiDeps): (request: GeminiRequest) => Promise<Handled> {
  return async (request) => {
    for (const { pattern, parts, handler } of compiled) {
      const params = match(parts, request.segments);
      if (params === null) continue;
      try {
        return { route: pattern, response: await handler({ request, params, deps }) };
      } catch (err) {
        const response = expected(err);
        if (response === null) throw err;
        return { route: pattern, response };
      }
    }
    return { route: '(none)', response: notFound('There is nothing at this address') };
  };
}

function match(parts: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = segments[i]!;
    else if (part !== segments[i]) return null;
  }
  return params;
}

/** The Gemini response for an expected failure; null for anything else (a bug: 40, logged). */
function expected(err: unknown): GeminiResponse | null {
  if (err instanceof CertificateNeeded) return certificateRequired(err.message);
  if (err instanceof TooManyDrafts) return slowDown(60);
  if (isDatabaseUnavailable(err)) return unavailable('Postbag cannot reach its database right now; nothing was stored. Try again in a minute');
  if (!(err instanceof HttpError)) return null;
  const message = err.message.replace(/\.$/, '');
  if (err.status === 404) return notFound(message);
  if (err.status === 410) return gone(message);
  return badRequest(message);
}
