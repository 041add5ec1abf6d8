// A Gemini reader's client certificate, as Postbag keeps it: an HMAC-SHA-256 of its SHA-256
// fingerprint under a random key made once for all instances (the `setting` table). The same
// certificate always gives the same value, so the reader finds their reply again; a leaked
// table does not reveal the fingerprint, nor can it be checked against a known certificate.
import { createHmac } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { randomSetting } from '../db/settings.ts';

const KEY_SETTING = 'gemini-client-key';

/** A function from a certificate's fingerprint to the value stored for it; reads the key once. */
export function geminiClientHasher(db: Db): (fingerprint: string) => Promise<string> {
  let key: Promise<string> | null = null;
  return async (fingerprint) => {
    key ??= randomSetting(db, KEY_SETTING).catch((err: unknown) => {
      key = null; // a database failure is not kept: the next request tries again
      throw err;
    });
    return createHmac('sha256', await key)
      .update(fingerprint.toUpperCase())
      .digest('hex');
  };
}
