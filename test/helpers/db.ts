// Each test file gets its own database, cloned from the migrated template that test/run.ts
// made; `reset` empties it between tests so that no test sees another's rows.
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../src/db/client.ts';
import { withClient } from '../../src/db/with-client.ts';
import { withDatabaseName } from './urls.ts';

export interface TestDatabase {
  url: string;
  db: Db;
  /** Saves the rows these tables hold now: every `reset` puts them back. */
  keep(tables: string[]): Promise<void>;
  /** Empties every table, then puts back what `keep` saved. */
  reset(): Promise<void>;
  drop(): Promise<void>;
}

// Saved rows live beside the app's tables, in a schema the app never reads.
const KEPT = 'test_kept';

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const template = process.env.POSTBAG_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('Run the tests through `npm test` (or `npm test -- <file>`): it prepares the database.');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, async (client) => {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    // Throwaway rows: a commit need not wait for the disk, which on a busy machine is most of
    // what each write costs. What a transaction sees, and when, is unchanged.
    await client.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  });
  const url = withDatabaseName(serverUrl, name);
  const db = openDb(url);
  const tables = (
    await db.$queryRaw<{ tablename: string }[]>`
      SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`
  ).map((t) => `"${t.tablename}"`);
  const kept: string[] = [];
  return {
    url,
    db,
    keep: async (names) => {
      await db.$transaction([
        db.$executeRawUnsafe(`CREATE SCHEMA IF NOT EXISTS ${KEPT}`),
        ...names.map((table) => db.$executeRawUnsafe(`CREATE TABLE ${KEPT}."${table}" AS TABLE "${table}"`)),
      ]);
      kept.push(...names);
    },
    // DELETE rather than TRUNCATE: the tables hold a few rows, and TRUNCATE makes new files for
    // every table, which cost a hundred times more on a busy disk. Every table twice: a trigger
    // of the first pass may write into a table already emptied (deleting an approved reply moves
    // its survey's tally version). Sequences run on, so a kept row's id is never handed out again.
    reset: async () => {
      const empty = () => tables.map((table) => db.$executeRawUnsafe(`DELETE FROM ${table}`));
      await db.$transaction([...empty(), ...empty(), ...kept.map((table) => db.$executeRawUnsafe(`INSERT INTO "${table}" SELECT * FROM ${KEPT}."${table}"`))]);
    },
    drop: async () => {
      await db.$disconnect();
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
