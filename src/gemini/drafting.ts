// Answering a survey one question per request. Before the first answer nothing is stored: the
// pages under /a/new/<slug>/ only show questions. The first answer makes a draft and moves the
// reader to /a/d/<token>/, where each answer replaces the draft's, until the review and sending.
import { catalogOf } from '../catalog/kinds.ts';
import { loadSuggestions, suggestionKey } from '../catalog/service.ts';
import { GemtextDocument } from '../gemtext/document.ts';
import { readerLine } from '../gemtext/sanitize.ts';
import { NotFound } from '../errors.ts';
import type { FormFields } from '../forms/body.ts';
import { readReplyForm } from '../replies/read-form.ts';
import { acceptReply } from '../replies/receive.ts';
import { privateLink } from '../replies/secret.ts';
import { findOpenSurvey } from '../surveys/registry.ts';
import type { Survey } from '../surveys/schema.ts';
import { clientOrNull, receiving, saidYes, type Context, type Handler } from './context.ts';
import { claimDraft, createDraft, DRAFT_LIFETIME_MS, draftSecret, findDraft, saveDraft } from './drafts.ts';
import { input, page, redirect, refused } from './response.ts';
import { isRequired, othersOf, stepError, stepFields, stepsOf, stepTitle, type Step } from './steps.ts';
import { takeAnswer } from './take-answer.ts';
import { ROOM_NOTE, writeAnswer, writeAnswers, writeQuestion } from './views.ts';

const EXPIRED = `This draft has expired (drafts are kept ${DRAFT_LIFETIME_MS / 3600_000} hours after the last answer) or never existed: start again from the survey's page`;

interface Place {
  survey: Survey;
  fields: FormFields;
  /** /a/new/<slug> before the first answer, /a/d/<token> after. */
  base: string;
  token: string | null;
}

async function placeOf({ params, deps }: Context): Promise<Place> {
  if (params.token === undefined) {
    const survey = await findOpenSurvey(deps.surveys, deps.states, params.slug!);
    return { survey, fields: new Map(), base: `/a/new/${survey.slug}`, token: null };
  }
  const draft = await findDraft(deps.db, params.token);
  if (!draft) throw new NotFound(EXPIRED);
  return { survey: await findOpenSurvey(deps.surveys, deps.states, draft.surveySlug), fields: draft.fields, base: `/a/d/${draft.token}`, token: draft.token };
}

// …/q/<step> - the question in full, the answer so far, links to answer, go on, or review
export const questionPage: Handler = async (context) => {
  const { survey, fields, base, token } = await placeOf(context);
  const { steps, reading } = stepsOf(survey, fields);
  const index = steps.findIndex((step) => step.key === context.params.step);
  if (index === -1) throw new NotFound('This survey asks no such question of you');
  const step = steps[index]!;
  const answered = stepFields(step).some((field) => fields.has(field));
  const next = steps[index + 1];

  // No "of N": the options picked decide how many questions follow.
  const doc = new GemtextDocument()
    .heading(1, survey.title)
    .blank()
    .heading(2, `Question ${index + 1}`);
  writeQuestion(doc, step, await suggestionsFor(context, survey, step));
  if (answered) writeAnswer(doc.blank().text('Your answer now:'), survey, step, reading.reply);
  doc.blank().link(`${base}/q/${step.key}/answer`, answered ? 'Change this answer' : 'Answer');
  if (answered || !isRequired(step)) {
    const label = answered ? 'Keep it and go on' : 'Skip this question';
    if (next) doc.link(`${base}/q/${next.key}`, label);
    else if (token !== null) doc.link(`${base}/review`, label);
  }
  if (token !== null) doc.link(`${base}/review`, 'See all your answers');
  doc.blank().text(ROOM_NOTE);
  return page(doc);
};

/** …/q/<step>/answer goes on to the next question; …/q/<step>/change back to the review. */
export function answering(then: 'next' | 'review'): Handler {
  return async (context) => {
    const { db } = context.deps;
    const { survey, fields, token } = await placeOf(context);
    const taken = takeAnswer(context.request, survey, fields, context.params.step!);
    if (!taken.ok) return taken.response;
    if (token !== null && !(await saveDraft(db, token, taken.fields))) throw new NotFound(EXPIRED);
    const base = `/a/d/${token ?? (await createDraft(db, survey.slug, taken.fields))}`;
    const { steps } = stepsOf(survey, taken.fields);
    const next = then === 'next' ? steps[steps.findIndex((step) => step.key === taken.step.key) + 1] : undefined;
    return redirect(next ? `${base}/q/${next.key}` : `${base}/review`);
  };
}

// /a/d/<token>/review - every answer with a link to change it, what is missing, and sending
export const review: Handler = async (context) => {
  const { survey, fields, base } = await placeOf(context);
  const { steps, reading } = stepsOf(survey, fields);
  const doc = new GemtextDocument().heading(1, `Your answers to “${survey.title}”`).blank();
  doc.text('Check them, change any, then send. Nothing is published before the author has read it.');
  writeAnswers(doc, survey, steps, reading.reply, base);
  doc.blank().heading(2, 'Sending');
  const problems = steps.flatMap((step) => {
    const problem = stepError(step, reading.errors);
    return problem === null ? [] : [{ step, problem }];
  });
  for (const { step, problem } of problems) doc.text(`${stepTitle(step)}: ${problem}`).link(`${base}/q/${step.key}/change`, 'Answer it');
  if (problems.length === 0) doc.link(`${base}/send`, 'Send your reply');
  doc.text(`Your answers are kept for ${DRAFT_LIFETIME_MS / 3600_000} hours after the last one.`);
  return page(doc);
};

// /a/d/<token>/send - asks to confirm, then stores the reply as pending and gives its private link
export const send: Handler = async (context) => {
  const { request, deps } = context;
  const { survey, fields, base, token } = await placeOf(context);
  const read = readReplyForm(survey, fields);
  if (!read.ok) return redirect(`${base}/review`);
  const confirm = `Send your reply to “${readerLine(survey.title, 80)}”? Type yes to send it`;
  if (request.input === null) return input(confirm);
  if (!saidYes(request)) return input(`Nothing was sent. ${confirm}, or go back to your answers`);
  if (token === null) throw new NotFound(EXPIRED);
  const geminiClient = await clientOrNull(context);
  // The draft's secret is the same for every send of it: two sends store one reply.
  const received = await acceptReply(receiving(context, geminiClient), survey, draftSecret(deps.replyPolicy.tokenKey, token), fields);
  if (!received.stored) return refused(received);
  await claimDraft(deps.db, token);
  return redirect(privateLink(received.secret));
};

/** The catalog's names for a names question, or a choice's "other" names. */
async function suggestionsFor({ deps }: Context, survey: Survey, step: Step): Promise<readonly string[]> {
  if (step.type !== 'question') return [];
  const kind = step.question.kind === 'names' ? step.question.catalog : othersOf(step)?.catalog;
  if (kind === undefined) return [];
  return (await loadSuggestions(deps.db)).get(suggestionKey(catalogOf(survey), step.scope, kind)) ?? [];
}
