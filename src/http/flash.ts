// A one-line confirmation of what the author just did ("2 replies approved."), shown once on the
// next page. It waits in the session, which lives in PostgreSQL, so whichever instance serves that
// page shows it; a query flag would do too, but anyone could then put words in Postbag's mouth.
import type { Request, RequestHandler } from 'express';

declare module 'express-session' {
  interface SessionData {
    flash: string;
  }
}

/**
 * Keeps the message for the next page, saved before the answer goes out: express-session saves
 * a changed session only while the response is being sent, and a browser that follows the
 * redirect at once could ask for the next page before the message is stored.
 */
export async function flash(req: Request, message: string): Promise<void> {
  req.session.flash = message;
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

/**
 * Lets the next page rendered take the message (views call `takeFlash()`). It is taken while
 * rendering rather than here, so that a redirect on the way (/admin → /admin/replies) keeps it.
 */
export const offerFlash: RequestHandler = (req, res, next) => {
  res.locals.takeFlash = (): string | null => {
    const message = req.session.flash ?? null;
    delete req.session.flash;
    return message;
  };
  next();
};
