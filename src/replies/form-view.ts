// Shapes a survey into what the form template draws, in the survey's layout (a fieldset per
// option for the questions asked per picked option), with the datalists its fields use, and
// the errors as a summary that says how to fix each one and links to where.
import { nameKey } from '../catalog/normalise.ts';
import type { Suggestions } from '../catalog/service.ts';
import { catalogOf } from '../catalog/kinds.ts';
import { suggestionKey } from '../catalog/service.ts';
import { scopesOf, surveyLayout } from '../surveys/layout.ts';
import type { ChoiceQuestion, Question, Survey } from '../surveys/schema.ts';
import type { FormFields } from '../forms/body.ts';
import { fieldName, fixedFields, fixedLabels, otherFieldName } from './fields.ts';
import type { FieldErrors } from './read-form.ts';
import { forRedisplay } from '../forms/text.ts';
import type { StoredReply } from './service.ts';

export interface FieldView {
  question: Question;
  name: string;
  otherName: string;
  /** id of the <datalist> with suggestions, when the question has a catalog. */
  listId: string | null;
  /** For a question asked per picked option: that option, and the question it is picked in. */
  about: { option: ChoiceQuestion['options'][number]; in: ChoiceQuestion } | null;
}

/** A line of the error summary; `fix` is a shorter link beside the field, when the fix is elsewhere. */
export interface Problem {
  text: string;
  href: string;
  fix: string | null;
}

export type Block = { type: 'question'; field: FieldView } | { type: 'group'; legend: string; optionId: string; fields: FieldView[] };

export interface FormView {
  survey: Survey;
  blocks: Block[];
  datalists: { id: string; names: readonly string[] }[];
  values: FormFields;
  errors: FieldErrors;
  problems: Map<string, Problem>;
  fixed: typeof fixedFields;
  labels: typeof fixedLabels;
  controlId: typeof controlId;
}

/** The id of a field's control (its first one, for a group of boxes), as the templates draw it. */
export function controlId(name: string): string {
  return 'f-' + name.replace(/[^a-z0-9-]/g, '-');
}

export function formView(survey: Survey, suggestions: Suggestions, values: FormFields, errors: FieldErrors): FormView {
  const datalists = new Map<string, readonly string[]>();
  const field = (question: Question, scope: string, about: FieldView['about'] = null): FieldView => {
    const kind = question.kind === 'names' ? question.catalog : question.kind === 'choice' ? question.other?.catalog : undefined;
    let listId: string | null = null;
    if (kind !== undefined) {
      listId = `names-${scope || 'any'}-${kind}`;
      datalists.set(listId, suggestions.get(suggestionKey(catalogOf(survey), scope, kind)) ?? []);
    }
    return { question, name: fieldName(question, scope), otherName: otherFieldName(question), listId, about };
  };

  const blocks: Block[] = surveyLayout(survey).map((item) =>
    item.type === 'question'
      ? { type: 'question', field: field(item.question, '') }
      : {
          type: 'group',
          legend: item.option.label,
          optionId: item.option.id,
          fields: item.questions.map((q) => field(q, item.option.id, { option: item.option, in: item.target })),
        },
  );
  const fields = blocks.flatMap((block) => (block.type === 'question' ? [block.field] : block.fields));
  return {
    survey,
    blocks,
    datalists: [...datalists].map(([id, names]) => ({ id, names })),
    values: new Map([...values].map(([name, given]) => [name, given.map(forRedisplay)])),
    errors,
    problems: new Map(Object.entries(errors).flatMap(([name, message]) => problemOf(fields, values, name, message))),
    fixed: fixedFields,
    labels: fixedLabels,
    controlId,
  };
}

/** How the list of problems names a fixed field. */
const summaryNames: Record<string, string> = {
  [fixedFields.displayName]: 'Name to show with your words',
  [fixedFields.contact]: 'Contact address',
  [fixedFields.consent]: 'May I quote you',
};

/**
 * Says how to fix one error, linking to the control that needs it: an unanswered required
 * question names itself, and answers given for an option not ticked ("clients for Matrix")
 * point at the box to tick rather than at the answers.
 */
function problemOf(fields: FieldView[], values: FormFields, name: string, message: string): [string, Problem][] {
  const given = (field: string) => (values.get(field) ?? []).some((value) => value.trim() !== '');
  const field = fields.find((f) => f.name === name || (f.otherName === name && f.question.kind === 'choice'));
  if (!field) return summaryNames[name] ? [[name, { text: `${summaryNames[name]}: ${message}`, href: `#${controlId(name)}`, fix: null }]] : [];
  const q = field.question;
  const id = controlId(field.name);
  if (name === field.otherName && q.kind === 'choice') return [[name, { text: `${q.other?.label}: ${message}`, href: `#${id}-other`, fix: null }]];
  const first = q.kind === 'choice' ? `${id}-${q.options[0]!.id}` : q.kind === 'names' ? `${id}-1` : id;
  const { about } = field;
  if (about && given(name) && !isPicked(about.in, about.option, values)) {
    const what = q.kind === 'names' ? `named ${about.option.label} ${q.catalog}s` : `answered “${q.label}” for ${about.option.label}`;
    const tick = `tick ${about.option.label} under “${about.in.label}”`;
    const href = `#${controlId(fieldName(about.in))}-${about.option.id}`;
    return [[name, { text: `You ${what} but did not tick ${about.option.label}: ${tick}.`, href, fix: `${tick[0]!.toUpperCase()}${tick.slice(1)}` }]];
  }
  if (q.required && !given(name) && !(q.kind === 'choice' && given(field.otherName))) {
    const how =
      q.kind === 'choice'
        ? (q.multiple ? 'tick at least one' : 'pick one') + (q.other ? ', or type one in' : '')
        : q.kind === 'names'
          ? 'name at least one'
          : 'write a few words';
    return [[name, { text: `“${q.label}” needs an answer: ${how}.`, href: `#${first}`, fix: null }]];
  }
  return [[name, { text: `${q.label}${about ? ` (${about.option.label})` : ''}: ${message}`, href: `#${first}`, fix: null }]];
}

/** Ticked, or typed under "other" (which counts as picking it, as the form reader decides). */
function isPicked(question: ChoiceQuestion, option: ChoiceQuestion['options'][number], values: FormFields): boolean {
  const typed = (values.get(otherFieldName(question)) ?? []).flatMap((text) => text.split(/[,;\n]/)).map(nameKey);
  return (values.get(fieldName(question)) ?? []).includes(option.id) || typed.includes(nameKey(option.label)) || typed.includes(nameKey(option.id));
}

/** A stored reply as the form fields that would have produced it, to prefill the edit form. */
export function replyToFields(survey: Survey, reply: StoredReply): FormFields {
  const fields = new Map<string, string[]>();
  const push = (name: string, value: string) => fields.set(name, [...(fields.get(name) ?? []), value]);
  for (const question of survey.questions) {
    for (const scope of scopesOf(survey, question)) {
      const answers = reply.answers.filter((a) => a.questionId === question.id && a.scope === scope);
      for (const answer of answers.filter((a) => !a.isOther)) push(fieldName(question, scope), answer.value);
      const others = answers.filter((a) => a.isOther).map((a) => a.value);
      if (others.length > 0) push(otherFieldName(question), others.join(', '));
    }
  }
  if (reply.displayName) push(fixedFields.displayName, reply.displayName);
  if (reply.contact) push(fixedFields.contact, reply.contact);
  if (reply.consentQuote) push(fixedFields.consent, 'yes');
  return fields;
}
