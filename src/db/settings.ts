// Values made once and shared by every app instance (kept in the `setting` table).
import { randomBytes } from 'node:crypto';
import type { Db } from './client.ts';

/** The setting's value, creating it with a fresh random value on first use (race-safe). */
export async function randomSetting(db: Db, key: string): Promise<string> {
  const found = await db.setting.findUnique({ where: { key } });
  if (found) return found.value;
  await db.setting.createMany({ data: [{ key, value: randomBytes(32).toString('base64url') }], skipDuplicates: true });
  return (await db.setting.findUniqueOrThrow({ where: { key } })).value;
}

/** Replaces the setting with a fresh random value. */
export async function rotateRandomSetting(db: Db, key: string): Promise<string> {
  const value = randomBytes(32).toString('base64url');
  await db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  return value;
}
