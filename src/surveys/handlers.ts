import type { RequestHandler } from 'express';
import { openSurveys, type Surveys } from './registry.ts';

export function surveyHandlers(surveys: Surveys) {
  // GET / - the open surveys
  const list: RequestHandler = (_req, res) => res.render('surveys/index', { surveys: openSurveys(surveys) });
  return { list };
}
