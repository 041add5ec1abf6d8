// What stands in front of every admin page: an account must exist, the author must be signed
// in, and every state-changing form must carry the session's CSRF token.
import type { RequestHandler } from 'express';
import type { Db } from '../db/client.ts';
import { Forbidden } from '../errors.ts';
import { readForm } from '../forms/request.ts';
import { authorExists } from './password.ts';
import { csrfTokenMatches, isSignedIn } from './session.ts';

export const CSRF_FIELD = '_csrf';

/** With no account yet, every admin page says how to make one (and shows nothing else). */
export function requireAccount(db: Db): RequestHandler {
  return async (_req, res, next) => {
    if (await authorExists(db)) return next();
    res.status(503).render('admin/setup');
  };
}

export const requireAuthor: RequestHandler = (req, res, next) => {
  if (isSignedIn(req)) {
    res.locals.csrfToken = req.session.csrfToken;
    return next();
  }
  // Signing in leads back here (a reply opened from the feed, say).
  if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, `/admin/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
  throw new Forbidden('Your session has ended. Please sign in again.');
};

/** Every posted admin form carries the session's CSRF token. */
export const checkCsrf: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const form = readForm(req);
  const sent = form.get(CSRF_FIELD);
  if (sent?.length !== 1 || !csrfTokenMatches(req, sent[0])) {
    throw new Forbidden('This form is out of date (or did not come from Postbag). Go back, reload the page and try again.');
  }
  next();
};
