// Prisma's schema (migration) engine, compiled to WebAssembly, driven over node-postgres. Only
// it can diff prisma/schema.prisma against a database, so it stays for writing a new migration
// (create-migration.ts) and for the test that a migrated database matches the schema. Nothing
// that runs at start loads this module: it reaches into private parts of Prisma's packages.
// The stock PrismaPg adapter needs three corrections before the engine can use it; see
// `correctAdapter` and `migrationAdapterFactory`.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { withClient } from './with-client.ts';

// Every table is modelled in schema.prisma, so the engine manages them all.
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

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
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  engineClass = glue.SchemaEngine;
  return engineClass;
}

/**
 * Runs `work` with an engine for the database at `databaseUrl`, whose datamodel is the schema
 * at `schemaPath`; then frees the engine, and closes every pool it opened and any shadow
 * database it left.
 */
export async function withSchemaEngine<T>(databaseUrl: string, schemaPath: string, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const SchemaEngineClass = loadEngine();
  const schema = await readFile(schemaPath, 'utf8');
  const { factory, closeAll } = migrationAdapterFactory(databaseUrl);
  try {
    const engine = await SchemaEngineClass.new({ datamodels: [[schemaPath, schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
    try {
      return await work(engine);
    } finally {
      try {
        engine.free();
      } catch {
        // After a panic the engine stays borrowed and refuses to be freed: its WebAssembly
        // memory is lost, but its pools and shadow database must still go.
      }
    }
  } finally {
    await closeAll();
  }
}

// `allowExitOnIdle`: an idle pool must not keep a CLI process alive (it lingered ~10 s without).
const poolConfig = (connectionString: string): pg.PoolConfig => ({ connectionString, allowExitOnIdle: true });

function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/**
 * PrismaPg with the corrections below, plus bookkeeping: `closeAll` disposes every adapter the
 * engine opened and did not dispose, so no pool (or shadow database) outlives the engine.
 */
function migrationAdapterFactory(databaseUrl: string): {
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
      // On connections of their own: a database cannot be dropped through its own pool. FORCE:
      // a connection the pool could not close must not keep the shadow database alive.
      const onServer = (sql: string) => withClient(databaseUrl, (client) => client.query(sql));
      const drop = () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await onServer(`CREATE DATABASE "${name}"`);
      let adapter: SqlDriverAdapter;
      try {
        adapter = correctAdapter(await new PrismaPg(poolConfig(withDatabase(databaseUrl, name))).connect());
      } catch (err) {
        await drop();
        throw err;
      }
      const closePool = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        try {
          await closePool();
        } finally {
          await drop();
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
  // Correction 2: the stock executeScript splits the script on every `;`, so replaying a
  // migration with 'a;b' or a $$ function body on the shadow database breaks. Sent as one
  // simple-protocol query, PostgreSQL splits it itself (as migrations.ts applies it too).
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
