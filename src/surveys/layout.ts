// How a survey reads, for the form and the tally alike: questions asked once stand alone, and
// questions asked per picked option are grouped per option ("If you use Matrix"), placed where
// the first of them appears in the survey.
import type { ChoiceQuestion, Question, Survey } from './schema.ts';

/** A question's key in one scope: its id when asked once, `id.option` when asked per option. */
export function questionKey(question: Question, scope = ''): string {
  return scope === '' ? question.id : `${question.id}.${scope}`;
}

/** The scopes a question is asked in: [""] once, or each option of the question it repeats for. */
export function scopesOf(survey: Survey, question: Question): string[] {
  if (question.each === undefined) return [''];
  const target = survey.questions.find((q) => q.id === question.each);
  return target?.kind === 'choice' ? target.options.map((option) => option.id) : [];
}

export type LayoutItem =
  { type: 'question'; question: Question } | { type: 'group'; target: ChoiceQuestion; option: ChoiceQuestion['options'][number]; questions: Question[] };

export function surveyLayout(survey: Survey): LayoutItem[] {
  const items: LayoutItem[] = [];
  const placed = new Set<string>();
  for (const question of survey.questions) {
    if (question.each === undefined) {
      items.push({ type: 'question', question });
      continue;
    }
    if (placed.has(question.each)) continue;
    placed.add(question.each);
    // The survey schema guarantees `each` names an earlier choice question asked once.
    const target = survey.questions.find((q): q is ChoiceQuestion => q.id === question.each && q.kind === 'choice')!;
    const questions = survey.questions.filter((q) => q.each === target.id);
    for (const option of target.options) items.push({ type: 'group', target, option, questions });
  }
  return items;
}
