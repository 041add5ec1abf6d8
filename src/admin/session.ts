// The author's session: a cookie that exists only under /admin (readers never get one),
// HttpOnly, SameSite=Strict, Secure whenever the request came over HTTPS, with an idle
// expiry (renewed by each request) and an absolute one (counted from sign-in).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import type { Db } from '../db/client.ts';
import { randomSetting } from '../db/settings.ts';
import { PgSessionStore } from './session-store.ts';

declare module 'express-session' {
  interface SessionData {
    /** When the author signed in (ms since epoch); the session ends ABSOLUTE_MS later. */
    signedInAt: number;
    csrfToken: string;
  }
}

export const IDLE_MS = 2 * 60 * 60 * 1000;
export const ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
export const COOKIE_NAME = 'postbag_admin';

export interface AdminSessions {
  middleware: RequestHandler;
  /** The key that signs cookies, shared by every instance through the database. */
  key: string;
}

export async function adminSessions(db: Db): Promise<AdminSessions> {
  const key = await randomSetting(db, 'session_key');
  const store = new PgSessionStore(db, IDLE_MS);
  const middleware = session({
    name: COOKIE_NAME,
    secret: key,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: { httpOnly: true, sameSite: 'strict', secure: 'auto', path: '/admin', maxAge: IDLE_MS },
  });
  return { middleware, key };
}

export function isSignedIn(req: Request): boolean {
  const signedInAt = req.session?.signedInAt;
  return typeof signedInAt === 'number' && Date.now() - signedInAt < ABSOLUTE_MS;
}

/** Starts a fresh session (a new id, so a planted one is worthless) for the signed-in author. */
export async function signIn(req: Request, key: string): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  req.session.signedInAt = Date.now();
  req.session.csrfToken = newCsrfToken(key);
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

export async function signOut(req: Request): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}

export function csrfTokenMatches(req: Request, sent: string | undefined): boolean {
  const expected = req.session?.csrfToken;
  if (!expected || sent === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A session's CSRF token: when it was made, a random part, and an HMAC of both under the session
 * key. A live session checks it by equality (csrfTokenMatches); the HMAC lets Postbag tell, after
 * the session has ended, a form it gave the author from one made elsewhere (see carry.ts).
 */
export function newCsrfToken(key: string, now = Date.now()): string {
  const made = `${now.toString(36)}.${randomBytes(24).toString('base64url')}`;
  return `${made}.${csrfMac(key, made)}`;
}

/** Whether Postbag made this token for a session that may have lasted until now. */
export function isOurCsrfToken(key: string, token: string, now = Date.now()): boolean {
  const [time = '', random = '', mac = ''] = token.split('.');
  const expected = Buffer.from(csrfMac(key, `${time}.${random}`));
  const given = Buffer.from(mac);
  const age = now - parseInt(time, 36);
  return expected.length === given.length && timingSafeEqual(expected, given) && age >= 0 && age <= ABSOLUTE_MS + IDLE_MS;
}

function csrfMac(key: string, made: string): string {
  return createHmac('sha256', key).update(`csrf:${made}`).digest('base64url');
}
