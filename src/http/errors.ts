// The one place where failures become responses. Expected failures (src/errors.ts, and the
// 4xx errors of Express' body parser) get their status and a plain explanation; anything else
// is logged with the request id and shown as a 500 page without internals.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ExpectedError, NotFound } from '../errors.ts';

interface HttpLikeError {
  status?: unknown;
  expose?: unknown;
}

export const notFound: RequestHandler = () => {
  throw new NotFound();
};

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const problem = toExpected(err);
  if (problem) {
    res.status(problem.status).render('error', { title: problem.title, message: problem.message, requestId: null });
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

function toExpected(err: unknown): ExpectedError | null {
  if (err instanceof ExpectedError) return err;
  // body-parser's errors (too large, aborted, bad encoding) carry a 4xx status and expose=true.
  const { status, expose } = (err ?? {}) as HttpLikeError;
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    const message = status === 413 ? 'What you sent is larger than Postbag accepts.' : 'Postbag could not read what you sent.';
    return new ExpectedError(status, status === 413 ? 'Too large' : 'Bad request', message);
  }
  return null;
}
