// The names of a reply form's fields, shared by the form view and the reader of the form,
// so that what is rendered is exactly what is read back.
import type { Question, Survey } from '../surveys/schema.ts';

export const fixedFields = {
  displayName: 'display_name',
  contact: 'contact',
  consent: 'consent_quote',
  secret: 'secret',
} as const;

export const limits = { name: 80, displayName: 60, contact: 200 } as const;

/** How every survey asks for the fixed fields, on the web form and over Gemini alike. */
export const fixedLabels = {
  displayName: 'Name to show with your words (leave empty to stay anonymous)',
  contact: 'Contact address, if I may write to you (never published)',
  consent: 'You may quote my answers in the published tally',
} as const;

/** Field for a question asked once, or once per picked option of another question. */
export function fieldName(question: Question, scope = ''): string {
  return scope === '' ? question.id : `${question.id}.${scope}`;
}

export function otherFieldName(question: Question): string {
  return `${question.id}.other`;
}

/** The scopes a question is asked in: [""] once, or each option of the question it repeats for. */
export function scopesOf(survey: Survey, question: Question): string[] {
  if (question.each === undefined) return [''];
  const target = survey.questions.find((q) => q.id === question.each);
  return target?.kind === 'choice' ? target.options.map((option) => option.id) : [];
}
