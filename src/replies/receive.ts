// A reader sends their answers (the web form, or a Gemini draft, as the web form's fields): the
// defences in order, then the reply placed where the policy says.
//   1. on the web, the form's token (made by Postbag, for this survey, not too fast, not too old);
//   2. the answers themselves (read-form.ts): every mistake reported at once;
//   3. the flood limits (per client and for everyone), counted in PostgreSQL;
//   4. the content rules (hold.ts), which hold a reply for the author and never drop it.
// A refusal stores nothing and gives the reader back everything they typed.
import type { Db } from '../db/client.ts';
import type { FormFields } from '../forms/body.ts';
import type { ClientKeys } from '../flood/client-key.ts';
import { countReply } from '../flood/limits.ts';
import type { Survey } from '../surveys/schema.ts';
import { fixedFields } from './fields.ts';
import { checkToken, issueToken } from './form-token.ts';
import { contentHolds, type HoldReason } from './hold.ts';
import type { ReplyPolicy } from './policy.ts';
import { readReplyForm, type FieldErrors, type ReplyInput } from './read-form.ts';
import { hashSecret } from './secret.ts';
import { editReply, isRepeatedText, REPEAT_MIN_LENGTH, storeReply, type Placement, type ReplyOrigin } from './service.ts';

export interface ReceiveContext {
  db: Db;
  policy: ReplyPolicy;
  clientKeys: ClientKeys;
  /** The client's address (never stored: only its keyed hash counts for the flood limits). */
  address: string | undefined;
  origin: ReplyOrigin;
}

export type Refusal = { status: 400 | 429; errors: FieldErrors; retryAfterSeconds?: number; token?: string };
export type Received<Stored = object> = ({ stored: true } & Stored) | ({ stored: false } & Refusal);

const REPEAT_DAYS = 30;

const tokenProblems = {
  forged: 'This form did not come from this page (or was changed on the way), so nothing was stored. Please check your answers and send them again.',
  expired: 'This form was open for too long, so nothing was stored. Please check your answers and send them again.',
  'too-fast': 'This form came back faster than a person can fill it in, so nothing was stored. Please check your answers and send them again.',
} as const;

export function newFormToken(policy: ReplyPolicy, survey: Survey): string {
  return issueToken(policy.tokenKey, survey.slug);
}

/** A new reply from the web form at /s/:slug, under the secret its token carries. */
export async function receiveReply(context: ReceiveContext, survey: Survey, fields: FormFields): Promise<Received<{ secret: string }>> {
  const { policy } = context;
  const sent = fields.get(fixedFields.token) ?? [];
  const token = sent.length === 1 ? checkToken(policy.tokenKey, survey.slug, sent[0]!, policy.form) : ({ ok: false, problem: 'forged' } as const);
  if (!token.ok) {
    const read = readReplyForm(survey, fields);
    // A too-fast form keeps its token: sent again, it is no longer too fast.
    const fresh = token.problem === 'too-fast' ? undefined : newFormToken(policy, survey);
    return { stored: false, status: 400, errors: { ...(read.ok ? {} : read.errors), form: tokenProblems[token.problem] }, token: fresh };
  }
  return acceptReply(context, survey, token.secret, fields);
}

/**
 * A new reply under `secret` (sent again under the same secret, it replaces itself): checked,
 * counted against the flood limits, placed and stored.
 */
export async function acceptReply(context: ReceiveContext, survey: Survey, secret: string, fields: FormFields): Promise<Received<{ secret: string }>> {
  const read = readReplyForm(survey, fields);
  if (!read.ok) return { stored: false, status: 400, errors: read.errors };
  const flooded = await floodCheck(context);
  if (flooded) return { stored: false, ...flooded };
  const placement = await place(context, survey, read.reply, hashSecret(secret), fields);
  const outcome = await storeReply(context.db, survey.slug, secret, read.reply, placement, context.origin);
  if (outcome === 'stored') return { stored: true, secret };
  // The secret is another survey's reply's: only a forged form can carry it.
  return { stored: false, status: 400, errors: { form: tokenProblems.forged }, token: newFormToken(context.policy, survey) };
}

/** The reader's new version of a stored reply (found by its private link, or over Gemini by certificate). */
export async function reviseReply(context: ReceiveContext, survey: Survey, reply: { id: string; secretHash: string }, fields: FormFields): Promise<Received> {
  const read = readReplyForm(survey, fields);
  if (!read.ok) return { stored: false, status: 400, errors: read.errors };
  const flooded = await floodCheck(context);
  if (flooded) return { stored: false, ...flooded };
  await editReply(context.db, reply.id, read.reply, await place(context, survey, read.reply, reply.secretHash, fields));
  return { stored: true };
}

async function floodCheck({ db, policy, clientKeys, address }: ReceiveContext): Promise<Refusal | null> {
  const check = await countReply(db, await clientKeys.of(address), policy.flood);
  if (check.allowed) return null;
  const minutes = Math.max(1, Math.ceil(check.retryAfterMs / 60_000));
  const message = `Many replies, or new versions of one, came from your network (or from everyone) in a short time, so this one was not stored yet: please send it again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  return { status: 429, errors: { form: message }, retryAfterSeconds: Math.ceil(check.retryAfterMs / 1000) };
}

async function place({ db, policy }: ReceiveContext, survey: Survey, reply: ReplyInput, secretHash: string, fields: FormFields): Promise<Placement> {
  const reasons: HoldReason[] = contentHolds(reply, policy);
  if ((fields.get(fixedFields.trap) ?? []).some((value) => value.trim() !== '')) reasons.unshift('honeypot');
  const texts = reply.answers.filter((a) => isTextQuestion(survey, a.questionId) && a.value.length >= REPEAT_MIN_LENGTH).map((a) => a.value);
  if (await isRepeatedText(db, texts, secretHash, REPEAT_DAYS)) reasons.push('repeated');
  const publish = policy.moderation === 'flagged' && reasons.length === 0;
  return { status: publish ? 'approved' : 'pending', holdReasons: reasons };
}

function isTextQuestion(survey: Survey, questionId: string): boolean {
  return survey.questions.some((q) => q.id === questionId && q.kind === 'text');
}
