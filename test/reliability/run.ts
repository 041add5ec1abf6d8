// `npm run test:reliability`: Postbag as real processes on a PostgreSQL this run controls,
// under load, database outages, SIGTERM, fuzzing, duplicate sends, floods and two instances.
// Prints a table of promises and figures, writes test/reliability/results.json, and exits 1
// when a promise is broken. Traffic stays on 127.0.0.1. The whole run is bounded (8 minutes).
//   npm run test:reliability                       every scenario, full length
//   npm run test:reliability -- --quick            the short version
//   npm run test:reliability -- --only load,fuzz   some scenarios
//   npm run test:reliability -- --seed 42          another fast-check seed
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { killLeftoverInstances, projectDir } from './harness/instance.ts';
import { startCluster, type Cluster } from './harness/postgres.ts';
import { markdownTable, verdict, type Row, type Scenario } from './harness/report.ts';
import { duplicates } from './scenarios/duplicates.ts';
import { oneClientFlood } from './scenarios/flood.ts';
import { fuzz } from './scenarios/fuzz.ts';
import { load } from './scenarios/load.ts';
import { outage } from './scenarios/outage.ts';
import { sigterm } from './scenarios/sigterm.ts';
import { twoInstances } from './scenarios/two-instances.ts';

const scenarios: Record<string, Scenario> = { load, outage, sigterm, fuzz, duplicates, flood: oneClientFlood, 'two-instances': twoInstances };
const TIME_BOUND_MS = 8 * 60_000;
const DEFAULT_SEED = 20261101;

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, seed: { type: 'string', default: String(DEFAULT_SEED) } },
});
const chosen = flags.only ? flags.only.split(',') : Object.keys(scenarios);
const unknown = chosen.filter((name) => !(name in scenarios));
if (unknown.length > 0) throw new Error(`No scenario ${unknown.join(', ')}; there are: ${Object.keys(scenarios).join(', ')}`);
const seed = Number(flags.seed);

const started = performance.now();
const rows: Row[] = [];
// Assigned once the cluster runs, further down; finish() (defined first) stops it if it does.
// eslint-disable-next-line prefer-const
let cluster: Cluster | undefined;

async function finish(exitCode: number, reason?: string): Promise<never> {
  killLeftoverInstances();
  await cluster?.remove().catch((err: Error) => console.error(`Could not stop the run's PostgreSQL: ${err.message}`));
  if (reason) rows.push({ scenario: 'run', promise: `ends within ${TIME_BOUND_MS / 60_000} minutes`, figure: reason, ok: false });
  const failed = rows.filter((r) => r.ok === false).length;
  const kept = rows.filter((r) => r.ok === true).length;
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    postgres: cluster?.version ?? 'unknown',
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const seconds = Math.round((performance.now() - started) / 1000);
  console.log(`\n${markdownTable(rows)}\n`);
  console.log(
    `${kept} promises kept, ${failed} broken; ${seconds} s; seed ${seed}${flags.quick ? '; --quick' : ''}; ${machine.cpus} CPUs, Node ${machine.node}, PostgreSQL ${machine.postgres}, load average now ${machine.loadAverage.join(' ')}`,
  );
  const results = { date: new Date().toISOString(), quick: flags.quick, seed, seconds, machine, rows };
  await writeFile(path.join(projectDir, 'test', 'reliability', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.exit(failed > 0 ? 1 : exitCode);
}

const watchdog = setTimeout(() => void finish(1, `stopped after ${TIME_BOUND_MS / 60_000} minutes, in the middle of a scenario`), TIME_BOUND_MS - 20_000);
process.once('SIGINT', () => void finish(130, 'interrupted (SIGINT)'));

console.log(
  `Reliability run: ${chosen.join(', ')}${flags.quick ? ' (quick)' : ''}; fast-check seed ${seed}; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
cluster = await startCluster();
for (const name of chosen) {
  const scenarioStarted = performance.now();
  console.log(`\n== ${name}`);
  try {
    const scenarioRows = await scenarios[name]!({ cluster, quick: flags.quick, seed });
    rows.push(...scenarioRows);
    for (const r of scenarioRows) console.log(`${verdict(r).padEnd(6)} ${r.promise}: ${r.figure}`);
  } catch (err) {
    rows.push({
      scenario: name,
      promise: 'the scenario runs to its end',
      figure: String((err as Error).stack ?? err)
        .split('\n')
        .slice(0, 4)
        .join(' / '),
      ok: false,
    });
    console.log(`FAIL   the scenario did not finish: ${(err as Error).stack ?? String(err)}`);
  }
  console.log(`   (${Math.round((performance.now() - scenarioStarted) / 1000)} s)`);
}
clearTimeout(watchdog);
await finish(0);
