// Signing in and out. Failed attempts are slowed, then refused for a while (src/admin/throttle.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { TooManyRequests } from '../errors.ts';
import { formObject, readForm } from '../http/form.ts';
import { checkAuthorPassword } from './password.ts';
import type { AdminSessions } from './session.ts';
import { COOKIE_NAME, isSignedIn, signIn, signOut } from './session.ts';
import type { SignInThrottle } from './throttle.ts';

const DEVICE_COOKIE = 'postbag_device';
const signInForm = z.object({ password: z.string().max(1024).catch('') });

export function authRoutes(db: Db, sessions: AdminSessions, throttle: SignInThrottle): Router {
  const router = Router();

  // GET /admin/sign-in - the password form
  router.get('/sign-in', (req, res) => {
    if (isSignedIn(req)) return res.redirect(303, '/admin');
    res.render('admin/sign-in', { error: null });
  });

  // POST /admin/sign-in - check the password; a new session on success
  router.post('/sign-in', async (req, res) => {
    const { password } = signInForm.parse(formObject(readForm(req)));
    const gate = await throttle.attempt(req.ip, deviceCookie(req.headers.cookie));
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
    await sessions.store.prune();
    await signIn(req);
    res.cookie(DEVICE_COOKIE, throttle.newDeviceToken(), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/admin',
      maxAge: 365 * 24 * 60 * 60 * 1000,
    });
    res.redirect(303, '/admin/replies');
  });

  return router;
}

/** POST /admin/sign-out - end the session (mounted behind the guard: it needs the CSRF token). */
export const signOutHandler: RequestHandler = async (req, res) => {
  await signOut(req);
  res.clearCookie(COOKIE_NAME, { path: '/admin' });
  res.redirect(303, '/admin/sign-in');
};

function deviceCookie(header: string | undefined): string | undefined {
  const match = new RegExp(`(?:^|;\\s*)${DEVICE_COOKIE}=([^;]+)`).exec(header ?? '');
  return match?.[1];
}
