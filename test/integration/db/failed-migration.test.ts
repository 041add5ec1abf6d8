// A migration that fails: nothing of it stays, Prisma's history records it as failed, every
// later start refuses with the same advice, and `postbag migrate --rolled-back` plus fixed SQL
// gets the database going again.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { applyMigrations, markMigrationRolledBack, MigrationError } from '../../../src/db/migrations.ts';
import { checksumOf, emptyDatabase, historyRows, migrationsFolder, query, writeMigration } from './scratch.ts';

const BROKEN = '20270102000000_broken';
const BROKEN_SQL = `CREATE TABLE half_done (id int);
INSERT INTO notes (body) VALUES ('written by the broken migration');
SELECT 1 / 0;
`;

/** A database where the first migration applied and the second, BROKEN, failed; a third waits. */
async function afterAFailure(): Promise<{ url: string; dir: string; error: unknown }> {
  const url = await emptyDatabase();
  const dir = await migrationsFolder({
    '20270101000000_notes': 'CREATE TABLE notes (body text);\n',
    [BROKEN]: BROKEN_SQL,
    '20270103000000_later': 'CREATE TABLE later (id int);\n',
  });
  const error = await applyMigrations(url, () => {}, dir).then(
    () => assert.fail('the broken migration applied'),
    (err: unknown) => err,
  );
  return { url, dir, error };
}

const tables = async (url: string) =>
  (await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).map((t) => t.tablename);

/** The advice every failure gives: fix the file, mark the attempt rolled back, start again. */
function assertAdvice(err: unknown, dir: string): asserts err is MigrationError {
  assert.ok(err instanceof MigrationError, `a MigrationError, not ${String(err)}`);
  assert.ok(err.message.includes(path.join(dir, BROKEN, 'migration.sql')), 'names the file to fix');
  assert.ok(err.message.includes(`postbag migrate --rolled-back ${BROKEN}`), 'gives the command to run');
  assert.match(err.message, /Start Postbag again/);
}

describe('a migration that fails', () => {
  test('leaves nothing of its changes and applies nothing after it', async () => {
    const { url } = await afterAFailure();
    assert.deepEqual(await tables(url), ['_prisma_migrations', 'notes']);
    assert.deepEqual(await query(url, 'SELECT * FROM notes'), []);
  });

  test("says which migration failed, the database's error, and what to do", async () => {
    const { error, dir } = await afterAFailure();
    assertAdvice(error, dir);
    assert.match(error.message, new RegExp(`^Migration ${BROKEN} failed`));
    assert.match(error.message, /ERROR: division by zero/);
  });

  test('is recorded as failed, as Prisma records a failed migration', async () => {
    const { url, dir } = await afterAFailure();
    const failed = (await historyRows(url)).filter((row) => row.migration_name === BROKEN);
    assert.equal(failed.length, 1);
    const [row] = failed;
    assert.equal(row!.finished_at, null);
    assert.equal(row!.rolled_back_at, null);
    assert.equal(row!.applied_steps_count, 0);
    assert.equal(row!.checksum, await checksumOf(path.join(dir, BROKEN, 'migration.sql')));
    assert.equal(row!.logs, `Migration name: ${BROKEN}\n\nDatabase error code: 22012\n\nDatabase error:\nERROR: division by zero`);
  });

  test('stops every later start with the same advice, and records nothing more', async () => {
    const { url, dir } = await afterAFailure();
    const before = await historyRows(url);

    const error = await applyMigrations(url, () => {}, dir).catch((err: unknown) => err);

    assertAdvice(error, dir);
    assert.match(error.message, new RegExp(`Migration ${BROKEN} failed \\(.*UTC\\), and no migration is applied until it is marked rolled back`));
    assert.match(error.message, /ERROR: division by zero/, 'repeats the recorded error');
    assert.deepEqual(await historyRows(url), before);
  });

  test('applies, fixed, once it is marked rolled back', async () => {
    const { url, dir } = await afterAFailure();
    await writeMigration(dir, BROKEN, 'CREATE TABLE half_done (id int);\n');

    await markMigrationRolledBack(url, BROKEN);

    assert.deepEqual(await applyMigrations(url, () => {}, dir), [BROKEN, '20270103000000_later']);
    assert.deepEqual(await tables(url), ['_prisma_migrations', 'half_done', 'later', 'notes']);
    // The failed attempt stays as history, marked rolled back; the fixed one is a row of its own.
    const attempts = (await historyRows(url)).filter((row) => row.migration_name === BROKEN);
    assert.deepEqual(
      attempts.map((row) => ({ finished: row.finished_at !== null, rolledBack: row.rolled_back_at !== null })),
      [
        { finished: false, rolledBack: true },
        { finished: true, rolledBack: false },
      ],
    );
  });
});

describe('postbag migrate --rolled-back', () => {
  const refusal = async (url: string, name: string) =>
    markMigrationRolledBack(url, name).then(
      () => assert.fail('it marked something'),
      (err: unknown) => err,
    );

  test('refuses a migration that applied, one the database never saw, and one already marked', async () => {
    const { url } = await afterAFailure();
    await markMigrationRolledBack(url, BROKEN);
    const before = await historyRows(url);

    const refusals = await Promise.all([refusal(url, '20270101000000_notes'), refusal(url, 'notes'), refusal(url, BROKEN)]);

    assert.ok(refusals.every((err) => err instanceof MigrationError));
    const [applied, unknown, marked] = refusals.map((err) => (err as Error).message);
    assert.match(applied!, /^Migration 20270101000000_notes was applied .* only a failed migration can be marked rolled back/);
    assert.match(unknown!, /^The database has no migration notes: .*whole folder name/);
    assert.match(marked!, new RegExp(`^Migration ${BROKEN} is already marked rolled back`));
    assert.deepEqual(await historyRows(url), before, 'nothing changed');
  });

  test('refuses on a database that was never migrated', async () => {
    const url = await emptyDatabase();
    await assert.rejects(markMigrationRolledBack(url, BROKEN), (err: Error) => err instanceof MigrationError && /has no migration/.test(err.message));
  });
});
