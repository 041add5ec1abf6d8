// Signing in and out. Failed attempts are slowed, then refused for a while (src/admin/throttle.ts).
// Signing in leads back to the page that asked for it (a reply opened from the feed), and
// finishes a form sent after the session had ended (carry.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { TooManyRequests } from '../errors.ts';
import type { FormFields } from '../forms/body.ts';
import { readForm, type Handler } from '../forms/request.ts';
import { flash } from '../http/flash.ts';
import { FormCarrier, type Sealed } from './carry.ts';
import { checkAuthorPassword } from './password.ts';
import type { AdminSessions } from './session.ts';
import { COOKIE_NAME, isSignedIn, signIn, signOut } from './session.ts';
import type { SignInThrottle } from './throttle.ts';

const DEVICE_COOKIE = 'postbag_device';
const LANDING = '/admin/replies';

/** Where sign-in may lead: a page of the admin, never elsewhere (no open redirect). */
const adminPage = z
  .string()
  .max(1000)
  .regex(/^\/admin\/[\w/.~?=&%:+-]*$/);

export const signInForm = z.object({
  password: z.string().max(1024).catch(''),
  next: adminPage.optional().catch(undefined),
  carried: z.string().max(60_000).optional().catch(undefined),
  seal: z.string().max(100).optional().catch(undefined),
});
type SignInForm = z.infer<typeof signInForm>;

/** What finishes a carried form, by the admin route it was sent to. */
export type Resumable = Record<string, (req: Request, res: Response, fields: FormFields) => Promise<void> | void>;

export function authHandlers(db: Db, sessions: AdminSessions, throttle: SignInThrottle, resumable: Resumable) {
  const carrier = new FormCarrier(sessions.key);

  const renderSignIn = (res: Response, status: number, view: { error?: string; next?: string | undefined; carried?: Sealed | null }) =>
    res.status(status).render('admin/sign-in', { error: view.error ?? null, next: view.next ?? null, carried: view.carried ?? null });

  // GET /admin/sign-in - the password form
  const signInPage: RequestHandler = (req, res) => {
    if (isSignedIn(req)) return res.redirect(303, '/admin');
    renderSignIn(res, 200, { next: adminPage.safeParse(req.query.next).data });
  };

  // POST /admin/sign-in - check the password; a new session on success
  const signInWith: Handler<SignInForm> = async (req, res, { password, next, carried, seal }) => {
    const gate = await throttle.attempt(req.ip, deviceCookie(req));
    if (!gate.allowed) {
      const minutes = Math.max(1, Math.ceil((gate.blockedUntil!.getTime() - Date.now()) / 60_000));
      res.set('Retry-After', String(minutes * 60));
      throw new TooManyRequests(
        `Too many wrong passwords. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or set a new password with \`postbag set-password\`.`,
      );
    }
    const sealed = carried !== undefined && seal !== undefined ? { carried, seal } : null;
    const resumed = sealed ? carrier.open(sealed) : null;
    if (!(await checkAuthorPassword(db, password))) {
      await sleep(throttle.delayMs(gate));
      return renderSignIn(res, 401, { error: 'That is not the password.', next, carried: resumed ? sealed : null });
    }
    await throttle.succeeded(gate);
    await signIn(req, sessions.key);
    res.cookie(DEVICE_COOKIE, throttle.newDeviceToken(), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/admin',
      maxAge: 365 * 24 * 60 * 60 * 1000,
    });
    const resume = resumed ? resumable[resumed.action] : undefined;
    if (resumed && resume) return resume(req, res, resumed.fields);
    if (sealed) await flash(req, 'What you sent before signing in is more than two hours old, so it was not applied: please do it again.');
    res.redirect(303, next ?? LANDING);
  };

  // POST to a resumable route after the session ended - the sign-in form, carrying what was sent
  const carryThroughSignIn: RequestHandler = (req, res, next) => {
    if (isSignedIn(req) || !(req.path in resumable)) return next();
    const sealed = carrier.seal(req.path, readForm(req));
    // Not a form Postbag gave the author: refused as any other post without a session.
    if (!sealed) return next();
    renderSignIn(res, 403, { carried: sealed });
  };

  // POST /admin/sign-out - end the session
  const signOutNow: RequestHandler = async (req, res) => {
    await signOut(req);
    res.clearCookie(COOKIE_NAME, { path: '/admin' });
    res.redirect(303, '/admin/sign-in');
  };

  return { signInPage, signIn: signInWith, carryThroughSignIn, signOut: signOutNow };
}

function deviceCookie(req: Request): string | undefined {
  const match = new RegExp(`(?:^|;\\s*)${DEVICE_COOKIE}=([^;]+)`).exec(req.headers.cookie ?? '');
  return match?.[1];
}
