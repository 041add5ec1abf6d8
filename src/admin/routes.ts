// Everything under /admin, in the order requests meet it: the session, the account check,
// sign-in (open), then the guard and the CSRF check in front of every other admin route.
import { Router } from 'express';
import { catalogRoutes } from '../catalog/routes.ts';
import type { Db } from '../db/client.ts';
import { feedAdminRoutes } from '../feed/routes.ts';
import { formBody } from '../http/form.ts';
import { exportRoutes } from '../tally/export-routes.ts';
import { moderationRoutes } from '../moderation/routes.ts';
import { statusCounts } from '../moderation/queue.ts';
import type { Surveys } from '../surveys/registry.ts';
import { authRoutes, signOutHandler } from './auth-routes.ts';
import { checkCsrf, requireAccount, requireAuthor } from './guard.ts';
import type { AdminSessions } from './session.ts';
import { SignInThrottle, type ThrottlePolicy } from './throttle.ts';

export interface AdminDeps {
  db: Db;
  surveys: Surveys;
  sessions: AdminSessions;
  throttlePolicy: ThrottlePolicy;
}

/** test/http/admin-guard.test.ts walks every route here and proves it closed without a session. */
export function adminRoutes(deps: AdminDeps): Router {
  const { db, surveys, sessions } = deps;
  const router = Router();
  router.use(sessions.middleware, formBody, requireAccount(db));
  router.use(authRoutes(db, sessions, new SignInThrottle(db, sessions.key, deps.throttlePolicy)));
  router.use(requireAuthor, checkCsrf, async (_req, res, next) => {
    // The navigation shows how many replies wait in each status (a form refused shows it too).
    res.locals.counts = await statusCounts(db);
    next();
  });
  router.use(moderationRoutes(db, surveys));
  router.use(catalogRoutes(db, surveys));
  router.use(feedAdminRoutes(db));
  router.use(exportRoutes(db, surveys));
  router.post('/sign-out', signOutHandler);
  return router;
}
