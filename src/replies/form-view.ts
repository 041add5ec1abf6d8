// Shapes a survey into what the form template draws, in the survey's layout (a fieldset per
// option for the questions asked per picked option), with the datalists its fields use.
import type { Suggestions } from '../catalog/service.ts';
import { suggestionKey } from '../catalog/service.ts';
import { scopesOf, surveyLayout } from '../surveys/layout.ts';
import type { Question, Survey } from '../surveys/schema.ts';
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
}

export type Block =
  | { type: 'question'; field: FieldView }
  | { type: 'group'; legend: string; optionId: string; fields: FieldView[] };

export interface FormView {
  survey: Survey;
  blocks: Block[];
  datalists: { id: string; names: readonly string[] }[];
  values: FormFields;
  errors: FieldErrors;
  fixed: typeof fixedFields;
  labels: typeof fixedLabels;
}

export function formView(survey: Survey, suggestions: Suggestions, values: FormFields, errors: FieldErrors): FormView {
  const datalists = new Map<string, readonly string[]>();
  const field = (question: Question, scope: string): FieldView => {
    const kind = question.kind === 'names' ? question.catalog : question.kind === 'choice' ? question.other?.catalog : undefined;
    let listId: string | null = null;
    if (kind !== undefined) {
      listId = `names-${scope || 'any'}-${kind}`;
      datalists.set(listId, suggestions.get(suggestionKey(scope, kind)) ?? []);
    }
    return { question, name: fieldName(question, scope), otherName: otherFieldName(question), listId };
  };

  const blocks: Block[] = surveyLayout(survey).map((item) =>
    item.type === 'question'
      ? { type: 'question', field: field(item.question, '') }
      : { type: 'group', legend: item.option.label, optionId: item.option.id, fields: item.questions.map((q) => field(q, item.option.id)) },
  );
  return {
    survey,
    blocks,
    datalists: [...datalists].map(([id, names]) => ({ id, names })),
    values: new Map([...values].map(([name, given]) => [name, given.map(forRedisplay)])),
    errors,
    fixed: fixedFields,
    labels: fixedLabels,
  };
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
