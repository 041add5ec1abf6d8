import { timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Db } from '../db/client.ts';
import { NotFound } from '../errors.ts';
import type { Surveys } from '../surveys/registry.ts';
import { feedToken, pendingFeed, rotateFeedToken } from './feed.ts';

const baseUrl = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** GET /feed/:token - the Atom feed itself; its token is its only guard, so it lives outside /admin. */
export function feedRoutes(db: Db, surveys: Surveys): Router {
  const router = Router();
  router.get('/feed/:token', async (req, res) => {
    const token = await feedToken(db);
    const sent = Buffer.from(req.params.token);
    if (sent.length !== token.length || !timingSafeEqual(sent, Buffer.from(token))) throw new NotFound();
    res.type('application/atom+xml; charset=utf-8').send(await pendingFeed(db, surveys, baseUrl(req), token));
  });
  return router;
}

/** The admin's feed page (mounted under /admin behind the sign-in guard and CSRF check). */
export function feedAdminRoutes(db: Db): Router {
  const router = Router();

  // GET /admin/feed - the feed's secret address
  router.get('/feed', async (req, res) => {
    res.render('admin/feed', { url: `${baseUrl(req)}/feed/${await feedToken(db)}` });
  });

  // POST /admin/feed/rotate - a new secret address; the old one stops working
  router.post('/feed/rotate', async (_req, res) => {
    await rotateFeedToken(db);
    res.redirect(303, '/admin/feed');
  });

  return router;
}
