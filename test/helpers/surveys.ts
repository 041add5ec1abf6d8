// Small surveys for unit tests, checked as a survey file is.
import { parseSurveyFile } from '../../src/surveys/load.ts';
import type { Survey } from '../../src/surveys/schema.ts';

/** An open survey asking these questions (given as a survey file writes them). */
export function surveyOf(questions: readonly unknown[]): Survey {
  return parseSurveyFile('test.json', JSON.stringify({ slug: 'test', title: 'Test', published: '2026-01-01', open: true, questions }));
}
