// Pieces of the Gemini pages, written through the safe gemtext builder: every line's type is
// chosen here and no survey or reader text can change it (see src/gemtext/document.ts).
import type { GemtextDocument } from '../gemtext/document.ts';
import { describeAnswers } from '../surveys/describe.ts';
import { fixedFields } from '../replies/fields.ts';
import type { Survey } from '../surveys/schema.ts';
import { answerHint } from './answer-input.ts';
import { isRequired, othersOf, stepTitle, type Step } from './steps.ts';

const NOT_ANSWERED = '(not answered)';

/** A reply's answers, stored or still in a draft. */
export interface AnswersLike {
  answers: readonly { questionId: string; scope: string; value: string; isOther: boolean }[];
  displayName: string | null;
  contact: string | null;
  consentQuote: boolean;
}

/** The question in full: title, help, numbered options, how to answer, known names. */
export function writeQuestion(doc: GemtextDocument, step: Step, suggestions: readonly string[]): void {
  doc.text(stepTitle(step) + (isRequired(step) ? ' (required)' : ''));
  if (step.type === 'question') {
    const { question } = step;
    if (question.help) doc.text(question.help);
    if (question.kind === 'choice') {
      doc.blank();
      question.options.forEach((option, i) => doc.listItem(`${i + 1} ${option.label}`));
      const others = othersOf(step);
      if (others) doc.blank().text(others.label);
    }
  } else if (step.type === 'consent') {
    doc.blank().listItem('1 Yes').listItem('2 No');
  }
  doc.blank().text(answerHint(step));
  if (suggestions.length > 0) doc.text(`Known names: ${suggestions.join(', ')}.`);
}

/** The step's answer, or a line saying it has none; whether it has one. */
export function writeAnswer(doc: GemtextDocument, survey: Survey, step: Step, reply: AnswersLike): boolean {
  if (step.type === 'consent') {
    doc.text(reply.consentQuote ? 'Yes' : 'No');
    return true;
  }
  if (step.type === 'line') {
    const value = step.key === fixedFields.contact ? reply.contact : reply.displayName;
    doc.text(value ?? NOT_ANSWERED);
    return value !== null;
  }
  const [described] = describeAnswers(
    survey,
    reply.answers.filter((a) => a.questionId === step.question.id && a.scope === step.scope),
  );
  if (!described) doc.text(NOT_ANSWERED);
  else if (described.long) doc.quote(described.values.join('\n'));
  else doc.text(described.values.join(', '));
  return described !== undefined;
}

/** Every step with its answer and a link to change it (`base`/q/<step>/change). */
export function writeAnswers(doc: GemtextDocument, survey: Survey, steps: readonly Step[], reply: AnswersLike, base: string | null): void {
  for (const step of steps) {
    doc.blank().heading(3, stepTitle(step));
    const answered = writeAnswer(doc, survey, step, reply);
    if (base !== null) doc.link(`${base}/q/${step.key}/change`, answered ? 'Change this answer' : 'Answer it');
  }
}

/** How a reader's answer travels, said once per question page. */
export const ROOM_NOTE =
  'Your answer travels in the address, which holds 1024 bytes: a letter of the English alphabet or a digit takes 1, a space 3, most other letters 6. The prompt says how many are left.';
