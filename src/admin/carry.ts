// A form the author sends just after their session ended (decisions on a screenful of replies,
// made over a long read) is not thrown away: the refusal is the sign-in form, carrying the form
// in a hidden field, and signing in applies it. Why that is safe:
// - Only a form Postbag gave the signed-in author is carried: its CSRF token must be one Postbag
//   made (session.ts: signed with the session key from the `setting` table, no older than the
//   longest session). A form posted from another site arrives without the session cookie
//   (SameSite=Strict), just as after an expiry; without this check any site could post decisions
//   and have the author apply them by signing in on Postbag's own, genuine sign-in page.
// - What is carried is sealed with an HMAC under a key derived from the same setting, so the
//   sign-in form cannot be edited to carry other fields or to another route, and the seal
//   expires, so that a sign-in page left open for long cannot replay old decisions.
// - Signing in still needs the password; the form is then handled in the new session, which has
//   a fresh CSRF token for every page after it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { FormFields } from '../forms/body.ts';
import { CSRF_FIELD } from './guard.ts';
import { IDLE_MS, isOurCsrfToken } from './session.ts';

/** How long a sign-in form may sit before what it carries is too old to apply: an idle session's life. */
export const CARRY_MS = IDLE_MS;

/** The sign-in form's hidden fields. */
export interface Sealed {
  carried: string;
  seal: string;
}

export interface Carried {
  /** The admin route the form was sent to, e.g. /replies/moderate. */
  action: string;
  fields: FormFields;
}

const payload = z.object({
  action: z.string(),
  fields: z.array(z.tuple([z.string(), z.array(z.string())])),
  at: z.number(),
});

export class FormCarrier {
  constructor(private readonly key: string) {}

  /** The sealed form, when `fields` came from a page Postbag gave the author; null otherwise. */
  seal(action: string, fields: FormFields, now = Date.now()): Sealed | null {
    const token = fields.get(CSRF_FIELD);
    if (token?.length !== 1 || !isOurCsrfToken(this.key, token[0]!, now)) return null;
    const kept = [...fields].filter(([name]) => name !== CSRF_FIELD);
    const carried = Buffer.from(JSON.stringify({ action, fields: kept, at: now })).toString('base64url');
    return { carried, seal: this.mac(carried) };
  }

  /** What a sign-in form carries, if its seal holds and it is recent enough; null otherwise. */
  open({ carried, seal }: Sealed, now = Date.now()): Carried | null {
    const expected = Buffer.from(this.mac(carried));
    const given = Buffer.from(seal);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const parsed = payload.safeParse(JSON.parse(Buffer.from(carried, 'base64url').toString('utf8')));
    if (!parsed.success || now - parsed.data.at > CARRY_MS || parsed.data.at > now) return null;
    return { action: parsed.data.action, fields: new Map(parsed.data.fields) };
  }

  private mac(carried: string): string {
    return createHmac('sha256', this.key).update(`carry:${carried}`).digest('base64url');
  }
}
