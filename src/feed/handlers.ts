// The author's Atom feed of waiting replies: the feed itself (public, its secret token is its
// only guard) and the admin page that shows and renews that token.
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Db } from '../db/client.ts';
import { NotFound } from '../errors.ts';
import { flash } from '../http/flash.ts';
import type { Surveys } from '../surveys/registry.ts';
import { feedToken, pendingFeed, rotateFeedToken } from './feed.ts';

const baseUrl = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

export function feedHandlers(db: Db, surveys: Surveys) {
  // GET /feed/:token - the Atom feed
  const atom: RequestHandler = async (req, res) => {
    const token = await feedToken(db);
    const sent = Buffer.from(String(req.params.token));
    if (sent.length !== token.length || !timingSafeEqual(sent, Buffer.from(token))) throw new NotFound();
    res.type('application/atom+xml; charset=utf-8').send(await pendingFeed(db, surveys, baseUrl(req), token));
  };

  // GET /admin/feed - the feed's secret address
  const page: RequestHandler = async (req, res) => {
    res.render('admin/feed', { url: `${baseUrl(req)}/feed/${await feedToken(db)}` });
  };

  // POST /admin/feed/rotate - a new secret address; the old one stops working
  const rotate: RequestHandler = async (req, res) => {
    await rotateFeedToken(db);
    await flash(req, 'The feed has a new address, below; the old one no longer works. Give the new one to your feed reader.');
    res.redirect(303, '/admin/feed');
  };

  return { atom, page, rotate };
}
