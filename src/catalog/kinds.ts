// Which catalog kind each survey question's typed names belong to: a names question's
// `catalog`, or a choice question's `other.catalog` for the options readers type in.
// The admin's unmatched-names page and the tally both join answers to the catalog through this.
import type { Survey } from '../surveys/schema.ts';

/** The catalog a survey's typed names are counted with: its own (named by its slug), or the one it shares. */
export function catalogOf(survey: Survey): string {
  return survey.sharesCatalogWith ?? survey.slug;
}

export interface QuestionKind {
  surveySlug: string;
  questionId: string;
  kind: string;
  catalog: string;
}

export function catalogKinds(surveys: Iterable<Survey>): QuestionKind[] {
  return [...surveys].flatMap((survey) =>
    survey.questions.flatMap((question) => {
      const kind = question.kind === 'names' ? question.catalog : question.kind === 'choice' ? question.other?.catalog : undefined;
      return kind === undefined ? [] : [{ surveySlug: survey.slug, questionId: question.id, kind, catalog: catalogOf(survey) }];
    }),
  );
}
