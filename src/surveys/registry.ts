// The surveys loaded at start, looked up by slug for the reader's routes.
import { Gone, NotFound } from '../errors.ts';
import type { Survey } from './schema.ts';

export type Surveys = ReadonlyMap<string, Survey>;

export function findSurvey(surveys: Surveys, slug: string): Survey {
  const survey = surveys.get(slug);
  if (!survey) throw new NotFound('There is no survey at this address.');
  return survey;
}

/** A survey that still takes replies; a closed one answers 410 Gone. */
export function findOpenSurvey(surveys: Surveys, slug: string): Survey {
  const survey = findSurvey(surveys, slug);
  if (!survey.open) throw new Gone(`“${survey.title}” is closed and takes no more replies.`);
  return survey;
}

export function openSurveys(surveys: Surveys): Survey[] {
  return newestFirst(surveys).filter((survey) => survey.open);
}

/** Every survey, the latest post's first. */
export function newestFirst(surveys: Surveys): Survey[] {
  return [...surveys.values()].sort((a, b) => b.published.localeCompare(a.published));
}
