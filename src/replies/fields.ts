// The names of a reply form's fields, shared by the form view and the reader of the form,
// so that what is rendered is exactly what is read back.
import type { Question } from '../surveys/schema.ts';
import { questionKey } from '../surveys/layout.ts';

export const fixedFields = {
  displayName: 'display_name',
  contact: 'contact',
  consent: 'consent_quote',
  token: 'token',
  /** The honeypot: a field labelled "leave this empty", named like nothing a browser fills in by itself. */
  trap: 'leave_empty',
} as const;

/** How every survey asks for the fixed fields, on the web form and over Gemini alike. */
export const fixedLabels = {
  displayName: 'Name to show with your words (leave empty to stay anonymous)',
  contact: 'Contact address, if I may write to you (never published)',
  consent: 'You may quote my answers in the published tally',
} as const;

/** Field for a question asked once, or once per picked option of another question. */
export const fieldName = questionKey;

export function otherFieldName(question: Question): string {
  return `${question.id}.other`;
}
