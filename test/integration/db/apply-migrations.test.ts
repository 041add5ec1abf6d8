// Applying migrations at start: an empty database gets Postbag's tables and the history Prisma
// keeps, an up-to-date one is left alone, and instances starting together take turns.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { applyMigrations, MigrationError, projectPaths } from '../../../src/db/migrations.ts';
import { checksumOf, emptyDatabase, historyRows, migrationsFolder, query } from './scratch.ts';

async function projectMigrationNames(): Promise<string[]> {
  const entries = await readdir(projectPaths.migrations, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

describe('applyMigrations on an empty database', () => {
  test("creates the tables of schema.prisma and Prisma's history table, exactly as Prisma's engine made it", async () => {
    const url = await emptyDatabase();
    const names = await projectMigrationNames();
    assert.ok(names.length > 0, 'prisma/migrations has migrations');

    assert.deepEqual(await applyMigrations(url), names);

    const mapped = [...(await readFile(projectPaths.schema, 'utf8')).matchAll(/@@map\("(\w+)"\)/g)].map((m) => m[1]);
    const tables = await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    assert.deepEqual(tables.map((t) => t.tablename).sort(), [...mapped, '_prisma_migrations'].sort());

    // Read back from the table that Prisma's schema engine (8.1.0-2) created on an empty database.
    const columns = await query<{ line: string }>(
      url,
      `SELECT concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 'NOT NULL' END,
                        'DEFAULT ' || pg_get_expr(d.adbin, d.adrelid)) AS line
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = '_prisma_migrations'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    );
    assert.deepEqual(
      columns.map((c) => c.line),
      [
        'id character varying(36) NOT NULL',
        'checksum character varying(64) NOT NULL',
        'finished_at timestamp with time zone',
        'migration_name character varying(255) NOT NULL',
        'logs text',
        'rolled_back_at timestamp with time zone',
        'started_at timestamp with time zone NOT NULL DEFAULT now()',
        'applied_steps_count integer NOT NULL DEFAULT 0',
      ],
    );
    // NOT NULL is in the columns above (PostgreSQL 18 lists it as constraints too).
    const constraints = await query<{ conname: string; def: string }>(
      url,
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '_prisma_migrations'::regclass AND contype <> 'n'`,
    );
    assert.deepEqual(constraints, [{ conname: '_prisma_migrations_pkey', def: 'PRIMARY KEY (id)' }]);

    // One row per migration, with the values Prisma's engine wrote for a migration it applied.
    const rows = await historyRows(url);
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      names,
    );
    for (const row of rows) {
      assert.equal(row.checksum, await checksumOf(path.join(projectPaths.migrations, row.migration_name, 'migration.sql')));
      assert.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a random uuid');
      assert.ok(row.finished_at instanceof Date && row.finished_at >= row.started_at, 'finished after it started');
      assert.equal(row.applied_steps_count, 1);
      assert.equal(row.logs, null);
      assert.equal(row.rolled_back_at, null);
    }
  });

  test('applies nothing and records nothing the second time', async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    const before = await historyRows(url);

    assert.deepEqual(await applyMigrations(url), []);
    assert.deepEqual(await historyRows(url), before);
  });

  test('applies each migration once when several instances start together', async () => {
    const url = await emptyDatabase();
    const names = await projectMigrationNames();

    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);

    // One applied everything; the others waited for it and found nothing to do.
    assert.deepEqual(results.map((r) => r.length).sort(), [0, 0, names.length]);
    assert.deepEqual(
      (await historyRows(url)).map((r) => r.migration_name),
      names,
    );
  });

  test('refuses a database that has tables but no migration history, and changes nothing there', async () => {
    const url = await emptyDatabase();
    await query(url, 'CREATE TABLE someone_elses (id int)');

    await assert.rejects(applyMigrations(url), (err: Error) => err instanceof MigrationError && /someone_elses/.test(err.message));
    const tables = await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    assert.deepEqual(tables, [{ tablename: 'someone_elses' }]);
  });
});

describe('applyMigrations applies a migration script whole', () => {
  test('with a $$ function body and a string holding a semicolon', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsFolder({
      '20270101000000_notes': `CREATE TABLE notes (body text NOT NULL);
INSERT INTO notes (body) VALUES ('a;b');
CREATE FUNCTION shout(t text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  t := upper(t);
  RETURN t || '!';
END;
$$;
`,
    });

    assert.deepEqual(await applyMigrations(url, () => {}, dir), ['20270101000000_notes']);
    assert.deepEqual(await query(url, 'SELECT body, shout(body) AS shouted FROM notes'), [{ body: 'a;b', shouted: 'A;B!' }]);
  });
});

describe('applyMigrations warns about a history that does not match the folder', () => {
  test('a migration edited after it was applied is not applied again, and the warning names its file', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsFolder({ '20270101000000_notes': 'CREATE TABLE notes (body text);\n' });
    await applyMigrations(url, () => {}, dir);
    const file = path.join(dir, '20270101000000_notes', 'migration.sql');
    await writeFile(file, 'CREATE TABLE notes (body text, extra int);\n');

    const warnings: string[] = [];
    assert.deepEqual(await applyMigrations(url, (message) => warnings.push(message), dir), []);

    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.startsWith(`${file} changed after it was applied`), warnings[0]);
    const columns = await query<{ column_name: string }>(url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'notes'`);
    assert.deepEqual(columns, [{ column_name: 'body' }]);
  });

  test('a migration that the folder lacks is reported, and the pending ones still apply', async () => {
    const url = await emptyDatabase();
    await applyMigrations(url, () => {}, await migrationsFolder({ '20270101000000_newer': 'CREATE TABLE newer (id int);\n' }));
    const olderFolder = await migrationsFolder({ '20260101000000_other': 'CREATE TABLE other (id int);\n' });

    const warnings: string[] = [];
    assert.deepEqual(await applyMigrations(url, (message) => warnings.push(message), olderFolder), ['20260101000000_other']);

    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /migration 20270101000000_newer .*lacks/);
  });

  test('an untouched history gives no warning', async () => {
    const url = await emptyDatabase();
    const warnings: string[] = [];
    await applyMigrations(url, (message) => warnings.push(message));
    await applyMigrations(url, (message) => warnings.push(message));
    assert.deepEqual(warnings, []);
  });
});
