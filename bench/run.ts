// `npm run bench [-- <replies>]`: how long the tally takes at 100k approved replies (or the
// number given). Fills a fresh database in SQL, then times the aggregation itself (cold: no
// cache) and the routes as readers meet them (the first request computes, later ones read the
// change counter and reuse the cached tally). The database is dropped at the end, and an
// embedded server started for the run is stopped: the command ends by itself.
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres   use that server
//   (unset)                                                         an embedded PostgreSQL in a temporary folder
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import request from 'supertest';
import { DEFAULT_PURGE_AFTER_DAYS, loadConfig } from '../src/config.ts';
import { loadReplyPolicy } from '../src/replies/policy.ts';
import { adminSessions } from '../src/admin/session.ts';
import { createApp } from '../src/app.ts';
import { seedCatalog } from '../src/catalog/service.ts';
import { openDb } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import { withClient } from '../src/db/with-client.ts';
import { listQueue, statusCounts } from '../src/moderation/queue.ts';
import { encodeCursor, queueQuery } from '../src/moderation/schema.ts';
import { loadSurveys } from '../src/surveys/load.ts';
import { TallyCache } from '../src/tally/cache.ts';
import { computeTally } from '../src/tally/service.ts';
import { scratchServer } from '../test/helpers/scratch-server.ts';
import { withDatabaseName } from '../test/helpers/urls.ts';
import { fillReplies } from './fill.ts';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const replies = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(replies) || replies < 1) throw new Error(`Give a number of replies, not "${process.argv[2]}".`);

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await run();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/** Runs `run` n times: the first time, then the median and 95th percentile of all. */
async function series(n: number, run: () => Promise<unknown>): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((await timed(run)).ms);
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `first ${times[0]!.toFixed(1)} ms, median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms (${n} runs)`;
}

const server = await scratchServer(process.env.BENCH_DATABASE_URL, 'bench');
const { serverUrl } = server;
const name = `postbag_bench_${process.pid}`;
const url = withDatabaseName(serverUrl, name);
await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
const db = openDb(url);
try {
  await applyMigrations(url);
  const surveys = await loadSurveys(path.join(projectDir, 'surveys'));
  const survey = surveys.get('leaving-session')!;
  await seedCatalog(db, surveys.values());
  console.log(`PostgreSQL: ${server.embedded ? 'embedded' : 'BENCH_DATABASE_URL'}; ${os.cpus().length} CPUs`);

  const fill = await timed(() => fillReplies(db, replies));
  const answers = await db.answer.count();
  console.log(`filled ${replies} approved replies (${answers} answers) in ${(fill.ms / 1000).toFixed(1)} s`);

  const { value: tally } = await timed(() => computeTally(db, survey));
  console.log(`tally: ${tally.readers} readers, ${tally.blocks.length} blocks`);
  console.log(`aggregation, no cache:      ${await series(5, () => computeTally(db, survey))}`);

  const cache = new TallyCache(db);
  console.log(`TallyCache, nothing changed: ${await series(200, () => cache.tallyOf(survey))}`);

  // Each route on a fresh app: its first request computes the tally, the others reuse it.
  for (const route of ['/s/leaving-session/tally', '/s/leaving-session/tally.gmi']) {
    const app = createApp({ db, surveys, logger: pino({ level: 'silent' }), sessions: await adminSessions(db), replyPolicy: await loadReplyPolicy(db, loadConfig({})), purgeAfterDays: DEFAULT_PURGE_AFTER_DAYS });
    console.log(`GET ${route}: ${await series(50, () => request(app).get(route).expect(200))}`);
  }

  // The author's queue: the first page, and a page deep in (keyset pagination should cost the same).
  const first = await listQueue(db, queueQuery.parse({ status: 'approved' }));
  const deep = await db.reply.findFirstOrThrow({ where: { status: 'approved' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip: Math.floor(replies * 0.9) });
  const deepQuery = queueQuery.parse({ status: 'approved', after: encodeCursor(deep) });
  console.log(`queue, first page (${first.replies.length} replies): ${await series(20, () => listQueue(db, queueQuery.parse({ status: 'approved' })))}`);
  console.log(`queue, a page 90% of the way in: ${await series(20, () => listQueue(db, deepQuery))}`);
  console.log(`queue, counts per status:   ${await series(20, () => statusCounts(db))}`);
} finally {
  await db.$disconnect();
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  await server.stop();
}
