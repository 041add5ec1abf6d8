// Applies Postbag's migrations, at every start and on `postbag migrate`. They are in Prisma's
// format (prisma/migrations/<timestamp>_<name>/migration.sql), and the history goes to Prisma's
// own `_prisma_migrations` table, with the rows `prisma migrate deploy` writes: either can take
// over from the other. Plain SQL over node-postgres rather than Prisma's schema engine: the
// engine could only be driven here through private parts of Prisma's packages, which any patch
// release may change, and this runs at every start. Writing a migration still needs the engine
// (create-migration.ts); nothing here loads it.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { z } from 'zod';
import {
  blockedByFailed,
  cannotRollBack,
  failedNow,
  failureLog,
  historyWarnings,
  isApplied,
  isFailed,
  MigrationError,
  notEmpty,
  type HistoryRow,
  type MigrationFile,
} from './migration-history.ts';

export { MigrationError };

// From this file, not process.cwd(): the commands may run from any directory.
const projectDir = fileURLToPath(new URL('../../', import.meta.url));
export const projectPaths = {
  schema: path.join(projectDir, 'prisma', 'schema.prisma'),
  migrations: path.join(projectDir, 'prisma', 'migrations'),
};

/** Prisma's history table, column for column as its schema engine creates it on PostgreSQL. */
const CREATE_HISTORY_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

// The advisory lock Prisma's migrate commands take: Postbag, earlier Postbags (which ran
// Prisma's engine) and Prisma's CLI never migrate one database at the same time.
const LOCK_KEY = 72707369;

const historyRow: z.ZodType<HistoryRow> = z.object({
  id: z.string(),
  migration_name: z.string(),
  checksum: z.string(),
  started_at: z.date(),
  finished_at: z.date().nullable(),
  rolled_back_at: z.date().nullable(),
  logs: z.string().nullable(),
});

/** The migration folders of `dir` in name order (the order they apply in), as Prisma reads them. */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return []; // no migration written yet
    throw err;
  });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name, 'migration.sql');
      const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT' ? new MigrationError(`${file} is missing: restore it, or remove the folder ${path.join(dir, name)}.`) : err;
      });
      // Prisma's checksum: the sha256 of the file's bytes, in hex.
      return { name, file, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

/** Runs `work` holding the migration lock, on a connection of its own; waits for any other holder. */
async function withMigrationLock<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // A connection lost between two queries is reported as an event, which would end the process
  // unheard; the next query then fails, and that error is the one the caller gets.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    return await work(client);
  } finally {
    await client.end(); // ending the session releases the lock
  }
}

/** The history in the order it happened (null without a `_prisma_migrations`), and the other tables. */
async function readHistory(client: pg.Client): Promise<{ rows: HistoryRow[] | null; otherTables: string[] }> {
  const tables = await client.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()');
  const otherTables = tables.rows.map((t) => t.name).filter((name) => name !== '_prisma_migrations');
  if (otherTables.length === tables.rows.length) return { rows: null, otherTables };
  const { rows } = await client.query(
    'SELECT id, migration_name, checksum, started_at, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at',
  );
  return { rows: rows.map((row) => historyRow.parse(row)), otherTables };
}

/**
 * Applies the migrations of `migrationsDir` that the database lacks, in name order, each in a
 * transaction of its own; returns their names ([] when the database is up to date). Instances
 * starting together take turns. A migration that fails leaves nothing behind, is recorded as
 * failed, and throws a MigrationError saying what to do; until it is marked rolled back, nothing
 * more is applied. `warn` hears about a changed applied migration or one the folder lacks.
 */
export async function applyMigrations(
  databaseUrl: string,
  warn: (message: string) => void = () => {},
  migrationsDir: string = projectPaths.migrations,
): Promise<string[]> {
  const files = await readMigrationFiles(migrationsDir);
  return withMigrationLock(databaseUrl, async (client) => {
    const { rows, otherTables } = await readHistory(client);
    if (rows === null) {
      // As Prisma does: tables without a history are some other application's, not ours to change.
      if (otherTables.length > 0) throw notEmpty(otherTables);
      await client.query(CREATE_HISTORY_TABLE);
    }
    const history = rows ?? [];
    const failed = history.filter(isFailed);
    if (failed.length > 0) throw blockedByFailed(failed, migrationsDir);
    const applied = history.filter(isApplied);
    for (const message of historyWarnings(files, applied, migrationsDir)) warn(message);

    const appliedNames = new Set(applied.map((row) => row.migration_name));
    const pending = files.filter((file) => !appliedNames.has(file.name));
    for (const migration of pending) await applyOne(client, migration, migrationsDir);
    return pending.map((migration) => migration.name);
  });
}

async function applyOne(client: pg.Client, migration: MigrationFile, migrationsDir: string): Promise<void> {
  // Both times from this process's clock, as Prisma's engine takes them.
  const startedAt = new Date();
  try {
    await client.query('BEGIN');
    // No parameters, so node-postgres sends the whole script as one simple query: PostgreSQL
    // splits it itself, and `$$` bodies or 'a;b' strings stay whole.
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO _prisma_migrations (id, checksum, started_at, finished_at, migration_name, applied_steps_count)
       VALUES ($1, $2, $3, $4, $5, 1)`,
      [randomUUID(), migration.checksum, startedAt, new Date(), migration.name],
    );
    await client.query('COMMIT');
  } catch (err) {
    // On a lost connection this fails too; the server then rolls back by itself.
    await client.query('ROLLBACK').catch(() => {});
    if (!(err instanceof pg.DatabaseError)) throw err;
    // Recorded as Prisma records a failed migration: not finished, no step applied, the error as logs.
    await client.query(
      `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name, logs, applied_steps_count)
       VALUES ($1, $2, $3, $4, $5, 0)`,
      [randomUUID(), migration.checksum, startedAt, migration.name, failureLog(migration, err)],
    );
    throw failedNow(migration, err, migrationsDir);
  }
}

/**
 * `postbag migrate --rolled-back <name>`, as `prisma migrate resolve --rolled-back`: marks the
 * failed attempt at `name` rolled back, so that the next start applies that migration again.
 */
export async function markMigrationRolledBack(databaseUrl: string, name: string): Promise<void> {
  await withMigrationLock(databaseUrl, async (client) => {
    const attempts = ((await readHistory(client)).rows ?? []).filter((row) => row.migration_name === name);
    const failed = attempts.filter(isFailed);
    if (failed.length === 0) throw cannotRollBack(name, attempts);
    await client.query('UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = ANY($1)', [failed.map((row) => row.id)]);
  });
}
