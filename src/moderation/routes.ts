// The moderation pages (mounted under /admin behind the sign-in guard and CSRF check).
import { Router, type Response } from 'express';
import type { Db } from '../db/client.ts';
import { BadRequest, NotFound } from '../errors.ts';
import { formObject } from '../http/form.ts';
import type { FormFields } from '../replies/form-body.ts';
import { describeAnswers } from '../replies/describe.ts';
import type { Surveys } from '../surveys/registry.ts';
import { applyDecisions, correctAnswer, deleteReplyForGood, movableTo } from './actions.ts';
import { findReply, listQueue, type QueueReply } from './queue.ts';
import { correctionForm, decisionsOf, encodeCursor, moderateForm, queueQuery, uuidParam } from './schema.ts';

export function moderationRoutes(db: Db, surveys: Surveys): Router {
  const router = Router();
  const form = (res: Response): FormFields => res.locals.form as FormFields;

  async function replyOr404(id: string) {
    const parsed = uuidParam.safeParse(id);
    const reply = parsed.success ? await findReply(db, parsed.data) : null;
    if (!reply) throw new NotFound('This reply does not exist (any more).');
    return reply;
  }

  const present = (reply: QueueReply) => {
    const survey = surveys.get(reply.surveySlug);
    return {
      reply,
      surveyTitle: survey?.title ?? reply.surveySlug,
      answers: survey ? describeAnswers(survey, reply.answers) : [],
    };
  };

  // GET /admin - the queue
  router.get('/', (_req, res) => res.redirect(303, '/admin/replies'));

  // GET /admin/replies - replies of one status, searchable, newest or oldest first
  router.get('/replies', async (req, res) => {
    const query = queueQuery.parse(req.query);
    const { replies, hasMore } = await listQueue(db, query);
    const next = hasMore ? encodeCursor(replies.at(-1)!) : null;
    res.render('admin/queue', { query, items: replies.map(present), next, back: req.originalUrl });
  });

  // POST /admin/replies/moderate - approve, reject, mark as spam or return to pending (one or many)
  router.post('/replies/moderate', async (_req, res) => {
    // A reply's "leave as it is" radio sends an empty decision: nothing to do for that reply.
    const fields = Object.entries(formObject(form(res), ['ids'])).filter(([name, value]) => !(name.startsWith('decision.') && value === ''));
    const parsed = moderateForm.safeParse(decisionsOf(Object.fromEntries(fields)));
    if (!parsed.success) throw new BadRequest('Unknown moderation action.');
    await applyDecisions(db, parsed.data.decisions);
    res.redirect(303, parsed.data.back);
  });

  // GET /admin/replies/:id - one reply, with its answers open to correction
  router.get('/replies/:id', async (req, res) => {
    const reply = await replyOr404(req.params.id);
    res.render('admin/reply', { ...present(reply), survey: surveys.get(reply.surveySlug) ?? null, errors: {}, movableTo });
  });

  // POST /admin/replies/:id/answers/:answerId - correct one answer, keeping what the reader typed
  router.post('/replies/:id/answers/:answerId', async (req, res) => {
    const reply = await replyOr404(req.params.id);
    const survey = surveys.get(reply.surveySlug);
    const answerId = /^\d{1,18}$/.test(req.params.answerId) ? BigInt(req.params.answerId) : null;
    if (!survey || answerId === null) throw new NotFound('This answer does not exist (any more).');
    const parsed = correctionForm.safeParse(formObject(form(res)));
    if (!parsed.success) throw new BadRequest('The correction form is missing its value.');
    const refused = await correctAnswer(db, survey, { replyId: reply.id, answerId, ...parsed.data });
    if (refused) {
      return res.status(400).render('admin/reply', { ...present(reply), survey, errors: { [req.params.answerId]: refused }, movableTo });
    }
    res.redirect(303, `/admin/replies/${reply.id}`);
  });

  // GET /admin/replies/:id/delete - ask before deleting for good
  router.get('/replies/:id/delete', async (req, res) => {
    res.render('admin/delete', present(await replyOr404(req.params.id)));
  });

  // POST /admin/replies/:id/delete - delete for good (for readers who ask by e-mail)
  router.post('/replies/:id/delete', async (req, res) => {
    await deleteReplyForGood(db, (await replyOr404(req.params.id)).id);
    res.redirect(303, '/admin/replies');
  });

  return router;
}
