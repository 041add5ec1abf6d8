// `npm run bench [-- --quick | --full] [-- --profile]`: how fast Postbag is, beside floors
// measured in the same run, as the data grows. Loopback only; everything it starts it stops,
// and the database it fills is dropped at the end.
//   --quick    2 s per load, 1k and 10k replies (under a minute)
//   (default)  8 s per load, 1k, 10k and 100k replies
//   --full     also 1M replies (adds several minutes, most of them filling)
//   --profile  the server runs under --cpu-prof and through a proxy that counts its database
//              round trips: figures are slower, and the profile's summary is printed
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres   use that server (a superuser)
//   (unset)    an embedded PostgreSQL in a temporary folder
// Prints a table and writes bench/results.json.
import { mkdtemp, rm, writeFile, copyFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setAuthorPassword } from '../src/admin/password.ts';
import { openDb } from '../src/db/client.ts';
import { freePort } from '../src/db/embedded.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import { withClient } from '../src/db/with-client.ts';
import { setStatus } from '../src/moderation/actions.ts';
import { encodeCursor } from '../src/moderation/schema.ts';
import { statusCounts } from '../src/moderation/counts.ts';
import { loadSurveys } from '../src/surveys/load.ts';
import { computeTally } from '../src/tally/service.ts';
import { scratchServer } from '../test/helpers/scratch-server.ts';
import { withDatabaseName } from '../test/helpers/urls.ts';
import { signIn, timed, timeSeries, type Author, type Timing } from './author.ts';
import { fillReplies, filledCounts, secondSurvey } from './fill.ts';
import { load, paced, type LoadResult } from './load.ts';
import { projectDir, startChild, startPostbag, type Child } from './processes.ts';
import { profileSummary } from './profile.ts';
import { replyForm } from './reply-form.ts';
import { mb, ms, perSecond, Report } from './report.ts';
import { countingProxy } from './round-trips.ts';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const full = args.has('--full');
const profiling = args.has('--profile');
const seconds = quick ? 2 : 8;
const sizes = quick ? [1_000, 10_000] : full ? [1_000, 10_000, 100_000, 1_000_000] : [1_000, 10_000, 100_000];
const startRepeats = quick ? 1 : 3;
const PASSWORD = 'a password for the benchmark only';
const SURVEY = 'leaving-session';

const report = new Report(quick ? 'quick' : full ? 'full' : 'default');
const work = await mkdtemp(path.join(os.tmpdir(), 'postbag-bench-'));
const pg = await scratchServer(process.env.BENCH_DATABASE_URL, 'bench');
const dbName = `postbag_bench_${process.pid}`;
const dbUrl = withDatabaseName(pg.serverUrl, dbName);
const cleanups: (() => Promise<unknown>)[] = [];

try {
  console.log(
    `PostgreSQL: ${pg.embedded ? 'embedded (temporary)' : 'BENCH_DATABASE_URL'}; ${os.cpus().length} CPUs; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  await startTimes();

  await withClient(pg.serverUrl, (client) => client.query(`CREATE DATABASE ${dbName}`));
  await applyMigrations(dbUrl);
  const db = openDb(dbUrl);
  cleanups.push(() => db.$disconnect());
  await setAuthorPassword(db, PASSWORD);
  const surveysDir = path.join(work, 'surveys');
  await mkdir(surveysDir);
  await copyFile(path.join(projectDir, 'surveys', `${SURVEY}.json`), path.join(surveysDir, `${SURVEY}.json`));
  await copyFile(path.join(projectDir, 'test', 'fixtures', 'surveys', `${secondSurvey}.json`), path.join(surveysDir, `${secondSurvey}.json`));
  const surveys = await loadSurveys(surveysDir);

  const proxy = profiling ? await countingProxy(dbUrl) : null;
  if (proxy) cleanups.push(() => proxy.close());
  const app = await startPostbag({
    databaseUrl: proxy?.url ?? dbUrl,
    surveysDir,
    logFile: path.join(work, 'server.log'),
    ...(profiling && { profileDir: path.join(work, 'profile') }),
  });
  cleanups.push(() => app.stop());
  const author = await signIn(app.url, PASSWORD);

  let filled = 0;
  for (const size of sizes) {
    report.section(`${size.toLocaleString('en')} approved replies`);
    const fill = await timed(() => withClient(dbUrl, (client) => fillReplies(client, filled, size)));
    filled = size;
    const counts = filledCounts(size);
    report.add({ what: 'fill (SQL)', value: ms(fill.ms), note: `+ ${counts.pending} pending, ${counts.spam} spam, ${counts.secondSurvey} to ${secondSurvey}` });
    if (size === sizes[0]) await readerThroughput(app);
    await tallyFigures(app, author, size);
    await authorFigures(app, author, size);
    const memory = await app.memory();
    report.add({ what: 'server peak memory so far (VmHWM)', value: mb(memory.peakMb), goal: '≤ 150 MB', met: memory.peakMb <= 150 });
  }
  if (proxy) await roundTrips(app, author, proxy);
  await app.stop();
  if (profiling) {
    const summary = await profileSummary(path.join(work, 'profile'));
    console.log(`\nWhere the server's time went (CPU profile, self time):\n${summary.text}`);
    report.keep('profile', summary.top);
  }

  // Functions named in the closures above.
  async function readerThroughput(app: Child): Promise<void> {
    report.section('reader form and submissions, beside the bare floor');
    const page = await (await fetch(`${app.url}/s/${SURVEY}`)).text();
    const pageFile = path.join(work, 'form.html');
    await writeFile(pageFile, page);
    const floorPort = await freePort();
    const floor = await startChild({
      args: ['--import', 'tsx', 'bench/floor.ts'],
      env: { FLOOR_PORT: String(floorPort), FLOOR_PAGE: pageFile, FLOOR_DATABASE_URL: dbUrl },
      port: floorPort,
      logFile: path.join(work, 'floor.log'),
      readyPath: '/page',
    });
    cleanups.push(() => floor.stop());
    const tokens: string[] = [];
    const keepToken = (_status: number, body: string) => {
      const token = /name="token" value="([^"]+)"/.exec(body)?.[1];
      if (token) tokens.push(token);
    };
    let sent = 0;
    const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
    const submission = (token: string) => replyForm(token, ++sent);

    for (const connections of [10, 50]) {
      const floorPage = await load({ url: `${floor.url}/page`, connections, seconds });
      const appPage = await load({ url: `${app.url}/s/${SURVEY}`, connections, seconds, onBody: keepToken });
      compare(`form page, ${connections} connections`, appPage, floorPage, connections === 50);
    }
    // Each request its own token: every one stores a new reply (303).
    for (const connections of [10, 50]) {
      const floorInsert = await load({ url: `${floor.url}/insert`, connections, seconds, method: 'POST', headers: formHeaders, body: () => 'x=1' });
      // Enough tokens for the run: the form's own answers, fetched ahead if they fall short.
      const wanted = Math.ceil(floorInsert.rps * seconds * 1.2);
      if (tokens.length < wanted) await load({ url: `${app.url}/s/${SURVEY}`, connections: 10, amount: wanted - tokens.length, onBody: keepToken });
      const appInsert = await load({
        url: `${app.url}/s/${SURVEY}/replies`,
        connections,
        seconds,
        method: 'POST',
        headers: formHeaders,
        body: () => {
          const token = tokens.pop();
          return token === undefined ? null : submission(token);
        },
      });
      compare(`submissions, new replies, ${connections} connections`, appInsert, floorInsert, connections === 50, 303);
    }
    // One token per connection: the first send stores a reply, every later one edits it.
    const resends = await load({
      url: `${app.url}/s/${SURVEY}/replies`,
      connections: 50,
      seconds,
      method: 'POST',
      headers: formHeaders,
      body: (connection) => {
        connection.token ??= tokens.pop();
        return submission(connection.token as string);
      },
    });
    report.add({
      what: 'submissions sent again (edits), 50 connections',
      value: `${perSecond(resends.rps)}, p99 ${ms(resends.p99)}`,
      note: statusNote(resends),
    });
    report.keep('reader', { tokensLeft: tokens.length });
    await floor.stop();
  }

  function compare(what: string, app: LoadResult, floor: LoadResult, latencyGoal: boolean, expected = 200): void {
    const ratio = app.rps / floor.rps;
    const p99Met = !latencyGoal || app.p99 <= 50;
    report.add({
      what,
      value: `${perSecond(app.rps)}, p99 ${ms(app.p99)}`,
      floor: `${perSecond(floor.rps)}, p99 ${ms(floor.p99)}`,
      goal: `≥ 0.5× floor${latencyGoal ? ', p99 ≤ 50 ms' : ''}`,
      met: ratio >= 0.5 && p99Met && (app.statuses[expected] ?? 0) === app.requests,
      note: `${ratio.toFixed(2)}× floor; ${statusNote(app)}`,
    });
    report.keep(what, { app, floor });
  }

  async function tallyFigures(app: Child, author: Author, size: number): Promise<void> {
    const survey = surveys.get(SURVEY)!;
    const recount = await timeSeries(quick ? 1 : 3, () => computeTally(db, survey));
    const recountGoal = size >= 1_000_000 ? 5_000 : size >= 100_000 ? 500 : undefined;
    report.add({
      what: 'recount of the tally (no cache)',
      value: `median ${ms(recount.median)}, max ${ms(recount.max)}`,
      ...(recountGoal && { goal: `≤ ${ms(recountGoal)}`, met: recount.max <= recountGoal }),
    });
    for (const route of ['tally', 'tally.gmi']) {
      await fetch(`${app.url}/s/${SURVEY}/${route}`).then((r) => r.arrayBuffer()); // the first count of this process
      const closed = await load({ url: `${app.url}/s/${SURVEY}/${route}`, connections: 50, seconds });
      tallyRow(`GET /s/…/${route}, 50 connections, as fast as answered`, closed);
    }
    // Readers arriving at a steady pace, as they do (see paced in load.ts).
    for (const rate of [500, 1000]) {
      const steady = await paced({ url: `${app.url}/s/${SURVEY}/tally`, connections: 50, seconds, rate });
      tallyRow(`GET /s/…/tally, up to 50 connections, ${rate} requests/s arriving steadily`, steady);
    }

    // The author moderates the first survey while readers load its tally; the second survey's
    // version must not move (its cached tally is never recounted).
    const other = await tallyVersion(secondSurvey);
    await fetch(`${app.url}/s/${secondSurvey}/tally`).then((r) => r.arrayBuffer());
    const pending = await db.reply.findMany({ where: { surveySlug: SURVEY, status: 'pending' }, select: { id: true }, take: 50 });
    const stop = new AbortController();
    const moderated = moderate(
      author,
      pending.map((r) => r.id),
      stop.signal,
    );
    const during = await load({ url: `${app.url}/s/${SURVEY}/tally`, connections: 50, seconds });
    stop.abort();
    const moderations = await moderated;
    tallyRow(`GET /s/…/tally, 50 connections, while the author moderates (${moderations} decisions)`, during);
    const unchanged = (await tallyVersion(secondSurvey)) === other;
    report.add({
      what: `${secondSurvey}'s tally version while ${SURVEY} was moderated`,
      value: unchanged ? 'unchanged' : 'MOVED',
      goal: 'unchanged',
      met: unchanged,
    });
  }

  function tallyRow(what: string, result: LoadResult): void {
    report.add({ what, value: `p99 ${ms(result.p99)}, ${perSecond(result.rps)}`, goal: 'p99 ≤ 10 ms', met: result.p99 <= 10, note: statusNote(result) });
    report.keep(`${filled} ${what}`, result);
  }

  async function tallyVersion(slug: string): Promise<bigint | undefined> {
    return (await db.tallyVersion.findUnique({ where: { surveySlug: slug } }))?.version;
  }

  async function authorFigures(app: Child, author: Author, size: number): Promise<void> {
    const runs = quick ? 5 : 20;
    const page = async (what: string, path: string, goalMs?: number) => {
      const timing = await timeSeries(runs, async () => {
        const res = await author.get(path);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      });
      timingRow(what, timing, goalMs);
    };
    const deep = await db.reply.findFirstOrThrow({
      where: { status: 'approved' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: Math.floor(size * 0.9),
      select: { id: true, createdAt: true },
    });
    await page('queue, pending, first page', '/admin/replies', 20);
    await page('queue, approved, first page', '/admin/replies?status=approved', 20);
    await page('queue, approved, a page 90% of the way in', `/admin/replies?status=approved&after=${encodeURIComponent(encodeCursor(deep))}`, 20);
    await page('search, approved, a common name ("fluffy")', '/admin/replies?status=approved&q=fluffy', 50);
    await page("search, approved, one reader's words", `/admin/replies?status=approved&q=${encodeURIComponent(await oneReadersWords())}`, 50);
    await page('search, pending, a name ("Grete")', '/admin/replies?q=Grete', 50);
    await page('names page', '/admin/names', 50);
    timingRow('status counts (every admin page runs them today)', await timeSeries(runs, () => statusCounts(db)), 10);

    // Bulk approval: 1,000 pending replies in one transaction, then back (untimed).
    const ids = (await db.reply.findMany({ where: { status: 'pending' }, select: { id: true }, take: 1000 })).map((r) => r.id);
    const approval = await timed(() => setStatus(db, ids, 'approved'));
    await setStatus(db, ids, 'pending');
    report.add({ what: `bulk approval of ${ids.length} replies`, value: ms(approval.ms), goal: '≤ 1 s', met: approval.ms <= 1000 });

    for (const format of ['csv', 'json']) await exportFigure(app, author, format, size);
  }

  function timingRow(what: string, timing: Timing, goalMs?: number): void {
    report.add({
      what,
      value: `median ${ms(timing.median)}, p95 ${ms(timing.p95)}`,
      ...(goalMs !== undefined && { goal: `≤ ${ms(goalMs)}`, met: timing.p95 <= goalMs }),
    });
    report.keep(`${filled} ${what}`, timing);
  }

  async function oneReadersWords(): Promise<string> {
    const [row] = await db.$queryRaw<{ words: string }[]>`
      SELECT substring(value from '\\(([0-9a-f]{12})\\)') AS words FROM answer WHERE question_id = 'why' LIMIT 1`;
    return row!.words;
  }

  /**
   * Streaming is bounded when the server grows by less than its heap's own slack during an
   * export, whatever the export's size (31 MB of CSV at 100k replies, 1.2 GB of JSON at 1M).
   */
  async function exportFigure(app: Child, author: Author, format: string, size: number): Promise<void> {
    const before = (await app.memory()).nowMb;
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await app.memory()).nowMb);
        await sleep(50);
      }
    })();
    const result = await timed(() => author.download(`/admin/exports/${SURVEY}.${format}?replies=approved`)).finally(() => (sampling = false));
    await sampler;
    const { bytes } = result.value;
    report.add({
      what: `export ${format.toUpperCase()} of ${size.toLocaleString('en')} approved replies`,
      value: `${(result.ms / 1000).toFixed(1)} s, ${mb(bytes / 2 ** 20)}`,
      note: `server memory ${mb(before)} before, ≤ ${mb(peak)} during it`,
      goal: 'streams: grows < 100 MB at any size',
      met: result.value.status === 200 && peak - before < 100,
    });
  }

  async function roundTrips(app: Child, author: Author, proxy: Awaited<ReturnType<typeof countingProxy>>): Promise<void> {
    report.section('database round trips per request (through the counting proxy)');
    const tokens: string[] = [];
    for (let i = 0; i < 21; i++) tokens.push(/name="token" value="([^"]+)"/.exec(await (await fetch(`${app.url}/s/${SURVEY}`)).text())![1]!);
    const perRequest = async (what: string, send: () => Promise<unknown>) => {
      await send();
      proxy.reset();
      for (let i = 0; i < 20; i++) await send();
      report.add({ what, value: (proxy.roundTrips() / 20).toFixed(1) });
    };
    const post = (token: string) =>
      fetch(`${app.url}/s/${SURVEY}/replies`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: replyForm(token, Math.random()),
        redirect: 'manual',
      }).then((r) => r.arrayBuffer());
    await perRequest('GET /s/:slug (form)', () => fetch(`${app.url}/s/${SURVEY}`).then((r) => r.arrayBuffer()));
    await perRequest('POST /s/:slug/replies (a new reply)', () => post(tokens.pop()!));
    const again = tokens.pop()!;
    await perRequest('POST /s/:slug/replies (sent again: an edit)', () => post(again));
    await perRequest('GET /s/:slug/tally', () => fetch(`${app.url}/s/${SURVEY}/tally`).then((r) => r.arrayBuffer()));
    await perRequest('GET /admin/replies', () => author.get('/admin/replies'));
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.error('cleanup:', err));
  await withClient(pg.serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => undefined);
  await pg.stop();
}

console.log(`\n${report.table()}`);
await report.write(path.join(projectDir, 'bench', 'results.json'));
if (profiling) console.log(`\nThe server's CPU profile is in ${path.join(work, 'profile')}`);
else await rm(work, { recursive: true, force: true });
console.log('\nWrote bench/results.json');

/** From `npm start` to the first answered request: a first start (a new embedded PostgreSQL), then restarts. */
async function startTimes(): Promise<void> {
  report.section('start, with the embedded PostgreSQL (npm start to the first answer)');
  const first: number[] = [];
  const again: number[] = [];
  for (let i = 0; i < startRepeats; i++) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'postbag-bench-start-'));
    try {
      for (const times of [first, again]) {
        const port = await freePort();
        const child = await startChild({
          args: [],
          command: { file: 'npm', args: ['start', '--silent'] },
          env: { DATA_DIR: dataDir, PORT: String(port), GEMINI_PORT: '0', DATABASE_URL: '' },
          port,
          logFile: path.join(work, 'start.log'),
        });
        times.push(child.startMs);
        await child.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  const row = (what: string, times: number[], goal: number) =>
    report.add({ what, value: times.map(ms).join(', '), goal: `≤ ${ms(goal)}`, met: Math.max(...times) <= goal });
  row('first start (creates the embedded PostgreSQL)', first, 3000);
  row('restart', again, 1500);
}

function statusNote(result: LoadResult): string {
  const codes = Object.entries(result.statuses)
    .map(([code, n]) => `${n}× ${code}`)
    .join(', ');
  return `${codes}${result.errors > 0 ? `, ${result.errors} errors` : ''}`;
}

/** Moves pending replies to approved and back, one decision every 250 ms, until `signal`; returns how many. */
async function moderate(author: Author, ids: string[], signal: AbortSignal): Promise<number> {
  let done = 0;
  while (!signal.aborted && ids.length > 0) {
    const id = ids[done % ids.length]!;
    const action = Math.floor(done / ids.length) % 2 === 0 ? 'approved' : 'pending';
    const status = await author.post('/admin/replies/moderate', [
      ['action', action],
      ['ids', id],
      ['back', '/admin/replies'],
    ]);
    if (status !== 303) throw new Error(`moderation answered ${status}`);
    done++;
    await sleep(250);
  }
  return done;
}
