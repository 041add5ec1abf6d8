// A client's key for the flood limits: HMAC-SHA256 of its network under a key made for the day
// (kept in the setting table, shared by every instance). Yesterday's key is deleted once no
// counter needs it, after which no stored key can be linked to an address again; the address
// itself is never stored or logged.
import { createHmac } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { randomSetting } from '../db/settings.ts';
import { networkOf } from './network.ts';

const PREFIX = 'client_key:';

export class ClientKeys {
  // A cache of the database's row for the day: every instance reads the same one.
  #day = '';
  #key: Promise<string> | null = null;

  constructor(private readonly db: Db) {}

  async of(address: string | undefined, now = new Date()): Promise<string> {
    const day = now.toISOString().slice(0, 10);
    if (day !== this.#day || this.#key === null) {
      this.#day = day;
      this.#key = randomSetting(this.db, PREFIX + day);
      // A failed read (the database away) is not remembered: the next request tries again.
      this.#key.catch(() => (this.#key = null));
    }
    return createHmac('sha256', await this.#key)
      .update(networkOf(address))
      .digest('base64url');
  }
}

/** Deletes the daily keys of days before yesterday (yesterday's may still count a window). */
export async function pruneClientKeys(db: Db, now = new Date()): Promise<number> {
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  const { count } = await db.setting.deleteMany({ where: { key: { startsWith: PREFIX, lt: PREFIX + yesterday } } });
  return count;
}
