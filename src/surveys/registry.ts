// The surveys loaded at start, looked up by slug; whether one takes replies is the database's
// to say (state.ts), for the web and Gemini alike.
import { Gone, NotFound } from '../errors.ts';
import type { Survey } from './schema.ts';
import type { SurveyStates } from './state.ts';

export type Surveys = ReadonlyMap<string, Survey>;

/** A survey that takes no more replies: 410, and the web form says so on a page of its own. */
export class SurveyClosed extends Gone {
  constructor(readonly survey: Survey) {
    super(`“${survey.title}” is closed and takes no more replies.`);
  }
}

export function findSurvey(surveys: Surveys, slug: string): Survey {
  const survey = surveys.get(slug);
  if (!survey) throw new NotFound('There is no survey at this address.');
  return survey;
}

/** A survey that still takes replies, as the author set it; SurveyClosed when it is closed. */
export async function findOpenSurvey(surveys: Surveys, states: SurveyStates, slug: string): Promise<Survey> {
  const survey = findSurvey(surveys, slug);
  if (!(await states.isOpen(survey))) throw new SurveyClosed(survey);
  return survey;
}

/** Every survey with whether it takes replies, the latest post's first. */
export async function surveysWithState(surveys: Surveys, states: SurveyStates): Promise<{ survey: Survey; open: boolean }[]> {
  const open = await states.openness(surveys.values());
  return newestFirst(surveys).map((survey) => ({ survey, open: open.get(survey.slug)! }));
}

/** Every survey, the latest post's first. */
export function newestFirst(surveys: Surveys): Survey[] {
  return [...surveys.values()].sort((a, b) => b.published.localeCompare(a.published));
}
