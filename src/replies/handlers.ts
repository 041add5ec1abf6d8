// The reader's side: the form, the thank-you page with the private link, and what that link
// allows (view, edit, delete). No account, no cookie, no JavaScript.
import type { Request, RequestHandler, Response } from 'express';
import { loadSuggestions } from '../catalog/service.ts';
import type { Db } from '../db/client.ts';
import { NotFound } from '../errors.ts';
import type { FormFields } from '../forms/body.ts';
import { readForm } from '../forms/request.ts';
import { describeAnswers } from '../surveys/describe.ts';
import { findOpenSurvey, findSurvey, type Surveys } from '../surveys/registry.ts';
import type { Survey } from '../surveys/schema.ts';
import { fixedFields } from './fields.ts';
import { formView, replyToFields } from './form-view.ts';
import { readReplyForm, readSecret, type FieldErrors } from './read-form.ts';
import { newSecret, privateLink } from './secret.ts';
import { deleteReply, editReply, findReplyBySecret, submitReply } from './service.ts';

const SECRET_PARAM = /^[A-Za-z0-9_-]{43}$/;

export function replyHandlers(db: Db, surveys: Surveys) {
  async function renderForm(res: Response, survey: Survey, values: FormFields, errors: FieldErrors, action: string, status = 200) {
    const view = formView(survey, await loadSuggestions(db), values, errors);
    res.status(status).render('replies/form', { ...view, action, editing: action !== `/s/${survey.slug}` });
  }

  async function replyFor(req: Request) {
    const secret = String(req.params.secret);
    const reply = SECRET_PARAM.test(secret) ? await findReplyBySecret(db, secret) : null;
    if (!reply) throw new NotFound('This private link matches no reply. It may have been deleted.');
    return { reply, secret, survey: findSurvey(surveys, reply.surveySlug) };
  }

  // GET /s/:slug - the form, with a fresh secret for the private link
  const newForm: RequestHandler = async (req, res) => {
    const survey = findOpenSurvey(surveys, String(req.params.slug));
    await renderForm(res, survey, new Map([[fixedFields.secret, [newSecret()]]]), {}, `/s/${survey.slug}`);
  };

  // POST /s/:slug - store a pending reply, then show the thank-you page
  const submit: RequestHandler = async (req, res) => {
    const survey = findOpenSurvey(surveys, String(req.params.slug));
    const fields = readForm(req);
    const result = readReplyForm(survey, fields);
    const secret = readSecret(fields);
    if (!result.ok || secret === null) {
      const values = secret === null ? new Map([...fields, [fixedFields.secret, [newSecret()]]]) : fields;
      const errors = result.ok ? { form: 'The form had expired; please send it again.' } : result.errors;
      return renderForm(res, survey, values, errors, `/s/${survey.slug}`, 400);
    }
    await submitReply(db, survey.slug, secret, result.reply);
    res.redirect(303, `${privateLink(secret)}?thanks`);
  };

  // GET /r/:secret - the reader's own reply (and the thank-you page after sending)
  const show: RequestHandler = async (req, res) => {
    const { reply, secret, survey } = await replyFor(req);
    res.render('replies/private', {
      survey,
      reply,
      answers: describeAnswers(survey, reply.answers),
      link: privateLink(secret),
      fullLink: `${req.protocol}://${req.get('host') ?? 'localhost'}${privateLink(secret)}`,
      thanks: 'thanks' in req.query,
      edited: 'edited' in req.query,
    });
  };

  // GET /r/:secret/edit - the form again, filled with the reply
  const editForm: RequestHandler = async (req, res) => {
    const { reply, secret } = await replyFor(req);
    const survey = findOpenSurvey(surveys, reply.surveySlug);
    await renderForm(res, survey, replyToFields(survey, reply), {}, `${privateLink(secret)}/edit`);
  };

  // POST /r/:secret/edit - replace the answers; the reply waits for moderation again
  const saveEdit: RequestHandler = async (req, res) => {
    const { reply, secret } = await replyFor(req);
    const survey = findOpenSurvey(surveys, reply.surveySlug);
    const fields = readForm(req);
    const result = readReplyForm(survey, fields);
    if (!result.ok) return renderForm(res, survey, fields, result.errors, `${privateLink(secret)}/edit`, 400);
    await editReply(db, reply.id, result.reply);
    res.redirect(303, `${privateLink(secret)}?edited`);
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
