// Opens the database the app runs on: DATABASE_URL's server, or Postbag's embedded one under
// DATA_DIR, then brings its schema up to date.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { lockDataDir } from './app-lock.ts';
import { openDb, type Db } from './client.ts';
import { ensureDatabase, startEmbeddedPostgres } from './embedded.ts';
import { applyMigrations } from './migrations.ts';

export interface Database {
  url: string;
  db: Db;
  close(): Promise<void>;
}

/**
 * The server to use: DATABASE_URL, or the embedded one. `stopServer` stops an embedded server
 * that this call started; the app (`owner`) also stops one it found running, since it then
 * takes the place of the app that left it behind.
 */
export async function connectionFor(config: Config, logger: Logger, owner = false): Promise<{ url: string; stopServer: () => Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl, stopServer: async () => {} };
  const started = Date.now();
  const server = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort);
  logger.debug({ dataDir: config.dataDir, ms: Date.now() - started, startedHere: server.startedHere }, 'embedded PostgreSQL ready');
  // The lock lives on the server. A refused app leaves the server running even if it started it
  // itself: the app holding the lock uses it (and stops it when it ends).
  const onLost = (err: Error) => logger.error({ err }, 'lost the connection to the embedded PostgreSQL that holds the data folder lock');
  const unlock = owner ? await lockDataDir(server.serverUrl, config.dataDir, onLost) : async () => {};
  const stopServer = async () => {
    await unlock();
    if (owner || server.startedHere) await server.stop();
  };
  try {
    return { url: await ensureDatabase(server.serverUrl, 'postbag'), stopServer };
  } catch (err) {
    await stopServer();
    throw err;
  }
}

/** `owner`: the app itself, which stops the embedded server at close even if it found it running. */
export async function openDatabase(config: Config, logger: Logger, owner = false): Promise<Database> {
  const { url, stopServer } = await connectionFor(config, logger, owner);
  try {
    const applied = await applyMigrations(url, (message: string) => logger.warn(message));
    if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
  } catch (err) {
    await stopServer();
    throw err;
  }
  const db = openDb(url);
  return {
    url,
    db,
    close: async () => {
      await db.$disconnect();
      await stopServer();
    },
  };
}
