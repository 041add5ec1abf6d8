// The published tally: a web page and the same numbers as gemtext. Anyone may read them; they
// show approved replies only.
import type { RequestHandler, Response } from 'express';
import type { Db } from '../db/client.ts';
import { findSurvey, type Surveys } from '../surveys/registry.ts';
import type { Survey } from '../surveys/schema.ts';
import type { SurveyStates } from '../surveys/state.ts';
import { TallyCache, type TallyCacheOptions } from './cache.ts';
import { tallyPage } from './gemtext.ts';
import type { Tally } from './model.ts';

export function tallyHandlers(db: Db, surveys: Surveys, states: SurveyStates, cacheOptions?: TallyCacheOptions) {
  const cache = new TallyCache(db, cacheOptions);
  // Each counted tally is drawn once, not once per reader: a page is the same for everyone
  // until the next recount, which makes a new Tally. The web page also links to the form while
  // the survey is open (read per request, state.ts): one drawing for each state.
  const html = { open: new WeakMap<Tally, Promise<string>>(), closed: new WeakMap<Tally, Promise<string>>() };
  const gemtext = new WeakMap<Tally, string>();

  function drawn<T>(pages: WeakMap<Tally, T>, tally: Tally, draw: () => T): T {
    let page = pages.get(tally);
    if (page === undefined) pages.set(tally, (page = draw()));
    return page;
  }

  const render = (res: Response, locals: { tally: Tally; survey: Survey; open: boolean }) =>
    new Promise<string>((resolve, reject) => res.render('tally/page', locals, (err, page) => (err ? reject(err) : resolve(page))));

  // GET /s/:slug/tally - the tally as a web page (with a link to the form while the survey is open)
  const page: RequestHandler = async (req, res) => {
    const survey = findSurvey(surveys, String(req.params.slug));
    const [tally, open] = await Promise.all([cache.tallyOf(survey), states.isOpen(survey)]);
    const pages = open ? html.open : html.closed;
    const rendering = drawn(pages, tally, () => render(res, { tally, survey, open }));
    // A failed drawing is not kept: the next reader tries again.
    rendering.catch(() => pages.delete(tally));
    res.type('html').send(await rendering);
  };

  // GET /s/:slug/tally.gmi - the same tally as a gemtext page, as `postbag export --out` writes it
  const gemtextPage: RequestHandler = async (req, res) => {
    const tally = await cache.tallyOf(findSurvey(surveys, String(req.params.slug)));
    res.type('text/gemini; charset=utf-8').send(drawn(gemtext, tally, () => tallyPage(tally)));
  };

  return { page, gemtext: gemtextPage };
}
