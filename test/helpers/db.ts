// Each test file gets its own database, cloned from the migrated template that test/run.ts
// made; `reset` empties it between tests so that no test sees another's rows.
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../src/db/client.ts';
import { withClient } from '../../src/db/with-client.ts';
import { withDatabaseName } from './urls.ts';

export interface TestDatabase {
  url: string;
  db: Db;
  reset(): Promise<void>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const template = process.env.POSTBAG_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('Run the tests through `npm test` (or `npm test -- <file>`): it prepares the database.');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = withDatabaseName(serverUrl, name);
  const db = openDb(url);
  return {
    url,
    db,
    reset: async () => {
      const tables = await db.$queryRaw<{ tablename: string }[]>`
        SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
      await db.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
    },
    drop: async () => {
      await db.$disconnect();
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
