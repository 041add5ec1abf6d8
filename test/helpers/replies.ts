// The one way tests make readers' replies. Two roads, chosen by what the test is about:
// - stored directly in the database (`storeReply`, `storeReplies`, `publishReply`), with the
//   status, dates and answers the test needs, for tests about what happens to stored replies;
// - sent through the reader's form over HTTP (`sendReply`, `openForm`, `postForm`), for tests
//   about the form itself or the reader's whole path.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Db } from '../../src/db/client.ts';
import type { Status } from '../../src/moderation/schema.ts';
import { readReplyForm } from '../../src/replies/read-form.ts';
import { hashSecret, newSecret } from '../../src/replies/secret.ts';
import type { Surveys } from '../../src/surveys/registry.ts';

/** Form fields in the order a browser sends them; a name repeats for each ticked box. */
export type FormPairs = [string, string][];

export interface AnswerRecord {
  questionId: string;
  /** The option the question is asked for (clients of "matrix"), "" for a question asked once. */
  scope?: string;
  /** Its place among the answers to the same question and scope; counted in order unless told. */
  position?: number;
  value: string;
  isOther?: boolean;
  nameKey?: string | null;
}

export interface ReplyRecord {
  survey?: string;
  status?: Status;
  answers?: AnswerRecord[];
  displayName?: string | null;
  contact?: string | null;
  consentQuote?: boolean;
  createdAt?: Date;
  /** When the author last changed its status; a moderated reply gets MODERATED_AT unless told. */
  moderatedAt?: Date;
  /** Its private link's secret; a new one unless told. */
  secret?: string;
}

export const MODERATED_AT = new Date('2026-05-10T12:00:00Z');

/** The reply most tests need: one reader who picked Matrix. */
export const matrixOnly: AnswerRecord[] = [{ questionId: 'messengers', value: 'matrix' }];

function replyRow(record: ReplyRecord, secret: string) {
  const status = record.status ?? 'pending';
  return {
    surveySlug: record.survey ?? 'leaving-session',
    status,
    secretHash: hashSecret(secret),
    displayName: record.displayName ?? null,
    contact: record.contact ?? null,
    consentQuote: record.consentQuote ?? false,
    createdAt: record.createdAt,
    moderatedAt: status === 'pending' ? null : (record.moderatedAt ?? MODERATED_AT),
  };
}

/** The answers as the form stores them: positions count from 0 within each question and scope. */
function answerRows(answers: AnswerRecord[]) {
  const next = new Map<string, number>();
  return answers.map((a) => {
    const scope = a.scope ?? '';
    const key = `${a.questionId}\u0000${scope}`;
    const position = a.position ?? next.get(key) ?? 0;
    next.set(key, position + 1);
    return { questionId: a.questionId, scope, position, value: a.value, isOther: a.isOther ?? false, nameKey: a.nameKey ?? null };
  });
}

/**
 * Stores one reply as it would be after the reader sent it (and the author moderated it, for any
 * status but pending). Returns the stored row and the secret of its private link.
 */
export async function storeReply(db: Db, record: ReplyRecord = {}) {
  const secret = record.secret ?? newSecret();
  const stored = await db.reply.create({
    data: { ...replyRow(record, secret), answers: { createMany: { data: answerRows(record.answers ?? matrixOnly) } } },
  });
  return { ...stored, secret };
}

/** Stores many replies in two statements, for tests about pages, batches and limits. */
export async function storeReplies(db: Db, records: ReplyRecord[]): Promise<void> {
  const rows = records.map((record) => ({ id: randomUUID(), ...replyRow(record, newSecret()) }));
  await db.reply.createMany({ data: rows });
  await db.answer.createMany({
    data: records.flatMap((record, i) => answerRows(record.answers ?? matrixOnly).map((a) => ({ ...a, replyId: rows[i]!.id }))),
  });
}

/**
 * The record of a reply whose answers went through the reader form's own reader, so they are
 * stored exactly as a reader's would be (positions, name keys, consent).
 */
export function formRecord(surveys: Surveys, pairs: FormPairs, survey = 'leaving-session'): ReplyRecord {
  const fields = new Map<string, string[]>();
  for (const [name, value] of pairs) fields.set(name, [...(fields.get(name) ?? []), value]);
  const read = readReplyForm(surveys.get(survey)!, fields);
  assert.ok(read.ok, `the form refused the reply: ${JSON.stringify(read.ok ? null : read.errors)}`);
  return { survey, ...read.reply };
}

export interface Publication {
  survey?: string;
  status?: Status;
  /** When the author approved (or rejected…) it: its moderated_at. */
  approvedAt?: Date;
}

/** A reply filled in as `pairs`, stored as the author approved it (or with another status). */
export function publishReply(db: Db, surveys: Surveys, pairs: FormPairs, publication: Publication = {}) {
  const record = formRecord(surveys, pairs, publication.survey);
  return storeReply(db, { ...record, status: publication.status ?? 'approved', moderatedAt: publication.approvedAt });
}

export function postForm(app: Express, path: string, pairs: FormPairs) {
  return request(app).post(path).type('form').send(new URLSearchParams(pairs).toString());
}

/** The token field of a rendered form, as a browser would send it back. */
export function tokenOf(html: string): string {
  const match = /name="token" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('the form has no token field');
  return match[1]!;
}

/** The private link's secret that a form token carries (src/replies/form-token.ts). */
export function secretIn(token: string): string {
  return token.split('.')[1]!;
}

/** Opens a survey's form as a reader does; returns the token it carries. */
export async function openForm(app: Express, survey = 'leaving-session'): Promise<string> {
  return tokenOf((await request(app).get(`/s/${survey}`).expect(200)).text);
}

/** A reader opens the form, fills it in as `pairs` and sends it; returns their private link's secret. */
export async function sendReply(app: Express, pairs: FormPairs, survey = 'leaving-session'): Promise<string> {
  const token = await openForm(app, survey);
  const sent = await postForm(app, `/s/${survey}/replies`, [['token', token], ...pairs]).expect(303);
  const secret = secretIn(token);
  assert.equal(sent.headers.location, `/r/${secret}?thanks`);
  return secret;
}
