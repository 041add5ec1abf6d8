// The migration layer (src/db/migrations.ts) against a real PostgreSQL server: each test makes
// its own empty database there and drops it afterwards. The server is TEST_DATABASE_URL's.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { applyMigrations, createMigration, migrationsDir, schemaPath } from '../../src/db/migrations.ts';
import { withDatabaseName } from '../helpers/urls.ts';

const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const created: string[] = [];

async function onServer<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function emptyDatabase(): Promise<string> {
  const name = `pb_mig_test_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  created.push(name);
  return withDatabaseName(serverUrl, name);
}

after(async () => {
  for (const name of created) await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

async function migrationNames(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const migrationRows = (url: string) => onServer<MigrationRow>(url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');

describe('applyMigrations', () => {
  test('creates the tables of an empty database and records each migration as `prisma migrate deploy` does', async () => {
    const url = await emptyDatabase();
    const names = await migrationNames();
    assert.ok(names.length > 0, 'prisma/migrations has migrations');

    assert.deepEqual(await applyMigrations(url), names);

    // Every table that schema.prisma maps is there.
    const mapped = [...(await readFile(schemaPath, 'utf8')).matchAll(/@@map\("(\w+)"\)/g)].map((m) => m[1]);
    const tables = (await onServer<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).map((r) => r.tablename);
    assert.deepEqual(tables.sort(), [...mapped, '_prisma_migrations'].sort());

    // Prisma's own table, with Prisma's columns, one finished row per migration.
    const columns = await onServer<{ column_name: string }>(
      url,
      `SELECT column_name FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    assert.deepEqual(
      columns.map((c) => c.column_name),
      ['id', 'checksum', 'finished_at', 'migration_name', 'logs', 'rolled_back_at', 'started_at', 'applied_steps_count'],
    );
    const rows = await migrationRows(url);
    assert.deepEqual(rows.map((r) => r.migration_name), names);
    for (const row of rows) {
      const sql = await readFile(path.join(migrationsDir, row.migration_name, 'migration.sql'));
      assert.equal(row.checksum, createHash('sha256').update(sql).digest('hex'), `checksum of ${row.migration_name}`);
      assert.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.ok(row.finished_at instanceof Date && row.finished_at >= row.started_at, 'finished after it started');
      assert.equal(row.applied_steps_count, 1);
      assert.equal(row.logs, null);
      assert.equal(row.rolled_back_at, null);
    }

    // Up to date: nothing more to apply, nothing recorded twice.
    assert.deepEqual(await applyMigrations(url), []);
    assert.equal((await migrationRows(url)).length, names.length);
  });

  test('applies each migration once when two callers start together', async () => {
    const url = await emptyDatabase();
    const names = await migrationNames();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url)]);
    // One of them applied everything; the other waited for the lock and found nothing to do.
    assert.deepEqual(
      results.map((r) => r.length).sort(),
      [0, names.length],
    );
    assert.deepEqual(results.flat(), names);
    const rows = await migrationRows(url);
    assert.deepEqual(rows.map((r) => r.migration_name), names);
    assert.ok(rows.every((r) => r.finished_at !== null && r.rolled_back_at === null));
  });
});

describe('createMigration', () => {
  test('writes nothing when schema.prisma matches the migrations', async () => {
    const url = await emptyDatabase();
    const before = await migrationNames();
    assert.equal(await createMigration(url, 'nothing_changed'), null);
    assert.deepEqual(await migrationNames(), before);
  });

  test('refuses a name that is not lowercase letters, digits and underscores', async () => {
    for (const name of ['Add-Notes', '../escape', '', 'with space']) {
      await assert.rejects(createMigration(serverUrl, name), /lowercase letters, digits and underscores/);
    }
  });
});
