// The reader's side: the form, the thank-you page with the private link, and what that link
// allows (view, edit, delete). No account, no cookie, no JavaScript.
import type { Request, RequestHandler, Response } from 'express';
import { loadSuggestions, type Suggestions } from '../catalog/service.ts';
import type { Db } from '../db/client.ts';
import { SingleFlight } from '../db/single-flight.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { NotFound } from '../errors.ts';
import { ClientKeys } from '../flood/client-key.ts';
import type { FormFields } from '../forms/body.ts';
import { readForm } from '../forms/request.ts';
import { DATABASE_RETRY_AFTER_SECONDS } from '../http/errors.ts';
import { describeAnswers, statusText } from '../surveys/describe.ts';
import { findOpenSurvey, findSurvey, SurveyClosed, type Surveys } from '../surveys/registry.ts';
import type { Survey } from '../surveys/schema.ts';
import type { SurveyStates } from '../surveys/state.ts';
import { fixedFields } from './fields.ts';
import { formView, replyToFields } from './form-view.ts';
import type { FieldErrors } from './read-form.ts';
import type { ReplyPolicy } from './policy.ts';
import { newFormToken, receiveReply, reviseReply, type Received, type ReceiveContext } from './receive.ts';
import { privateLink } from './secret.ts';
import { deleteReply, findReplyBySecret, type StoredReply } from './service.ts';

interface Editing {
  link: string;
  reply: StoredReply;
}

const SECRET_PARAM = /^[A-Za-z0-9_-]{43}$/;

const unavailable = {
  status: 503,
  errors: {
    form: 'Postbag cannot reach its database right now, so nothing was stored yet: please send it again in a minute.',
  },
  retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
};

export function replyHandlers(db: Db, surveys: Surveys, states: SurveyStates, policy: ReplyPolicy) {
  const clientKeys = new ClientKeys(db);
  const context = (req: Request): ReceiveContext => ({ db, policy, clientKeys, address: req.ip, origin: { channel: 'web' } });

  // While the database is away the form still renders, with the last name suggestions seen.
  let lastSuggestions: Suggestions = new Map();
  const suggestionReads = new SingleFlight<Suggestions>();
  async function suggestions(): Promise<Suggestions> {
    try {
      return (lastSuggestions = await suggestionReads.run('', () => loadSuggestions(db)));
    } catch (err) {
      if (isDatabaseUnavailable(err)) return lastSuggestions;
      throw err;
    }
  }

  /** The form, new or (with `editing`) filled with a reply changed through its private link. */
  async function renderForm(res: Response, survey: Survey, values: FormFields, errors: FieldErrors, editing: Editing | null, status = 200) {
    const view = formView(survey, await suggestions(), values, errors);
    const action = editing ? `${editing.link}/edit` : `/s/${survey.slug}/replies`;
    res.status(status).render('replies/form', { ...view, action, editing });
  }

  /** The outcome of a send: to the private link, or the form again with what was typed. */
  async function answer(
    res: Response,
    survey: Survey,
    fields: FormFields,
    editing: Editing | null,
    receiving: Promise<Received<{ secret: string }>>,
    thanks: string,
  ) {
    const outcome = await receiving.catch((err: unknown) => {
      if (isDatabaseUnavailable(err)) return { stored: false as const, ...unavailable };
      throw err;
    });
    if (outcome.stored) return res.redirect(303, `${privateLink(outcome.secret)}?${thanks}`);
    if (outcome.retryAfterSeconds !== undefined) res.set('Retry-After', String(outcome.retryAfterSeconds));
    const values = 'token' in outcome && outcome.token !== undefined ? new Map([...fields, [fixedFields.token, [outcome.token]]]) : fields;
    await renderForm(res, survey, values, outcome.errors, editing, outcome.status);
  }

  /**
   * The survey, if it takes replies; else the page that says it is closed and links to its
   * tally (410), and null. `sent`: a form came, and was not stored.
   */
  async function openSurveyOr(res: Response, slug: string, sent: boolean): Promise<Survey | null> {
    try {
      return await findOpenSurvey(surveys, states, slug);
    } catch (err) {
      if (!(err instanceof SurveyClosed)) throw err;
      res.status(410).render('surveys/closed', { survey: err.survey, sent });
      return null;
    }
  }

  async function replyFor(req: Request) {
    const secret = String(req.params.secret);
    const reply = SECRET_PARAM.test(secret) ? await findReplyBySecret(db, secret) : null;
    if (!reply) throw new NotFound('This private link matches no reply. It may have been deleted.');
    return { reply, secret, survey: findSurvey(surveys, reply.surveySlug) };
  }

  // GET /s/:slug - the form, with a fresh token (which holds the secret of the private link)
  const newForm: RequestHandler = async (req, res) => {
    const survey = await openSurveyOr(res, String(req.params.slug), false);
    if (!survey) return;
    // Back, after sending, must show this very form again (same token, so sending again edits
    // the reply instead of adding one): the browser may keep it, though only for its own
    // history, and revalidates on a new visit (which gets a new token). The form is sent to
    // another address (POST …/replies) because a POST to this one would drop the kept copy.
    res.set('Cache-Control', 'private, no-cache');
    await renderForm(res, survey, new Map([[fixedFields.token, [newFormToken(policy, survey)]]]), {}, null);
  };

  // POST /s/:slug/replies - store the reply, then show the thank-you page
  const submit: RequestHandler = async (req, res) => {
    const survey = await openSurveyOr(res, String(req.params.slug), true);
    if (!survey) return;
    const fields = readForm(req);
    await answer(res, survey, fields, null, receiveReply(context(req), survey, fields), 'thanks');
  };
  // GET /r/:secret - the reader's own reply (and the thank-you page after sending)
  const show: RequestHandler = async (req, res) => {
    const { reply, secret, survey } = await replyFor(req);
    res.render('replies/private', {
      survey,
      open: await states.isOpen(survey),
      reply,
      answers: describeAnswers(survey, reply.answers),
      statusText,
      // The author's corrections, each as it reads now and as the reader wrote it.
      corrections: reply.answers
        .filter((a) => a.original !== null || a.originalQuestionId !== null)
        .flatMap((a) => {
          const [now] = describeAnswers(survey, [a]);
          const [was] = describeAnswers(survey, [{ ...a, questionId: a.originalQuestionId ?? a.questionId, value: a.original ?? a.value }]);
          return now && was ? [{ now, was }] : [];
        }),
      link: privateLink(secret),
      fullLink: `${req.protocol}://${req.get('host') ?? 'localhost'}${privateLink(secret)}`,
      thanks: 'thanks' in req.query,
      edited: 'edited' in req.query,
    });
  };

  // A reply to a survey closed since can still be seen and deleted through its link, not changed.
  function refuseClosed(res: Response, survey: Survey, secret: string, sentChanges: boolean) {
    res.status(410).render('replies/closed', { survey, link: privateLink(secret), sentChanges });
  }

  // GET /r/:secret/edit - the form again, filled with the reply
  const editForm: RequestHandler = async (req, res) => {
    const { reply, secret, survey } = await replyFor(req);
    if (!(await states.isOpen(survey))) return refuseClosed(res, survey, secret, false);
    await renderForm(res, survey, replyToFields(survey, reply), {}, { link: privateLink(secret), reply });
  };

  // POST /r/:secret/edit - replace the answers; the reply waits for moderation again
  const saveEdit: RequestHandler = async (req, res) => {
    const { reply, secret, survey } = await replyFor(req);
    if (!(await states.isOpen(survey))) return refuseClosed(res, survey, secret, true);
    const fields = readForm(req);
    const revising = reviseReply(context(req), survey, reply, fields).then((r) => (r.stored ? { ...r, secret } : r));
    await answer(res, survey, fields, { link: privateLink(secret), reply }, revising, 'edited');
  };

  // GET /r/:secret/delete - ask before deleting
  const confirmDelete: RequestHandler = async (req, res) => {
    const { survey, secret } = await replyFor(req);
    res.render('replies/delete', { survey, link: privateLink(secret) });
  };

  // POST /r/:secret/delete - delete the reply for good
  const deleteNow: RequestHandler = async (req, res) => {
    const { reply, survey } = await replyFor(req);
    await deleteReply(db, reply.id);
    res.render('replies/deleted', { survey });
  };

  return { newForm, submit, show, editForm, saveEdit, confirmDelete, delete: deleteNow };
}
