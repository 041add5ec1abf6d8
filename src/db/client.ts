// The one way Postbag opens its database: Prisma's generated client over a node-postgres pool
// that Postbag makes itself, so that every connection has an error listener from the moment it
// exists. (A connection the server drops — a restart, a failover — emits 'error'; pg's pool
// listens only while the connection is idle and Prisma only while it runs a query, and an
// 'error' in between, with no listener, would end the process.)
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { Prisma, PrismaClient } from '../generated/prisma/client.ts';

export type Db = PrismaClient;
export { Prisma };

export interface DbOptions {
  /** Told of every connection the server drops; the pool replaces it on the next query. */
  onConnectionLost?: (err: Error) => void;
  /** Most connections this process opens at once. */
  maxConnections?: number;
}

/** How long a query waits for a connection before the database counts as unavailable. */
const CONNECT_TIMEOUT_MS = 5_000;

const pools = new WeakMap<Db, pg.Pool>();

export function openDb(databaseUrl: string, { onConnectionLost = () => {}, maxConnections = 10 }: DbOptions = {}): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on('error', onConnectionLost);
  pool.on('connect', (client) => client.on('error', onConnectionLost));
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/**
 * The node-postgres pool under `db` (the same connections), for the statements on the paths
 * readers load: the form, a sent reply, the tally. There Prisma's own work per query, about
 * 0.5 ms of CPU more than node-postgres for the same statement (bench/orm-cost.ts), cost more
 * than the database did. Everything else goes through Prisma.
 */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('This client was not made by openDb.');
  return pool;
}

/** True when the error is a unique-constraint violation (Prisma's P2002), matched by code, not text. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}
