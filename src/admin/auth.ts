// Signing in and out. Failed attempts are slowed, then refused for a while (src/admin/throttle.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { TooManyRequests } from '../errors.ts';
import type { Handler } from '../forms/request.ts';
import { checkAuthorPassword } from './password.ts';
import type { AdminSessions } from './session.ts';
import { COOKIE_NAME, isSignedIn, signIn, signOut } from './session.ts';
import type { SignInThrottle } from './throttle.ts';

const DEVICE_COOKIE = 'postbag_device';

export const signInForm = z.object({ password: z.string().max(1024).catch('') });

export function authHandlers(db: Db, sessions: AdminSessions, throttle: SignInThrottle) {
  // GET /admin/sign-in - the password form
  const signInPage: RequestHandler = (req, res) => {
    if (isSignedIn(req)) return res.redirect(303, '/admin');
    res.render('admin/sign-in', { error: null });
  };

  // POST /admin/sign-in - check the password; a new session on success
  const signInWith: Handler<z.infer<typeof signInForm>> = async (req, res, { password }) => {
    const gate = await throttle.attempt(req.ip, deviceCookie(req));
    if (!gate.allowed) {
      const minutes = Math.max(1, Math.ceil((gate.blockedUntil!.getTime() - Date.now()) / 60_000));
      res.set('Retry-After', String(minutes * 60));
      throw new TooManyRequests(`Too many wrong passwords. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or set a new password with \`postbag set-password\`.`);
    }
    if (!(await checkAuthorPassword(db, password))) {
      await sleep(throttle.delayMs(gate));
      return res.status(401).render('admin/sign-in', { error: 'That is not the password.' });
    }
    await throttle.succeeded(gate);
    await signIn(req);
    res.cookie(DEVICE_COOKIE, throttle.newDeviceToken(), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/admin',
      maxAge: 365 * 24 * 60 * 60 * 1000,
    });
    res.redirect(303, '/admin/replies');
  };

  // POST /admin/sign-out - end the session
  const signOutNow: RequestHandler = async (req, res) => {
    await signOut(req);
    res.clearCookie(COOKIE_NAME, { path: '/admin' });
    res.redirect(303, '/admin/sign-in');
  };

  return { signInPage, signIn: signInWith, signOut: signOutNow };
}

function deviceCookie(req: Request): string | undefined {
  const match = new RegExp(`(?:^|;\\s*)${DEVICE_COOKIE}=([^;]+)`).exec(req.headers.cookie ?? '');
  return match?.[1];
}
