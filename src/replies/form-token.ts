// The reply form's token, made when the form is shown and sent back in a hidden field:
//   <issued-at, milliseconds, base36>.<secret, 43 chars>.<MAC, 22 chars>
// The MAC (HMAC-SHA256 under a key every instance shares, cut to 128 bits) binds the time and
// the secret to one survey, so a token cannot be made up, aged backwards or used for another
// survey. The secret becomes the reply's private link; since a reply is stored under the hash of
// its secret, a token stores at most one reply, and sending the same form again (double click,
// reload, several copies at once) edits that reply instead of adding one.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { newSecret } from './secret.ts';

export interface TokenRules {
  /** A form sent back sooner than this was not filled in by a person. */
  minFillMs: number;
  /** A form older than this is refused (and offered again with a fresh token). */
  maxAgeMs: number;
}

export type TokenCheck = { ok: true; secret: string } | { ok: false; problem: 'forged' | 'expired' | 'too-fast' };

const SHAPE = /^([0-9a-z]{1,9})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{22})$/;

export function issueToken(key: string, slug: string, now = Date.now()): string {
  const issuedAt = Math.floor(now).toString(36);
  const secret = newSecret();
  return `${issuedAt}.${secret}.${mac(key, slug, issuedAt, secret)}`;
}

export function checkToken(key: string, slug: string, token: string, rules: TokenRules, now = Date.now()): TokenCheck {
  const [, issuedAt = '', secret = '', sent = ''] = SHAPE.exec(token) ?? [];
  if (sent === '' || !timingSafeEqual(Buffer.from(sent), Buffer.from(mac(key, slug, issuedAt, secret)))) return { ok: false, problem: 'forged' };
  const age = now - Number.parseInt(issuedAt, 36);
  if (age > rules.maxAgeMs || age < -60_000) return { ok: false, problem: 'expired' };
  if (age < rules.minFillMs) return { ok: false, problem: 'too-fast' };
  return { ok: true, secret };
}

function mac(key: string, slug: string, issuedAt: string, secret: string): string {
  return createHmac('sha256', key).update(`${slug}\n${issuedAt}\n${secret}`).digest().subarray(0, 16).toString('base64url');
}
