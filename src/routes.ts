// Every route Postbag answers, on one screen: who may call it, what guards it, what validates
// its input, and the handler (each feature's handlers.ts says what a route does).
import { Router, type RequestHandler } from 'express';
import { authHandlers, signInForm } from './admin/auth.ts';
import { checkCsrf, requireAccount, requireAuthor } from './admin/guard.ts';
import type { AdminSessions } from './admin/session.ts';
import { SignInThrottle, type ThrottlePolicy } from './admin/throttle.ts';
import { visits } from './admin/visits.ts';
import { catalogHandlers, mapForm, spellingForm } from './catalog/handlers.ts';
import type { Db } from './db/client.ts';
import { exportHandlers, exportQuery } from './exports/handlers.ts';
import { feedHandlers } from './feed/handlers.ts';
import { formBody, validFields, validForm, validQuery } from './forms/request.ts';
import { offerFlash } from './http/flash.ts';
import { moderationHandlers } from './moderation/handlers.ts';
import { privacyHandlers } from './privacy/handlers.ts';
import { statusCounts } from './moderation/counts.ts';
import { correctionForm, moderateForm, queueQuery } from './moderation/schema.ts';
import { surveyAdminHandlers, surveyStateForm } from './moderation/surveys.ts';
import { healthHandlers } from './http/health.ts';
import { replyHandlers } from './replies/handlers.ts';
import type { ReplyPolicy } from './replies/policy.ts';
import { surveyHandlers } from './surveys/handlers.ts';
import type { Surveys } from './surveys/registry.ts';
import { SurveyStates } from './surveys/state.ts';
import type { TallyCacheOptions } from './tally/cache.ts';
import { tallyHandlers } from './tally/handlers.ts';

export interface RouteDeps {
  db: Db;
  surveys: Surveys;
  sessions: AdminSessions;
  throttlePolicy: ThrottlePolicy;
  replyPolicy: ReplyPolicy;
  /** How fresh the public tally is (tests want it exact; readers want it at once). */
  tallyCache?: TallyCacheOptions;
  /** What the privacy notice says about rejected and spam replies (src/config.ts). */
  purgeAfterDays: number;
}

export function routes({ db, surveys, sessions, throttlePolicy, replyPolicy, tallyCache, purgeAfterDays }: RouteDeps): Router {
  const states = new SurveyStates(db);
  const surveyPages = surveyHandlers(surveys, states);
  const tally = tallyHandlers(db, surveys, states, tallyCache);
  const feed = feedHandlers(db, surveys);
  const replies = replyHandlers(db, surveys, states, replyPolicy);
  const health = healthHandlers(db);
  const moderation = moderationHandlers(db, surveys);
  const decisions = { lists: ['ids'], refusal: 'Unknown moderation action.' };
  // Forms that signing in finishes when they were sent just after the session ended (src/admin/carry.ts).
  const resumable = { '/replies/moderate': validFields(moderateForm, moderation.decide, decisions) };
  const auth = authHandlers(db, sessions, new SignInThrottle(db, sessions.key, throttlePolicy), resumable);
  const surveyAdmin = surveyAdminHandlers(db, surveys, states);
  const names = catalogHandlers(db, surveys);
  const exports = exportHandlers(db, surveys);
  const privacy = privacyHandlers(purgeAfterDays);
  const router = Router();

  // Public: anyone may read these.
  router.get('/healthz', health.live);
  router.get('/readyz', health.ready);
  router.get('/', surveyPages.list);
  router.get('/privacy', privacy.notice);
  router.get('/s/:slug/tally', tally.page);
  router.get('/s/:slug/tally.gmi', tally.gemtext);
  router.get('/feed/:token', feed.atom); // the secret token in the address is its only guard

  // Readers: no account; a reply's private link (its secret) is what lets its reader back in.
  router.get('/s/:slug', replies.newForm);
  router.post('/s/:slug/replies', formBody, replies.submit);
  router.get('/r/:secret', replies.show);
  router.get('/r/:secret/edit', replies.editForm);
  router.post('/r/:secret/edit', formBody, replies.saveEdit);
  router.get('/r/:secret/delete', replies.confirmDelete);
  router.post('/r/:secret/delete', replies.delete);

  // The author, under /admin: a session, an account (else how to make one), then sign-in.
  const admin = Router();
  admin.use(sessions.middleware, formBody, requireAccount(db));
  admin.get('/sign-in', auth.signInPage);
  admin.post('/sign-in', validForm(signInForm, auth.signIn));
  admin.post('/replies/moderate', auth.carryThroughSignIn); // signed out: the sign-in form, carrying the decisions
  // Everything below needs the author signed in, and every posted form the session's CSRF token.
  admin.use(requireAuthor, checkCsrf, offerFlash, visits(db), navigationCounts(db));
  admin.get('/', (_req, res) => res.redirect(303, '/admin/replies'));
  admin.get('/replies', validQuery(queueQuery, moderation.queue));
  admin.post('/replies/moderate', validForm(moderateForm, moderation.decide, decisions));
  admin.get('/replies/:id', moderation.show);
  admin.post('/replies/:id/answers/:answerId', validForm(correctionForm, moderation.correct, { refusal: 'The correction form is missing its value.' }));
  admin.get('/replies/:id/delete', moderation.confirmDelete);
  admin.post('/replies/:id/delete', moderation.delete);
  admin.get('/surveys', surveyAdmin.page);
  admin.post('/surveys/:slug/state', validForm(surveyStateForm, surveyAdmin.setState));
  admin.get('/names', names.page);
  admin.post('/names/map', validForm(mapForm, names.map));
  admin.post('/names/unmap', validForm(spellingForm, names.unmap));
  admin.get('/feed', feed.page);
  admin.post('/feed/rotate', feed.rotate);
  admin.get('/exports', exports.page);
  admin.get('/exports/:slug.csv', validQuery(exportQuery, exports.csv, 'Choose replies=approved or replies=all.'));
  admin.get('/exports/:slug.json', validQuery(exportQuery, exports.json, 'Choose replies=approved or replies=all.'));
  admin.post('/sign-out', auth.signOut);
  router.use('/admin', admin);

  return router;
}

/**
 * The admin navigation shows how many replies wait in each status, on every page drawn (a
 * refused form too); a redirect or a download draws no page and counts nothing.
 */
function navigationCounts(db: Db): RequestHandler {
  type Drawn = (err: Error, html: string) => void;
  return (_req, res, next) => {
    const render: (view: string, locals?: object, drawn?: Drawn) => void = res.render.bind(res);
    res.render = (view: string, locals?: object | Drawn, drawn?: Drawn) => {
      statusCounts(db).then((counts) => {
        res.locals.counts = counts;
        if (typeof locals === 'function') render(view, {}, locals as Drawn);
        else render(view, locals, drawn);
      }, next);
    };
    next();
  };
}
