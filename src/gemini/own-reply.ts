// A sent reply, for the reader who sent it: found by its private link (/r/<secret>, the same
// secret as on the web) or by the client certificate it was sent with (/a/mine/<slug>). Each
// change is one answer at a prompt and goes straight to the reply, which waits for the author
// again; deleting asks first.
import { GemtextDocument } from '../gemtext/document.ts';
import { readerLine } from '../gemtext/sanitize.ts';
import { NotFound } from '../errors.ts';
import { statusText } from '../surveys/describe.ts';
import { replyToFields } from '../replies/form-view.ts';
import { reviseReply } from '../replies/receive.ts';
import { privateLink } from '../replies/secret.ts';
import { deleteReply, findReplyByGeminiClient, findReplyBySecret, type StoredReply } from '../replies/service.ts';
import { findOpenSurvey, findSurvey } from '../surveys/registry.ts';
import { clientOf, clientOrNull, receiving, saidYes, type Context, type Handler } from './context.ts';
import { input, page, redirect, refused } from './response.ts';
import { surveySteps } from './steps.ts';
import { takeAnswer } from './take-answer.ts';
import { writeAnswers } from './views.ts';

interface Found {
  reply: StoredReply;
  /** /r/<secret> or /a/mine/<slug>. */
  base: string;
  /** The private link in full, when the reply was found by it. */
  link: string | null;
}

async function replyOf(context: Context): Promise<Found> {
  const { request, params, deps } = context;
  if (params.secret !== undefined) {
    const reply = await findReplyBySecret(deps.db, params.secret);
    if (!reply) throw new NotFound('This private link matches no reply. It may have been deleted');
    return { reply, base: privateLink(params.secret), link: `${request.origin}${privateLink(params.secret)}` };
  }
  const client = await clientOf(context, 'Choose a client certificate (an identity) to find the reply you sent with it');
  const reply = await findReplyByGeminiClient(deps.db, params.slug!, client);
  if (!reply) throw new NotFound('No reply to this survey was sent with this client certificate');
  return { reply, base: `/a/mine/${reply.surveySlug}`, link: null };
}

// /r/<secret>, /a/mine/<slug> - the reply, how it stands, a link to change each answer or delete it
export const replyPage: Handler = async (context) => {
  const { reply, base, link } = await replyOf(context);
  const survey = findSurvey(context.deps.surveys, reply.surveySlug);
  const open = await context.deps.states.isOpen(survey);
  const doc = new GemtextDocument().heading(1, `Your reply to “${survey.title}”`).blank();
  doc.text(`Status: ${statusText[reply.status]}. Sent ${reply.createdAt.toISOString().slice(0, 10)}.`);
  if (link === null) doc.text('Found by your client certificate.');
  else {
    doc.blank().heading(2, 'Your private link');
    doc.text(
      'Keep it to see, change or delete your reply later: bookmark it. Anyone who has it can do the same. Postbag keeps only a hash of it: a lost link cannot be found again.',
    );
    doc.link(link, link);
  }
  doc.blank().heading(2, 'Your answers');
  if (open) doc.text('A change sends the reply back to the author, who reads it again before it is published.');
  writeAnswers(doc, survey, surveySteps(survey, reply.answers), reply, open ? base : null);
  doc.blank().link(`${base}/delete`, 'Delete your reply').link(`/s/${survey.slug}/tally.gmi`, 'What readers answered so far');
  return page(doc);
};

// …/q/<step>/change - a prompt; the answer replaces the reply's
export const changeReply: Handler = async (context) => {
  const { request, deps } = context;
  const { reply, base } = await replyOf(context);
  const survey = await findOpenSurvey(deps.surveys, deps.states, reply.surveySlug);
  const taken = takeAnswer(request, survey, replyToFields(survey, reply), context.params.step!);
  if (!taken.ok) return taken.response;
  const received = await reviseReply(receiving(context, await clientOrNull(context)), survey, reply, taken.fields);
  // A 400 only when the survey file changed since the reply was sent: another answer is no longer valid.
  if (!received.stored) return refused(received);
  return redirect(base);
};

// …/delete - asks to confirm, then deletes the reply for good
export const deleteOwnReply: Handler = async (context) => {
  const { request, deps } = context;
  const { reply } = await replyOf(context);
  const survey = findSurvey(deps.surveys, reply.surveySlug);
  const confirm = `Delete your reply to “${readerLine(survey.title, 80)}” for good? Type yes to delete it`;
  if (request.input === null) return input(confirm);
  if (!saidYes(request)) return input(`Nothing was deleted. ${confirm}, or go back to your reply`);
  await deleteReply(deps.db, reply.id);
  const doc = new GemtextDocument().heading(1, 'Your reply is deleted').blank();
  doc.text(`Nothing of your reply to “${survey.title}” is kept.`).blank().link(`/s/${survey.slug}`, survey.title);
  return page(doc);
};
