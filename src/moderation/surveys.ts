// The author's surveys under /admin: each with its replies per status, open or closed, and the
// button that closes or reopens it at once, for every instance (src/surveys/state.ts).
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { Handler } from '../forms/request.ts';
import { flash } from '../http/flash.ts';
import { findSurvey, surveysWithState, type Surveys } from '../surveys/registry.ts';
import type { SurveyStates } from '../surveys/state.ts';
import { countsBySurvey } from './counts.ts';
import { statuses } from './schema.ts';

export const surveyStateForm = z.object({ open: z.enum(['yes', 'no']).transform((open) => open === 'yes') });

export function surveyAdminHandlers(db: Db, surveys: Surveys, states: SurveyStates) {
  // GET /admin/surveys - every survey, open or closed, with its replies per status
  const page: RequestHandler = async (_req, res) => {
    const [list, replyCounts] = await Promise.all([surveysWithState(surveys, states), countsBySurvey(db)]);
    res.render('admin/surveys', { list, replyCounts, statuses });
  };

  // POST /admin/surveys/:slug/state - open or close a survey, without a restart
  const setState: Handler<z.infer<typeof surveyStateForm>> = async (req, res, { open }) => {
    const survey = findSurvey(surveys, String(req.params.slug));
    await states.set(survey, open);
    await flash(
      req,
      open
        ? `“${survey.title}” is open again: its form takes replies, on the web and over Gemini.`
        : `“${survey.title}” is closed: its form says so and takes no more replies; its tally stays public.`,
    );
    res.redirect(303, '/admin/surveys');
  };

  return { page, setState };
}
