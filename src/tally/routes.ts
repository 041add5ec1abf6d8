// The published tally: a web page and the same numbers as gemtext. Anyone may read them; they
// show approved replies only.
import { Router } from 'express';
import type { Db } from '../db/client.ts';
import { tallyPage } from '../gemtext/tally.ts';
import { findSurvey, type Surveys } from '../surveys/registry.ts';
import { TallyCache } from './cache.ts';

export function tallyRoutes(db: Db, surveys: Surveys): Router {
  const router = Router();
  const cache = new TallyCache(db);

  // GET /s/:slug/tally - the tally as a web page
  router.get('/s/:slug/tally', async (req, res) => {
    res.render('tally/page', { tally: await cache.tallyOf(findSurvey(surveys, req.params.slug)) });
  });

  // GET /s/:slug/tally.gmi - the same tally as a gemtext page, as `postbag export --out` writes it
  router.get('/s/:slug/tally.gmi', async (req, res) => {
    const tally = await cache.tallyOf(findSurvey(surveys, req.params.slug));
    res.type('text/gemini; charset=utf-8').send(tallyPage(tally));
  });

  return router;
}
