// What the migration tests start from: empty databases on the suite's server, and migration
// folders of their own in a temporary directory. Both go when the test file ends.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { HistoryRow } from '../../../src/db/migration-history.ts';
import { withClient } from '../../../src/db/with-client.ts';
import { withDatabaseName } from '../../helpers/urls.ts';

const cleanups: (() => Promise<unknown>)[] = [];
// Together: each DROP DATABASE waits for a checkpoint (about a second), and they overlap.
after(() => Promise.all(cleanups.map((cleanup) => cleanup())));

/** A new database with nothing in it. */
export async function emptyDatabase(): Promise<string> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const template = process.env.POSTBAG_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('Run the tests through `npm test` (or `npm test -- <file>`): it prepares the database server.');
  // Named after the suite's template, so that test/run.ts drops it even if this file cannot.
  const name = `${template}_migrations_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  cleanups.push(() => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  return withDatabaseName(serverUrl, name);
}

export async function query<T>(url: string, sql: string): Promise<T[]> {
  return withClient(url, async (client) => (await client.query(sql)).rows as T[]);
}

export const historyRows = (url: string) => query<HistoryRow & { applied_steps_count: number }>(url, 'SELECT * FROM _prisma_migrations ORDER BY started_at');

export async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
}

export async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'postbag-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A temporary migrations folder with these migrations (folder name → SQL). */
export async function migrationsFolder(migrations: Record<string, string>): Promise<string> {
  const dir = await temporaryDir();
  for (const [name, sql] of Object.entries(migrations)) await writeMigration(dir, name, sql);
  return dir;
}

export async function checksumOf(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}
