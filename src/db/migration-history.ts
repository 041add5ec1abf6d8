// What the rows of `_prisma_migrations` mean, and what Postbag says about them: the errors that
// stop a start (each saying what to do next) and the warnings. No database here: migrations.ts
// reads and writes the rows.
import path from 'node:path';
import type { DatabaseError } from 'pg';
import { UserError } from '../errors.ts';

/** A failure of the migrations that the author must act on; the CLI prints its message alone. */
export class MigrationError extends UserError {}

export interface MigrationFile {
  /** The folder's name, as the history records it: <timestamp>_<name>. */
  name: string;
  /** The full path of its migration.sql. */
  file: string;
  sql: string;
  checksum: string;
}

export interface HistoryRow {
  id: string;
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export type AppliedRow = HistoryRow & { finished_at: Date };

/** Started, never finished, and not marked rolled back: Prisma's "failed migration". */
export const isFailed = (row: HistoryRow) => row.finished_at === null && row.rolled_back_at === null;
export const isApplied = (row: HistoryRow): row is AppliedRow => row.finished_at !== null && row.rolled_back_at === null;

const when = (date: Date) =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

/** The database's error as psql shows it, with the line of the script it points at (when it does). */
export function databaseMessage(err: DatabaseError, sql: string): string {
  const lines = [`ERROR: ${err.message}`];
  if (err.detail) lines.push(`DETAIL: ${err.detail}`);
  if (err.hint) lines.push(`HINT: ${err.hint}`);
  if (err.position) {
    const before = sql.slice(0, Number(err.position) - 1).split('\n');
    lines.push(`LINE ${before.length}: ${sql.split('\n')[before.length - 1]?.trim()}`);
  }
  return lines.join('\n');
}

/** The `logs` of a failed row, laid out as Prisma's own report of a migration that failed to apply. */
export function failureLog(migration: MigrationFile, err: DatabaseError): string {
  return `Migration name: ${migration.name}\n\nDatabase error code: ${err.code}\n\nDatabase error:\n${databaseMessage(err, migration.sql)}`;
}

function whatToDo(names: string[], migrationsDir: string): string {
  return [
    'To go on:',
    `  1. Fix the SQL in ${names.map((name) => path.join(migrationsDir, name, 'migration.sql')).join(' and ')}.`,
    ...names.map((name) => `  2. Mark the failed attempt rolled back: postbag migrate --rolled-back ${name}`),
    '  3. Start Postbag again (or run postbag migrate): the fixed migration is applied then.',
  ].join('\n');
}

export function failedNow(migration: MigrationFile, err: DatabaseError, migrationsDir: string): MigrationError {
  return new MigrationError(
    `Migration ${migration.name} failed, and was rolled back: nothing of it is in the database, and no later migration was applied.\n\n` +
      `${databaseMessage(err, migration.sql)}\n\n${whatToDo([migration.name], migrationsDir)}`,
    { cause: err },
  );
}

/** Prisma's P3009: a failed migration blocks every later one until it is marked rolled back. */
export function blockedByFailed(failed: HistoryRow[], migrationsDir: string): MigrationError {
  const reports = failed.map(
    (row) =>
      `Migration ${row.migration_name} failed (${when(row.started_at)}), and no migration is applied until it is marked rolled back.\n` +
      (row.logs?.trim() || '(no error was recorded)'),
  );
  return new MigrationError(
    `${reports.join('\n\n')}\n\n${whatToDo(
      failed.map((row) => row.migration_name),
      migrationsDir,
    )}`,
  );
}

/** Prisma's P3005: tables without a migration history belong to something else. */
export function notEmpty(tables: string[]): MigrationError {
  return new MigrationError(
    `The database already has tables (${tables.join(', ')}) but no _prisma_migrations history, so they are not Postbag's: ` +
      'Postbag only migrates an empty database or one it has migrated before. Point DATABASE_URL at an empty database.',
  );
}

/** Why `--rolled-back <name>` has nothing to mark (Prisma's P3011 and P3012, and one more case). */
export function cannotRollBack(name: string, attempts: HistoryRow[]): MigrationError {
  const applied = attempts.find(isApplied);
  if (applied) {
    return new MigrationError(
      `Migration ${name} was applied (${when(applied.finished_at)}) and has not failed: only a failed migration can be marked rolled back.`,
    );
  }
  if (attempts.length > 0) {
    return new MigrationError(`Migration ${name} is already marked rolled back: start Postbag (or run postbag migrate) to apply it again.`);
  }
  return new MigrationError(
    `The database has no migration ${name}: only a failed migration can be marked rolled back. Give its whole folder name, like 20261124205103_init.`,
  );
}

/**
 * Warnings about applied migrations, which do not stop a start (see the README):
 * - the file changed since: the database keeps what ran, and Prisma's `migrate deploy` does not
 *   refuse either; refusing would stop the service over an edit it cannot act on (often a
 *   comment, or line endings rewritten by a checkout);
 * - the folder lacks it: a newer Postbag applied it, as `migrate deploy` carries on then too.
 */
export function historyWarnings(files: MigrationFile[], applied: AppliedRow[], migrationsDir: string): string[] {
  const byName = new Map(files.map((file) => [file.name, file]));
  return applied.flatMap((row) => {
    const file = byName.get(row.migration_name);
    if (!file) {
      return [
        `The database has migration ${row.migration_name} (applied ${when(row.finished_at)}), which ${migrationsDir} lacks: a newer Postbag probably applied it. Carrying on.`,
      ];
    }
    if (file.checksum !== row.checksum) {
      return [
        `${file.file} changed after it was applied (${when(row.finished_at)}). The database keeps what ran then; the change is not applied. ` +
          'Put the file back as it was, and make schema changes in a new migration (postbag migration <name>).',
      ];
    }
    return [];
  });
}
