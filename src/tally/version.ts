// The tally's change counter, kept in PostgreSQL so that every app instance sees the same one.
// Anything that can change a published tally (moderation, corrections, deletions, name
// mappings, a reader editing or deleting an approved reply) bumps it in the same transaction.
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';

type Tx = Db | Prisma.TransactionClient;

export async function bumpTallyVersion(tx: Tx): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO tally_version (id, version) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET version = tally_version.version + 1`;
}

export async function currentTallyVersion(db: Tx): Promise<bigint> {
  const row = await db.tallyVersion.findUnique({ where: { id: 1 } });
  return row?.version ?? 0n;
}
