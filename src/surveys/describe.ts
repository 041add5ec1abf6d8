// A reply's answers in the survey's words, for the reader's private page (and the author's).
import type { Survey } from '../surveys/schema.ts';
import { scopesOf } from './layout.ts';

interface AnswerLike {
  questionId: string;
  scope: string;
  value: string;
  isOther: boolean;
}

/** Where a reply stands, as the reader is told. */
export const statusText = {
  pending: 'waiting for the author to read it',
  approved: 'published in the tally',
  rejected: 'not published',
  spam: 'not published',
} as const;

export interface DescribedAnswer {
  label: string;
  /** The option this answer is about ("Matrix"), for questions asked per option. */
  about: string | null;
  values: string[];
  long: boolean;
}

export function describeAnswers(survey: Survey, answers: readonly AnswerLike[]): DescribedAnswer[] {
  const optionLabels = new Map(survey.questions.flatMap((q) => (q.kind === 'choice' ? q.options.map((o) => [`${q.id}/${o.id}`, o.label] as const) : [])));
  return survey.questions.flatMap((question) =>
    scopesOf(survey, question).flatMap((scope) => {
      const values = answers
        .filter((a) => a.questionId === question.id && a.scope === scope)
        .map((a) => (a.isOther ? a.value : (optionLabels.get(`${question.id}/${a.value}`) ?? a.value)));
      if (values.length === 0) return [];
      const about = question.each === undefined ? null : (optionLabels.get(`${question.each}/${scope}`) ?? scope);
      return [{ label: question.label, about, values, long: question.kind === 'text' }];
    }),
  );
}
