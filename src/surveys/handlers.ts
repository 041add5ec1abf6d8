import type { RequestHandler } from 'express';
import { surveysWithState, type Surveys } from './registry.ts';
import type { SurveyStates } from './state.ts';

export function surveyHandlers(surveys: Surveys, states: SurveyStates) {
  // GET / - the open surveys, and the closed ones' tallies
  const list: RequestHandler = async (_req, res) => {
    const all = await surveysWithState(surveys, states);
    res.render('surveys/index', { open: all.filter((s) => s.open).map((s) => s.survey), closed: all.filter((s) => !s.open).map((s) => s.survey) });
  };
  return { list };
}
