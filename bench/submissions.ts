// `node --import tsx bench/submissions.ts` (after `npm run build`): where a new reply's time goes,
// apart from the rest of the benchmark. Tokens are signed here with the database's own key, so
// the server sees POSTs only (no form pages in its profile). At 10 and 50 connections, each with
// a fresh server on 1k filled replies:
//   MODE=profile (default)  the server under --cpu-prof: its profile's summary
//   MODE=plain              no profiler: throughput and CPU per reply alone
//   MODE=proxy              through the counting proxy: database round trips per reply
// Always printed: replies/s, status codes, and the CPU seconds of the server, of PostgreSQL
// (every process of its cluster, from /proc) and of this process (autocannon) per reply.
//   SECONDS=8, BENCH_DATABASE_URL as for bench/run.ts
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import { randomSetting } from '../src/db/settings.ts';
import { withClient } from '../src/db/with-client.ts';
import { issueToken } from '../src/replies/form-token.ts';
import { scratchServer } from '../test/helpers/scratch-server.ts';
import { withDatabaseName } from '../test/helpers/urls.ts';
import { fillReplies, secondSurvey } from './fill.ts';
import { load } from './load.ts';
import { projectDir, startPostbag } from './processes.ts';
import { profileSummary } from './profile.ts';
import { replyForm } from './reply-form.ts';
import { countingProxy } from './round-trips.ts';

const SURVEY = 'leaving-session';
const seconds = Number(process.env.SECONDS ?? 8);
const mode = process.env.MODE ?? 'profile';
const work = await mkdtemp(path.join(os.tmpdir(), 'postbag-submissions-'));
const pg = await scratchServer(process.env.BENCH_DATABASE_URL, 'bench');
const dbName = `postbag_submissions_${process.pid}`;
const dbUrl = withDatabaseName(pg.serverUrl, dbName);
const headers = { 'content-type': 'application/x-www-form-urlencoded' };

try {
  await withClient(pg.serverUrl, (client) => client.query(`CREATE DATABASE ${dbName}`));
  await applyMigrations(dbUrl);
  const db = openDb(dbUrl);
  const key = await randomSetting(db, 'form_token_key'); // the server reads the same row
  await db.$disconnect();
  const surveysDir = path.join(work, 'surveys');
  await mkdir(surveysDir);
  await copyFile(path.join(projectDir, 'surveys', `${SURVEY}.json`), path.join(surveysDir, `${SURVEY}.json`));
  await copyFile(path.join(projectDir, 'test', 'fixtures', 'surveys', `${secondSurvey}.json`), path.join(surveysDir, `${secondSurvey}.json`));
  await withClient(dbUrl, (client) => fillReplies(client, 0, 1000));
  const dataDir = await withClient(
    pg.serverUrl,
    async (client) => (await client.query<{ setting: string }>(`SELECT setting FROM pg_settings WHERE name = 'data_directory'`)).rows[0]!.setting,
  );
  const postmaster = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]) || null;
  if (postmaster === null) console.log('(PostgreSQL runs elsewhere or as another user: its CPU is not counted)');

  let sent = 0;
  for (const connections of [10, 50]) {
    const profileDir = path.join(work, `profile-${connections}`);
    const proxy = mode === 'proxy' ? await countingProxy(dbUrl) : null;
    const app = await startPostbag({
      databaseUrl: proxy?.url ?? dbUrl,
      surveysDir,
      logFile: path.join(work, `server-${connections}.log`),
      ...(mode === 'profile' && { profileDir }),
    });
    const tokens = Array.from({ length: 1500 * (seconds + 1) }, () => issueToken(key, SURVEY));
    const send = (loadSeconds: number) =>
      load({ url: `${app.url}/s/${SURVEY}/replies`, connections, seconds: loadSeconds, method: 'POST', headers, body: () => replyForm(tokens.pop()!, ++sent) });
    await send(1); // warm-up: the first requests compile and connect
    proxy?.reset();
    const before = { server: await cpuSeconds([app.pid]), postgres: await postgresCpu(postmaster), here: process.cpuUsage() };
    const result = await send(seconds);
    const here = process.cpuUsage(before.here);
    const used = {
      server: (await cpuSeconds([app.pid])) - before.server,
      postgres: (await postgresCpu(postmaster)) - before.postgres,
      here: (here.user + here.system) / 1e6,
    };
    const codes = Object.entries(result.statuses).map(([code, n]) => `${n}× ${code}`);
    const perReply = (s: number) => `${((1000 * s) / result.requests).toFixed(2)} ms`;
    console.log(
      `\n${connections} connections: ${result.rps.toFixed(0)} replies/s, p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms; ${codes.join(', ')}${result.errors > 0 ? `, ${result.errors} errors` : ''}`,
    );
    console.log(
      `  CPU per reply: server ${perReply(used.server)}, PostgreSQL ${postmaster ? perReply(used.postgres) : '?'}, autocannon ${perReply(used.here)} (over ${result.seconds.toFixed(1)} s on ${os.cpus().length} cores)`,
    );
    if (proxy) console.log(`  database round trips per reply: ${(proxy.roundTrips() / result.requests).toFixed(1)}`);
    await app.stop();
    await proxy?.close();
    if (mode === 'profile') console.log(`  server profile (start-up and warm-up included), ${profileDir}:\n${(await profileSummary(profileDir, 25)).text}`);
  }
} finally {
  await withClient(pg.serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => undefined);
  await pg.stop();
  if (mode !== 'profile') await rm(work, { recursive: true, force: true });
}

/** User and system CPU seconds of these processes, from /proc. */
async function cpuSeconds(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / 100; // USER_HZ
}

/** The CPU seconds of the postmaster and every process it started (backends, WAL writer, …) that still runs. */
async function postgresCpu(postmaster: number | null): Promise<number> {
  if (postmaster === null) return 0;
  const tree = async (pid: number): Promise<number[]> => {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean);
    return [pid, ...(await Promise.all(children.map((child) => tree(Number(child))))).flat()];
  };
  return cpuSeconds(await tree(postmaster));
}
