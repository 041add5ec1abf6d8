// A survey as Gemini asks it: one step per question, in the web form's order (questions asked
// per picked option come as a group per option, and only for the options picked), then the
// fixed fields. Each step fills the web form's own fields, so the form's reader checks them.
import type { FormFields } from '../forms/body.ts';
import { limits } from '../forms/limits.ts';
import { fieldName, fixedFields, fixedLabels, otherFieldName } from '../replies/fields.ts';
import { readReplyFields, type AnswerInput, type FieldErrors } from '../replies/read-form.ts';
import { surveyLayout } from '../surveys/layout.ts';
import type { ChoiceQuestion, Question, Survey } from '../surveys/schema.ts';

export type Step =
  | { type: 'question'; key: string; question: Question; scope: string; about: string | null }
  | { type: 'line'; key: string; label: string; maxLength: number }
  | { type: 'consent'; key: string; label: string };

const fixedSteps: Step[] = [
  { type: 'line', key: fixedFields.displayName, label: fixedLabels.displayName, maxLength: limits.displayName },
  { type: 'line', key: fixedFields.contact, label: fixedLabels.contact, maxLength: limits.contact },
  { type: 'consent', key: fixedFields.consent, label: fixedLabels.consent },
];

/** The steps for a reader whose answers so far are `answers` (they decide the per-option groups). */
export function surveySteps(survey: Survey, answers: readonly Pick<AnswerInput, 'questionId' | 'scope' | 'value' | 'isOther'>[]): Step[] {
  const picked = (questionId: string, optionId: string) =>
    answers.some((a) => a.questionId === questionId && a.scope === '' && !a.isOther && a.value === optionId);
  const steps = surveyLayout(survey).flatMap((item): Step[] => {
    if (item.type === 'question') return [{ type: 'question', key: fieldName(item.question), question: item.question, scope: '', about: null }];
    if (!picked(item.target.id, item.option.id)) return [];
    return item.questions.map((question) => ({
      type: 'question',
      key: fieldName(question, item.option.id),
      question,
      scope: item.option.id,
      about: item.option.label,
    }));
  });
  return [...steps, ...fixedSteps];
}

/** The steps for the answers in `fields`, with what the form's reader makes of those fields. */
export function stepsOf(survey: Survey, fields: FormFields) {
  const reading = readReplyFields(survey, fields);
  return { steps: surveySteps(survey, reading.reply.answers), reading };
}

/** A choice's "other" (names typed beside the options), when the step takes them: only where asked once. */
export function othersOf(step: Step): ChoiceQuestion['other'] {
  return step.type === 'question' && step.question.kind === 'choice' && step.scope === '' ? step.question.other : undefined;
}

/** The form fields a step fills: a choice taking other names also fills its other field. */
export function stepFields(step: Step): string[] {
  return step.type === 'question' && othersOf(step) ? [step.key, otherFieldName(step.question)] : [step.key];
}

export function stepTitle(step: Step): string {
  if (step.type !== 'question') return step.label;
  return step.about === null ? step.question.label : `${step.question.label} (${step.about})`;
}

export function isRequired(step: Step): boolean {
  return step.type === 'question' && step.question.required;
}

/**
 * The fields with this step's answer replaced by `given`; answers to steps that no longer
 * exist (questions for an option no longer picked) are dropped. Also the message for the step,
 * if the form's reader finds fault with its answer.
 */
export function answerStep(survey: Survey, fields: FormFields, step: Step, given: FormFields) {
  const next = new Map(fields);
  for (const field of stepFields(step)) next.delete(field);
  for (const [field, values] of given) next.set(field, values);
  const kept = new Set(stepsOf(survey, next).steps.flatMap(stepFields));
  for (const field of next.keys()) if (!kept.has(field)) next.delete(field);
  const { errors } = readReplyFields(survey, next);
  return { fields: next as FormFields, error: stepError(step, errors) };
}

export function stepError(step: Step, errors: FieldErrors): string | null {
  return (
    stepFields(step)
      .map((field) => errors[field])
      .find((message) => message !== undefined) ?? null
  );
}
