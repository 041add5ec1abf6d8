import { Router } from 'express';
import { openSurveys, type Surveys } from './registry.ts';

export function surveyRoutes(surveys: Surveys): Router {
  const router = Router();
  // GET / - the open surveys
  router.get('/', (_req, res) => res.render('surveys/index', { surveys: openSurveys(surveys) }));
  return router;
}
