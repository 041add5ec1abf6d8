// Turns a submitted form into a reply, or into a message per faulty field. Every value is
// bounded, every option checked against the survey, and nothing unexpected is stored.
import type { FormFields } from '../forms/body.ts';
import { checkLine, checkText } from '../forms/text.ts';
import { limits } from '../forms/limits.ts';
import { scopesOf } from '../surveys/layout.ts';
import { fieldName, fixedFields, otherFieldName } from './fields.ts';
import { nameKey } from '../catalog/normalise.ts';
import type { ChoiceQuestion, Question, Survey } from '../surveys/schema.ts';

export interface AnswerInput {
  questionId: string;
  scope: string;
  position: number;
  value: string;
  isOther: boolean;
  nameKey: string | null;
}

export interface ReplyInput {
  displayName: string | null;
  contact: string | null;
  consentQuote: boolean;
  answers: AnswerInput[];
}

export type FieldErrors = Record<string, string>;
export type ReadResult = { ok: true; reply: ReplyInput } | { ok: false; errors: FieldErrors };

/** What separates names typed into one field ("Signal, SimpleX"). */
export const NAME_SEPARATORS = /[,;\n]/;

export function readReplyForm(survey: Survey, fields: FormFields): ReadResult {
  const { reply, errors } = readReplyFields(survey, fields);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, reply };
}

/**
 * Everything valid in the fields, and a message per faulty field. Answers given one at a time
 * (over Gemini) are checked with it while other fields are still missing or wrong.
 */
export function readReplyFields(survey: Survey, fields: FormFields): { reply: ReplyInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const answers: AnswerInput[] = [];
  const picked = new Map<string, Set<string>>();

  const single = (field: string): string | undefined => {
    const values = fields.get(field) ?? [];
    if (values.length > 1) errors[field] = 'This field was sent more than once.';
    return values[0];
  };
  const line = (field: string, max: number): string | null => {
    const raw = single(field);
    if (raw === undefined) return null;
    const checked = checkLine(raw, max);
    if (!checked.ok) errors[field] = checked.message;
    return checked.ok && checked.value !== '' ? checked.value : null;
  };

  for (const question of survey.questions) {
    for (const scope of scopesOf(survey, question)) {
      const field = fieldName(question, scope);
      const before = answers.length;
      readQuestion(question, scope, field);
      const answered = answers.length > before;
      const asked = question.each === undefined || picked.get(question.each)!.has(scope);
      if (answered && !asked) {
        errors[field] ??= `You answered this for ${optionLabel(survey, question.each!, scope)} but did not pick it above.`;
      }
      if (question.required && asked && !answered) errors[field] ??= 'Please answer this question.';
    }
  }

  function readQuestion(question: Question, scope: string, field: string): void {
    let position = 0;
    const add = (value: string, isOther: boolean, key: string | null) =>
      answers.push({ questionId: question.id, scope, position: position++, value, isOther, nameKey: key || null });

    if (question.kind === 'text') {
      const raw = single(field);
      if (raw === undefined) return;
      const checked = checkText(raw, question.maxLength);
      if (!checked.ok) errors[field] = checked.message;
      else if (checked.value !== '') add(checked.value, false, null);
      return;
    }
    if (question.kind === 'names') {
      const values = (fields.get(field) ?? []).slice();
      if (values.length > question.max) errors[field] = `Please name at most ${question.max}.`;
      for (const name of distinctNames(values, field, limits.name, errors)) add(name, false, nameKey(name));
      return;
    }
    // A listed option typed under "other" ("Matrix" again) counts as picking it, once.
    const optionOf = new Map(question.options.flatMap((o) => [[nameKey(o.label), o.id] as const, [nameKey(o.id), o.id] as const]));
    const typed = question.other && scope === '' ? readOthers(question, fields, errors) : [];
    const others = typed.filter((name) => !optionOf.has(nameKey(name)));
    const chosen = [
      ...new Set([...readChoice(question, fields.get(field) ?? [], field, errors), ...typed.flatMap((name) => optionOf.get(nameKey(name)) ?? [])]),
    ];
    if (!question.multiple && chosen.length + others.length > 1) errors[field] ??= 'Please pick only one.';
    chosen.forEach((optionId) => add(optionId, false, null));
    others.forEach((name) => add(name, true, nameKey(name)));
    if (scope === '') picked.set(question.id, new Set(chosen));
  }

  const displayName = line(fixedFields.displayName, limits.displayName);
  const contact = line(fixedFields.contact, limits.contact);
  const consent = single(fixedFields.consent);
  if (consent !== undefined && consent !== 'yes') errors[fixedFields.consent] = 'Tick the box or leave it empty.';

  return { reply: { displayName, contact, consentQuote: consent === 'yes', answers }, errors };
}

function readChoice(question: ChoiceQuestion, values: readonly string[], field: string, errors: FieldErrors): string[] {
  const known = new Set(question.options.map((option) => option.id));
  // "" is the "No answer" radio: browsers cannot untick a radio, and some (lynx) tick the first.
  const chosen = [...new Set(values)].filter((value) => value !== '');
  if (chosen.some((value) => !known.has(value))) errors[field] = 'Please pick from the options listed.';
  else if (!question.multiple && chosen.length > 1) errors[field] = 'Please pick only one.';
  return chosen.filter((value) => known.has(value));
}

function readOthers(question: ChoiceQuestion, fields: FormFields, errors: FieldErrors): string[] {
  const field = otherFieldName(question);
  const values = fields.get(field) ?? [];
  if (values.length > 1) {
    errors[field] = 'This field was sent more than once.';
    return [];
  }
  const names = (values[0] ?? '').split(NAME_SEPARATORS);
  const distinct = distinctNames(names, field, limits.name, errors);
  if (distinct.length > question.other!.max) errors[field] = `Please name at most ${question.other!.max}.`;
  return distinct;
}

/** Trimmed, non-empty names with repeats ("Element", "element") dropped, in the order typed. */
function distinctNames(values: readonly string[], field: string, max: number, errors: FieldErrors): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const raw of values) {
    const checked = checkLine(raw, max);
    if (!checked.ok) {
      errors[field] = checked.message;
      continue;
    }
    const key = nameKey(checked.value) || checked.value;
    if (checked.value === '' || seen.has(key)) continue;
    seen.add(key);
    names.push(checked.value);
  }
  return names;
}

function optionLabel(survey: Survey, questionId: string, optionId: string): string {
  const question = survey.questions.find((q): q is ChoiceQuestion => q.id === questionId && q.kind === 'choice');
  return question?.options.find((option) => option.id === optionId)?.label ?? optionId;
}
