// Builds the web app from its dependencies. It opens nothing and listens nowhere:
// src/server.ts does that, and tests build their own app against their own database.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { defaultThrottlePolicy } from './admin/throttle.ts';
import { errorHandler, notFound } from './http/errors.ts';
import { requestLogger } from './http/logging.ts';
import { dayAndTime, postDate } from './http/dates.ts';
import { routes, type RouteDeps } from './routes.ts';

export interface AppDeps extends Omit<RouteDeps, 'throttlePolicy'> {
  logger: Logger;
  trustProxy?: boolean | number | string;
  throttlePolicy?: RouteDeps['throttlePolicy'];
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function createApp({
  db,
  surveys,
  logger,
  sessions,
  replyPolicy,
  tallyCache,
  purgeAfterDays,
  trustProxy = false,
  throttlePolicy = defaultThrottlePolicy,
}: AppDeps): express.Express {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.set('views', path.join(root, 'views'));
  app.set('view engine', 'ejs');
  // Templates ship with the app and do not change while it runs: compile each once. (Express
  // turns this on only under NODE_ENV=production, which `npm start` does not set; compiling a
  // template on every request took most of the server's time.)
  app.enable('view cache');
  // Pages are not kept by caches (Cache-Control below) and each form carries a fresh token, so
  // an ETag (a hash of every page sent) would never match. Static files keep theirs.
  app.disable('etag');
  app.set('query parser', 'simple');
  app.locals.postDate = postDate;
  app.locals.dayAndTime = dayAndTime;
  app.disable('x-powered-by');

  app.use(requestLogger(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        // Postbag is often reached over plain HTTP on a LAN or behind a proxy that adds HTTPS;
        // upgrading requests would break the form there.
        directives: {
          'upgrade-insecure-requests': null,
          'script-src': ["'none'"],
          // Nothing from elsewhere: no web fonts, no remote styles.
          'style-src': ["'self'"],
          'font-src': ["'self'"],
        },
      },
    }),
  );
  app.use((_req, res, next) => {
    // Pages hold private links and half-typed answers: keep them out of shared caches.
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use('/static', express.static(path.join(root, 'public'), { maxAge: '1h', index: false }));

  app.use(routes({ db, surveys, sessions, throttlePolicy, replyPolicy, tallyCache, purgeAfterDays }));

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
