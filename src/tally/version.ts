// The tally's version, kept in PostgreSQL so that every app instance sees the same one.
// Anything that can change a published tally (moderation, corrections, deletions, name
// mappings, a reader editing or deleting an approved reply) bumps it in the same transaction.
// A bump draws a new random value rather than adding one: only equality matters to the cache,
// and a database restored from a backup (or emptied) then never brings back a version that an
// instance cached for other data.
import { randomBytes } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';

type Tx = Db | Prisma.TransactionClient;

export async function bumpTallyVersion(tx: Tx): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO tally_version (id, version) VALUES (1, ${randomVersion()})
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version`;
}

function randomVersion(): bigint {
  return randomBytes(8).readBigInt64BE();
}

export async function currentTallyVersion(db: Tx): Promise<bigint> {
  const row = await db.tallyVersion.findUnique({ where: { id: 1 } });
  return row?.version ?? 0n;
}
