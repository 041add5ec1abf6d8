// The author's password: argon2id (memory-hard), verified by the library in constant time.
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../db/client.ts';
import { UserError } from '../errors.ts';

export const MIN_PASSWORD_LENGTH = 12;

/** A password refused, with a message for the person setting it. */
export class PasswordError extends UserError {}
const MAX_PASSWORD_LENGTH = 1024;

// @node-rs/argon2's default algorithm is Argon2id; its defaults (19 MiB, 2 passes) follow OWASP.
export async function setAuthorPassword(db: Db, password: string): Promise<void> {
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new PasswordError(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new PasswordError(`The password may have at most ${MAX_PASSWORD_LENGTH} characters.`);
  const passwordHash = await hash(password);
  await db.$transaction([
    db.author.upsert({ where: { id: 1 }, create: { id: 1, passwordHash }, update: { passwordHash } }),
    // A new password is the author's way back in: it lifts every sign-in block and ends old sessions.
    db.signInThrottle.deleteMany(),
    db.adminSession.deleteMany(),
  ]);
}

export async function authorExists(db: Db): Promise<boolean> {
  return (await db.author.count()) > 0;
}

export async function checkAuthorPassword(db: Db, password: string): Promise<boolean> {
  const author = await db.author.findUnique({ where: { id: 1 } });
  if (!author || password.length > MAX_PASSWORD_LENGTH) return false;
  return verify(author.passwordHash, password);
}
