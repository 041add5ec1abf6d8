// The reader's private link: /r/<secret>. The secret is made when the form is shown, inside
// the form's token (form-token.ts), so a double submission carries the same secret and finds
// the same reply.
// Only its sha256 is stored: 256 random bits need no slow hash, and a leaked table reveals no link.
import { createHash, randomBytes } from 'node:crypto';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function privateLink(secret: string): string {
  return `/r/${secret}`;
}
