// The gemini_draft table, and nothing else touches it: a reader's answers while they are still
// being given, one per request, under a short random token that the draft's addresses carry.
// A draft lasts DRAFT_LIFETIME_MS after its last answer; expired ones are never read and are
// deleted whenever a new draft is made. Every instance sees the same drafts.
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { FormFields } from '../forms/body.ts';

export const DRAFT_LIFETIME_MS = 2 * 60 * 60 * 1000;
/** Open drafts at once, all readers together: each holds a few kilobytes at most. */
export const MAX_OPEN_DRAFTS = 10_000;

/** 9 random bytes: 72 bits, 12 characters of the address. */
const TOKEN = /^[A-Za-z0-9_-]{12}$/;
const storedFields = z.record(z.string(), z.array(z.string()));

export interface Draft {
  token: string;
  surveySlug: string;
  fields: FormFields;
  expiresAt: Date;
}

/** Too many drafts are open: a flood, most likely. */
export class TooManyDrafts extends Error {}

export async function createDraft(db: Db, surveySlug: string, fields: FormFields, now = new Date()): Promise<string> {
  await pruneDrafts(db, now);
  if ((await db.geminiDraft.count()) >= MAX_OPEN_DRAFTS) throw new TooManyDrafts();
  const token = randomBytes(9).toString('base64url');
  await db.geminiDraft.create({ data: { token, surveySlug, fields: Object.fromEntries(fields), expiresAt: expiry(now) } });
  return token;
}

/** The draft, unless the token is malformed, unknown or expired. */
export async function findDraft(db: Db, token: string, now = new Date()): Promise<Draft | null> {
  if (!TOKEN.test(token)) return null;
  const row = await db.geminiDraft.findFirst({ where: { token, expiresAt: { gt: now } } });
  if (!row) return null;
  return { token, surveySlug: row.surveySlug, fields: new Map(Object.entries(storedFields.parse(row.fields))), expiresAt: row.expiresAt };
}

/** Replaces the draft's answers and gives it a new lifetime; false if it expired meanwhile. */
export async function saveDraft(db: Db, token: string, fields: FormFields, now = new Date()): Promise<boolean> {
  const { count } = await db.geminiDraft.updateMany({
    where: { token, expiresAt: { gt: now } },
    data: { fields: Object.fromEntries(fields), expiresAt: expiry(now) },
  });
  return count === 1;
}

/** Deletes the drafts that expired; returns how many. */
export async function pruneDrafts(db: Db, now = new Date()): Promise<number> {
  return (await db.geminiDraft.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}

/** Deletes a sent draft. */
export async function claimDraft(db: Db, token: string): Promise<void> {
  await db.geminiDraft.deleteMany({ where: { token } });
}

/**
 * The private-link secret of the reply a draft becomes: the same for every send of the draft,
 * so that two sends store one reply (as the web form's token does), and unknown to anyone
 * without the server's key, though the draft's token travels in addresses.
 */
export function draftSecret(key: string, token: string): string {
  return createHmac('sha256', key).update(`gemini draft\n${token}`).digest('base64url');
}

function expiry(now: Date): Date {
  return new Date(now.getTime() + DRAFT_LIFETIME_MS);
}
