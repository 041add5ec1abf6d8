// The reader's side: the form, the thank-you page with the private link, and what that link
// allows (view, edit, delete). No account, no cookie, no JavaScript.
import { Router, type Response } from 'express';
import { loadSuggestions } from '../catalog/service.ts';
import type { Db } from '../db/client.ts';
import { NotFound } from '../errors.ts';
import { formBody, readForm } from '../http/form.ts';
import { findOpenSurvey, findSurvey, type Surveys } from '../surveys/registry.ts';
import type { Survey } from '../surveys/schema.ts';
import { describeAnswers } from './describe.ts';
import type { FormFields } from './form-body.ts';
import { fixedFields } from './fields.ts';
import { formView, replyToFields } from './form-view.ts';
import { readReplyForm, readSecret, type FieldErrors } from './read-form.ts';
import { newSecret, privateLink } from './secret.ts';
import { deleteReply, editReply, findReplyBySecret, submitReply, type StoredReply } from './service.ts';

const SECRET_PARAM = /^[A-Za-z0-9_-]{43}$/;

export function replyRoutes(db: Db, surveys: Surveys): Router {
  const router = Router();

  /** The form, new or (with `editing`) filled with a reply changed through its private link. */
  async function renderForm(res: Response, survey: Survey, values: FormFields, errors: FieldErrors, editing: { link: string; reply: StoredReply } | null, status = 200) {
    const view = formView(survey, await loadSuggestions(db), values, errors);
    res.status(status).render('replies/form', { ...view, action: editing ? `${editing.link}/edit` : `/s/${survey.slug}`, editing });
  }

  async function replyFor(secret: string) {
    const reply = SECRET_PARAM.test(secret) ? await findReplyBySecret(db, secret) : null;
    if (!reply) throw new NotFound('This private link matches no reply. It may have been deleted.');
    return { reply, survey: findSurvey(surveys, reply.surveySlug) };
  }

  // GET /s/:slug - the form, with a fresh secret for the private link
  router.get('/s/:slug', async (req, res) => {
    const survey = findOpenSurvey(surveys, req.params.slug);
    await renderForm(res, survey, new Map([[fixedFields.secret, [newSecret()]]]), {}, null);
  });

  // POST /s/:slug - store a pending reply, then show the thank-you page
  router.post('/s/:slug', formBody, async (req, res) => {
    const survey = findOpenSurvey(surveys, req.params.slug);
    const fields = readForm(req);
    const result = readReplyForm(survey, fields);
    const secret = readSecret(fields);
    if (!result.ok || secret === null) {
      const values = secret === null ? new Map([...fields, [fixedFields.secret, [newSecret()]]]) : fields;
      const errors = result.ok ? { form: 'The form had expired; please send it again.' } : result.errors;
      return renderForm(res, survey, values, errors, null, 400);
    }
    await submitReply(db, survey.slug, secret, result.reply);
    res.redirect(303, `${privateLink(secret)}?thanks`);
  });

  // GET /r/:secret - the reader's own reply (and the thank-you page after sending)
  router.get('/r/:secret', async (req, res) => {
    const { reply, survey } = await replyFor(req.params.secret);
    res.render('replies/private', {
      survey,
      reply,
      answers: describeAnswers(survey, reply.answers),
      // The author's corrections, each as it reads now and as the reader wrote it.
      corrections: reply.answers
        .filter((a) => a.original !== null || a.originalQuestionId !== null)
        .flatMap((a) => {
          const [now] = describeAnswers(survey, [a]);
          const [was] = describeAnswers(survey, [{ ...a, questionId: a.originalQuestionId ?? a.questionId, value: a.original ?? a.value }]);
          return now && was ? [{ now, was }] : [];
        }),
      link: privateLink(req.params.secret),
      fullLink: `${req.protocol}://${req.get('host') ?? 'localhost'}${privateLink(req.params.secret)}`,
      thanks: 'thanks' in req.query,
      edited: 'edited' in req.query,
    });
  });

  // GET /r/:secret/edit - the form again, filled with the reply
  router.get('/r/:secret/edit', async (req, res) => {
    const { reply } = await replyFor(req.params.secret);
    const survey = findOpenSurvey(surveys, reply.surveySlug);
    await renderForm(res, survey, replyToFields(survey, reply), {}, { link: privateLink(req.params.secret), reply });
  });

  // POST /r/:secret/edit - replace the answers; the reply waits for moderation again
  router.post('/r/:secret/edit', formBody, async (req, res) => {
    const { reply } = await replyFor(req.params.secret);
    const survey = findOpenSurvey(surveys, reply.surveySlug);
    const fields = readForm(req);
    const result = readReplyForm(survey, fields);
    if (!result.ok) return renderForm(res, survey, fields, result.errors, { link: privateLink(req.params.secret), reply }, 400);
    await editReply(db, reply.id, result.reply);
    res.redirect(303, `${privateLink(req.params.secret)}?edited`);
  });

  // GET /r/:secret/delete - ask before deleting
  router.get('/r/:secret/delete', async (req, res) => {
    const { survey } = await replyFor(req.params.secret);
    res.render('replies/delete', { survey, link: privateLink(req.params.secret) });
  });

  // POST /r/:secret/delete - delete the reply for good
  router.post('/r/:secret/delete', async (req, res) => {
    const { reply, survey } = await replyFor(req.params.secret);
    await deleteReply(db, reply.id);
    res.render('replies/deleted', { survey });
  });

  return router;
}
