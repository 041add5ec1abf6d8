// One app at a time on an embedded database: a second `npm start` on the same DATA_DIR would
// share (and at its exit stop) the first one's PostgreSQL. Several instances are for a shared
// PostgreSQL server (DATABASE_URL).
//
// The lock is a PostgreSQL advisory lock on that embedded server, held by a connection the app
// keeps open. When the app ends, even killed, its operating system closes the connection and
// the server drops the lock: nothing stale is left behind, and no pid is involved. (A pid file
// needs Linux's process filesystem to tell a live Postbag from an unrelated process that was
// given the same pid; macOS has none.) The price: the lock exists only once the server runs,
// so it cannot keep two apps from starting that server together (embedded.ts copes with that
// on its own), and it is lost, with the app's database, if the server stops under the app.
import pg from 'pg';
import { UserError } from '../errors.ts';

export class DataDirBusy extends UserError {}

/** "post": any key other programs on this server do not lock (Prisma's migrations use 72707369). */
const LOCK_KEY = 0x706f7374;

/**
 * Takes the app lock of the embedded server at `serverUrl` (the one under `dataDir`), or throws
 * DataDirBusy naming the app that holds it. `onLost` hears of the lock's connection failing.
 * Returns the release.
 */
export async function lockDataDir(serverUrl: string, dataDir: string, onLost: (err: Error) => void): Promise<() => Promise<void>> {
  const name = `Postbag (process ${process.pid})`;
  const client = new pg.Client({ connectionString: serverUrl, application_name: name });
  client.on('error', onLost);
  await client.connect();
  try {
    // A holder killed a moment ago may not have been noticed by the server yet: give it 2 s.
    await client.query(`SET lock_timeout = '2s'`);
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  } catch (err) {
    const busy = (err as { code?: string }).code === '55P03'; // lock_not_available
    const holder = busy ? await holderName(client) : undefined;
    await client.end();
    if (!busy) throw err;
    throw new DataDirBusy(
      `Another ${holder ?? 'Postbag'} is already serving from ${dataDir}. Stop it first, or set DATABASE_URL to run several instances on one PostgreSQL server.`,
    );
  }
  return () => client.end();
}

/** The holder's application_name, which says its process id. */
async function holderName(client: pg.Client): Promise<string | undefined> {
  const { rows } = await client.query<{ application_name: string }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1`,
    [LOCK_KEY],
  );
  return rows[0]?.application_name;
}
