// The moderation pages under /admin (src/routes.ts puts them behind the sign-in guard and the
// CSRF check).
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/client.ts';
import { NotFound } from '../errors.ts';
import type { Handler } from '../forms/request.ts';
import { flash } from '../http/flash.ts';
import { describeAnswers } from '../surveys/describe.ts';
import { holdReasons, type HoldReason } from '../replies/hold.ts';
import { newestFirst, type Surveys } from '../surveys/registry.ts';
import { applyDecisions, correctAnswer, deleteReplyForGood, movableTo } from './actions.ts';
import { countNewer, countsBySurvey } from './counts.ts';
import { findReply, listQueue, type QueueReply } from './queue.ts';
import { encodeCursor, uuidParam, type Correction, type Decisions, type QueueQuery, type Status } from './schema.ts';

export function moderationHandlers(db: Db, surveys: Surveys) {
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
      // Why a rule held it back (the reasons are the reader form's: src/replies/hold.ts).
      held: reply.holdReasons.map((reason) => holdReasons[reason as HoldReason] ?? reason),
    };
  };

  const renderReply = (res: Response, reply: QueueReply, errors: Record<string, string> = {}, status = 200) =>
    res.status(status).render('admin/reply', { ...present(reply), survey: surveys.get(reply.surveySlug) ?? null, errors, movableTo });

  // GET /admin/replies - replies of one status, of one survey or all, searchable, newest or oldest first
  const queue: Handler<QueueQuery> = async (req, res, query) => {
    const lastVisit = res.locals.lastVisit as Date | null;
    const [{ replies, hasMore }, bySurvey, newer] = await Promise.all([
      listQueue(db, query),
      countsBySurvey(db),
      lastVisit ? countNewer(db, query.status, lastVisit, query.survey) : 0,
    ]);
    const next = hasMore ? encodeCursor(replies.at(-1)!) : null;
    const perSurvey = newestFirst(surveys).map((s) => ({ slug: s.slug, title: s.title, count: bySurvey.get(s.slug)?.[query.status] ?? 0 }));
    const all = [...bySurvey.values()].reduce((sum, counts) => sum + counts[query.status], 0);
    /** This queue's address: its first page, or the page after the `after` cursor. */
    const url = (after?: string) => {
      const params = { status: query.status, order: query.order, q: query.q, survey: query.survey, after };
      const given = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
      return `/admin/replies?${new URLSearchParams(given).toString()}`;
    };
    res.render('admin/queue', { query, items: replies.map(present), next, back: req.originalUrl, perSurvey, all, newer, lastVisit, url });
  };

  // POST /admin/replies/moderate - approve, reject, mark as spam or return to pending (one or many)
  const decide: Handler<Decisions> = async (req, res, { decisions, back }) => {
    await flash(req, decisionsMessage(decisions.size, await applyDecisions(db, decisions)));
    res.redirect(303, back);
  };

  // GET /admin/replies/:id - one reply, with its answers open to correction
  const show: RequestHandler = async (req, res) => renderReply(res, await replyOr404(param(req, 'id')));

  // POST /admin/replies/:id/answers/:answerId - correct one answer, keeping what the reader typed
  const correct: Handler<Correction> = async (req, res, correction) => {
    const reply = await replyOr404(param(req, 'id'));
    const survey = surveys.get(reply.surveySlug);
    const answerParam = param(req, 'answerId');
    const answerId = /^\d{1,18}$/.test(answerParam) ? BigInt(answerParam) : null;
    if (!survey || answerId === null) throw new NotFound('This answer does not exist (any more).');
    const refused = await correctAnswer(db, survey, { replyId: reply.id, answerId, ...correction });
    if (refused) return renderReply(res, reply, { [answerParam]: refused }, 400);
    await flash(req, 'Correction saved. What the reader typed is kept beside it, and the reader sees it marked as yours.');
    res.redirect(303, `/admin/replies/${reply.id}`);
  };

  // GET /admin/replies/:id/delete - ask before deleting for good
  const confirmDelete: RequestHandler = async (req, res) => {
    res.render('admin/delete', present(await replyOr404(param(req, 'id'))));
  };

  // POST /admin/replies/:id/delete - delete for good (for readers who ask by e-mail)
  const deleteForGood: RequestHandler = async (req, res) => {
    const reply = await replyOr404(param(req, 'id'));
    await deleteReplyForGood(db, reply.id);
    await flash(req, 'The reply is deleted for good, and gone from the tally.');
    res.redirect(303, `/admin/replies?status=${reply.status}`);
  };

  return { queue, decide, show, correct, confirmDelete, delete: deleteForGood };
}

const decided: [Status, string][] = [
  ['approved', 'approved'],
  ['rejected', 'rejected'],
  ['spam', 'marked as spam'],
  ['pending', 'moved back to pending'],
];

/** What the author's decisions changed, said in one line: "2 replies approved and 1 rejected." */
export function decisionsMessage(asked: number, changed: ReadonlyMap<Status, number>): string {
  if (asked === 0) return 'No decision was chosen, so nothing changed.';
  const counts = decided.map(([status, verb]) => [changed.get(status) ?? 0, verb] as const).filter(([n]) => n > 0);
  const total = counts.reduce((sum, [n]) => sum + n, 0);
  if (total === 0) return 'Nothing changed: those replies already had that status, or were deleted meanwhile.';
  const parts = counts.map(([n, verb], i) => (i === 0 ? `${n} ${n === 1 ? 'reply' : 'replies'} ${verb}` : `${n} ${verb}`));
  const unchanged = asked - total;
  const rest = unchanged > 0 ? ` ${unchanged} already had that status, or no longer exist${unchanged === 1 ? 's' : ''}.` : '';
  return `${new Intl.ListFormat('en', { type: 'conjunction' }).format(parts)}.${rest}`;
}

function param(req: Request, name: string): string {
  return (req.params as Record<string, string>)[name] ?? '';
}
