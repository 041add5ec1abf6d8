// The one place where failures become responses. Expected failures (src/errors.ts, and the
// 4xx errors of Express' body parser) get their status and a plain explanation; anything else
// is logged with the request id and shown as a 500 page without internals.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { HttpError, NotFound } from '../errors.ts';

/** How long a client is asked to wait while the database is away (a restart takes seconds). */
export const DATABASE_RETRY_AFTER_SECONDS = 10;

interface HttpLikeError {
  status?: unknown;
}

export const notFound: RequestHandler = () => {
  throw new NotFound();
};

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const problem = toHttpError(err);
  if (problem) {
    res.status(problem.status).render('error', { title: problem.title, message: problem.message, requestId: null });
    return;
  }
  if (isDatabaseUnavailable(err)) {
    req.log.warn({ err: { message: (err as Error).message } }, 'database unavailable');
    if (res.headersSent) return void res.end();
    res.set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    res.status(503).render('error', {
      title: 'Back in a moment',
      message: 'Postbag cannot reach its database right now, so nothing was changed. Please try again in a minute.',
      requestId: null,
    });
    return;
  }
  req.log.error({ err }, 'unexpected error');
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(500).render('error', {
    title: 'Something went wrong',
    message: 'Postbag could not answer this request. Nothing you sent was lost by trying again.',
    requestId: req.id,
  });
};

function toHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  // Express' own 4xx errors: the body parser's (too large, aborted, bad encoding) and the
  // router's (a %-escape in the path that does not decode). Their messages are not for readers.
  const { status } = (err ?? {}) as HttpLikeError;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = status === 413 ? 'What you sent is larger than Postbag accepts.' : 'Postbag could not read what you sent.';
    return new HttpError(status, status === 413 ? 'Too large' : 'Bad request', message);
  }
  return null;
}
