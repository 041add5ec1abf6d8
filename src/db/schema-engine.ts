// Prisma's schema (migration) engine, compiled to WebAssembly, driven over node-postgres.
// Prisma's CLI would download a native engine, which these machines cannot reach (its migrate
// commands then exit 0 having done nothing), so src/db/migrations.ts runs this one instead.
// The stock PrismaPg adapter needs three corrections before the engine can use it; see
// `correctAdapter` and `migrationAdapterFactory`.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

export type { SchemaEngine };

interface PanicRegistry {
  message: string;
  set_message(message: string): void;
}

// The project's TypeScript libs (no DOM; @types/node 20) declare no WebAssembly: the part used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
};

let engineClass: typeof glue.SchemaEngine | undefined;

/**
 * Instantiates the engine's WebAssembly once per process. The package's own entry point imports
 * the .wasm as an ES module, which Node 20 only does behind --experimental-wasm-modules, so this
 * does by hand what that entry point does.
 */
function loadEngine(): typeof glue.SchemaEngine {
  if (engineClass) return engineClass;
  // The glue reports a Rust panic through this global, and crashes the process without it.
  // Prisma's client installs its own (which throws a PrismaClientRustPanicError): keep that one.
  const scope = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  scope.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    set_message(message: string) {
      this.message = message;
    },
  };
  // The .wasm is not an exported subpath: find it beside the glue, which is.
  const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    './schema_engine_bg.js': { ...glue, ...unrefTimers(glue) },
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  engineClass = glue.SchemaEngine;
  return engineClass;
}

/**
 * The engine arms a 10 s timer around `pg_advisory_lock` (its lock-wait timeout) and never
 * clears it (the glue imports setTimeout but no clearTimeout), so every apply kept the process
 * alive 10 s after its work. Its timers are unref'd: they still fire, but hold nothing open.
 * The engine only waits on a timer alongside a database query, whose socket keeps Node running.
 */
function unrefTimers(imports: object): Record<string, unknown> {
  const replaced: Record<string, unknown> = {};
  for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
    replaced[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
  }
  return replaced;
}

export interface OpenedSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine, then closes every pool it opened and drops any shadow database left. */
  close(): Promise<void>;
}

/**
 * An engine for the database at `databaseUrl`, with `schema` (the text of `schemaPath`) as its
 * datamodel. Always `close()` it: until then it holds connections to the database.
 */
export async function openSchemaEngine(options: {
  databaseUrl: string;
  schemaPath: string;
  schema: string;
  log?: (message: string) => void;
}): Promise<OpenedSchemaEngine> {
  const SchemaEngineClass = loadEngine();
  const { factory, closeAll } = migrationAdapterFactory(options.databaseUrl);
  const log = options.log ?? (() => {});
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngineClass.new(
      { datamodels: [[options.schemaPath, options.schema]] },
      (message: string) => log(message),
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  } catch (err) {
    await closeAll();
    throw err;
  }
  return {
    engine,
    close: async () => {
      try {
        engine.free();
      } catch {
        // After a panic the engine stays borrowed and refuses to be freed: its WebAssembly
        // memory is lost, but its pools and shadow database must still go.
      }
      await closeAll();
    },
  };
}

// `allowExitOnIdle`: an idle pool must not keep a CLI process alive (it lingered ~10 s without).
const poolConfig = (connectionString: string): pg.PoolConfig => ({ connectionString, allowExitOnIdle: true });

function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** One statement on a connection of its own: a shadow database cannot be dropped through its own pool. */
async function runOnce(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * PrismaPg with the corrections below, plus bookkeeping: `closeAll` disposes every adapter the
 * engine opened and did not dispose, so no pool (or shadow database) outlives the engine.
 */
export function migrationAdapterFactory(databaseUrl: string): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  closeAll: () => Promise<void>;
} {
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => {
      open.delete(adapter);
      disposed ??= dispose();
      return disposed;
    };
    open.add(adapter);
    return adapter;
  };

  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => track(correctAdapter(await new PrismaPg(poolConfig(databaseUrl)).connect())),
    // Correction 3, the shadow database (where `diff`/`createMigration` replay the migrations).
    // The stock one builds its pool as `{ ...config, database }`, which a connection string
    // overrides, so the migrations replay on the main database; and it drops the shadow
    // database while its own pool is still connected to it. Here: a database of our own, a pool
    // connected to it, and on dispose that pool closed before the database is dropped.
    connectToShadowDb: async () => {
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await runOnce(databaseUrl, `CREATE DATABASE "${name}"`);
      let adapter: SqlDriverAdapter;
      try {
        adapter = correctAdapter(await new PrismaPg(poolConfig(withDatabase(databaseUrl, name))).connect());
      } catch (err) {
        await runOnce(databaseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        throw err;
      }
      const closePool = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        try {
          await closePool();
        } finally {
          // FORCE: a connection the pool could not close must not keep the database alive.
          await runOnce(databaseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        }
      };
      return track(adapter);
    },
  };

  const closeAll = async (): Promise<void> => {
    const results = await Promise.allSettled([...open].map((adapter) => adapter.dispose()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  return { factory, closeAll };
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;
type PerformIO = (query: SqlQuery) => Promise<pg.QueryResult<unknown[]>>;

const CHAR_OID = 18; // PostgreSQL's one-byte "char" type, used all over the catalogs.
const TEXT_OID = 25;

/**
 * Correction 1: the catalogs' `"char"` columns (pg_constraint.contype, pg_class.relkind, ...).
 * The stock adapter knows no column type for them and fails the engine's introspection queries
 * ("Column type 'char' could not be deserialized"). Reading them as text is not enough either
 * (on PostgreSQL 18 the engine then panics reading constraint types): the engine wants them
 * reported as character columns. The adapter's type mapping is not exported, so: its private
 * `performIO` is wrapped to show such columns as text (so the mapping does not throw) and note
 * which they were, keyed by the rows array that `queryRaw` passes through unchanged; `queryRaw`
 * is wrapped to report those as Character. The values themselves are already one-letter strings.
 */
function correctQueryable<T extends PgAdapter | Transaction>(queryable: T): T {
  const internals = queryable as unknown as { performIO: PerformIO };
  const performIO = internals.performIO.bind(queryable);
  const charColumns = new WeakMap<unknown[][], number[]>();
  internals.performIO = async (query) => {
    const result = await performIO(query);
    const indexes = result.fields.flatMap((field, i) => (field.dataTypeID === CHAR_OID ? [i] : []));
    if (indexes.length > 0) {
      result.fields = result.fields.map((field) => (field.dataTypeID === CHAR_OID ? { ...field, dataTypeID: TEXT_OID } : field));
      charColumns.set(result.rows, indexes);
    }
    return result;
  };
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query: SqlQuery): Promise<SqlResultSet> => {
    const resultSet = await queryRaw(query);
    for (const i of charColumns.get(resultSet.rows) ?? []) resultSet.columnTypes[i] = ColumnTypeEnum.Character;
    return resultSet;
  };
  return queryable;
}

function correctAdapter(adapter: PgAdapter): SqlDriverAdapter {
  correctQueryable(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => correctQueryable(await startTransaction(isolationLevel));
  // Correction 2: the stock executeScript splits the script on every `;`, so a migration with
  // 'a;b' or a $$ function body breaks, and one that fails halfway leaves its first statements
  // applied. Sent as one simple-protocol query, PostgreSQL runs the whole script as one implicit
  // transaction: it either applies entirely or not at all.
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (err) {
      throw toAdapterError(err);
    }
  };
  return adapter;
}

/** The engine shows a database error's code and message when it comes as the adapter's own error kind. */
function toAdapterError(err: unknown): unknown {
  if (!(err instanceof pg.DatabaseError)) return err;
  return new DriverAdapterError({
    kind: 'postgres',
    code: err.code ?? 'N/A',
    severity: err.severity ?? 'N/A',
    message: err.message,
    detail: err.detail,
    column: err.column,
    hint: err.hint,
  });
}
