// The published tally: a web page and the same numbers as gemtext. Anyone may read them; they
// show approved replies only.
import type { RequestHandler } from 'express';
import type { Db } from '../db/client.ts';
import { findSurvey, type Surveys } from '../surveys/registry.ts';
import { TallyCache, type TallyCacheOptions } from './cache.ts';
import { tallyPage } from './gemtext.ts';

export function tallyHandlers(db: Db, surveys: Surveys, cacheOptions?: TallyCacheOptions) {
  const cache = new TallyCache(db, cacheOptions);

  // GET /s/:slug/tally - the tally as a web page
  const page: RequestHandler = async (req, res) => {
    res.render('tally/page', { tally: await cache.tallyOf(findSurvey(surveys, String(req.params.slug))) });
  };

  // GET /s/:slug/tally.gmi - the same tally as a gemtext page, as `postbag export --out` writes it
  const gemtext: RequestHandler = async (req, res) => {
    const tally = await cache.tallyOf(findSurvey(surveys, String(req.params.slug)));
    res.type('text/gemini; charset=utf-8').send(tallyPage(tally));
  };

  return { page, gemtext };
}
