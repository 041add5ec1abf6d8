// The PostgreSQL the run controls: Postbag's own embedded binaries (src/db/embedded.ts, which
// runs pg_ctl, as the postgres user when we are root) on a temporary folder and a port of its
// own. An outage is `stop()` (pg_ctl stop --mode=fast: sessions are cut, as in a restart by an
// administrator) and `start()` on the same port, so the instances' DATABASE_URL stays valid.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/db/embedded.ts';
import { withClient } from '../../../src/db/with-client.ts';
import { withDatabaseName } from '../../helpers/urls.ts';

export interface Cluster {
  version: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** A new, empty database (migrated by the first instance that opens it); its URL. */
  freshDatabase(name: string): Promise<string>;
  remove(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'postbag-reliability-'));
  let server: EmbeddedPostgres = await startEmbeddedPostgres(dir);
  const { serverUrl } = server;
  const port = Number(new URL(serverUrl).port);
  const version = await withClient(
    serverUrl,
    async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
  );
  return {
    version,
    stop: () => server.stop(),
    start: async () => {
      server = await startEmbeddedPostgres(dir, port);
    },
    freshDatabase: async (name) => {
      await withClient(serverUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      });
      return withDatabaseName(serverUrl, name);
    },
    remove: async () => {
      try {
        await server.stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
