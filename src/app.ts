// Builds the web app from its dependencies. It opens nothing and listens nowhere:
// src/server.ts does that, and tests build their own app against their own database.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { adminRoutes } from './admin/routes.ts';
import type { AdminSessions } from './admin/session.ts';
import { defaultThrottlePolicy, type ThrottlePolicy } from './admin/throttle.ts';
import type { Db } from './db/client.ts';
import { feedRoutes } from './feed/routes.ts';
import { errorHandler, notFound } from './http/errors.ts';
import { requestLogger } from './http/logging.ts';
import { replyRoutes } from './replies/routes.ts';
import type { Surveys } from './surveys/registry.ts';
import { surveyRoutes } from './surveys/routes.ts';
import { tallyRoutes } from './tally/routes.ts';

export interface AppDeps {
  db: Db;
  surveys: Surveys;
  logger: Logger;
  sessions: AdminSessions;
  trustProxy?: boolean | number | string;
  throttlePolicy?: ThrottlePolicy;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function createApp({ db, surveys, logger, sessions, trustProxy = false, throttlePolicy = defaultThrottlePolicy }: AppDeps): express.Express {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.set('views', path.join(root, 'views'));
  app.set('view engine', 'ejs');
  app.set('query parser', 'simple');
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

  app.use(surveyRoutes(surveys));
  app.use(replyRoutes(db, surveys));
  app.use(feedRoutes(db, surveys));
  app.use(tallyRoutes(db, surveys));
  app.use('/admin', adminRoutes({ db, surveys, sessions, throttlePolicy }));

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
