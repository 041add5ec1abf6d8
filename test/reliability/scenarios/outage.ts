// The database stopped for 10 s and started again, 5 times (2 × 5 s with --quick), while 50
// readers keep sending. The process stays up; while the database is down readers get 503 (or a
// page that needs no database), and a 503 to a sent form gives back what they typed; no
// acknowledged reply is lost or stored twice (readers resend after a 503, as people do); and
// the time to recover is measured: from PostgreSQL accepting connections again (pg_ctl start
// returned) to the first form acknowledged with 303 after it.
import { setTimeout as sleep } from 'node:timers/promises';
import { startInstance, type Instance } from '../harness/instance.ts';
import { Ledger, describeReconciliation, reconcile } from '../harness/ledger.ts';
import { startReaders, type Visit } from '../harness/readers.ts';
import { rowsFor, type Scenario } from '../harness/report.ts';
import { countOutcomes, describeCounts, ms } from '../harness/stats.ts';

const READERS = 50;
const RECOVERY_BOUND_MS = 10_000;

interface Outage {
  downFrom: number;
  /** When PostgreSQL was accepting connections again. */
  upAt: number;
  aliveWhileDown: boolean;
  aliveAfter: boolean;
  recoveryMs: number | null;
}

const answeredWell = (v: Visit) => v.status !== null && (v.status === 503 || v.status < 400);

export const outage: Scenario = async ({ cluster, quick }) => {
  const { rows, check } = rowsFor('outage');
  const count = quick ? 2 : 5;
  const downMs = quick ? 5_000 : 10_000;
  const upMs = quick ? 2_000 : 3_000;
  const databaseUrl = await cluster.freshDatabase('reliability_outage');
  const instance = await startInstance({ name: 'outage', databaseUrl });
  const outages: Outage[] = [];
  let databaseDown = false;
  const ledger = new Ledger();
  const readers = startReaders({ client: instance.client, ledger, readers: READERS, tag: 'outage' });
  try {
    await sleep(upMs);
    for (let i = 0; i < count && instance.alive(); i++) {
      const downFrom = performance.now();
      databaseDown = true;
      await cluster.stop();
      await sleep(downMs);
      const aliveWhileDown = instance.alive();
      await cluster.start();
      databaseDown = false;
      const upAt = performance.now();
      const recoveredAt = await firstAcknowledgementAfter(readers.visits, upAt, RECOVERY_BOUND_MS);
      outages.push({ downFrom, upAt, aliveWhileDown, aliveAfter: instance.alive(), recoveryMs: recoveredAt === null ? null : recoveredAt - upAt });
      await sleep(upMs);
    }
    await readers.stop();

    const aliveEverywhere = outages.filter((o) => o.aliveWhileDown && o.aliveAfter).length;
    check(
      `the process stays up through ${count} outages of ${downMs / 1000} s`,
      instance.alive() ? `up after ${aliveEverywhere} of ${count}` : await deathOf(instance, outages.length),
      aliveEverywhere === count && instance.alive(),
    );

    const whileDown = readers.visits.filter((v) => outages.some((o) => v.sentAt >= o.downFrom && v.sentAt <= o.upAt));
    const wrongWhileDown = whileDown.filter((v) => !answeredWell(v));
    check(
      'only 503 while the database is down (or a page that needs none)',
      `sent while down: ${describeCounts(countOutcomes(whileDown))}`,
      whileDown.length > 0 && wrongWhileDown.length === 0,
    );
    const wrong = readers.visits.filter((v) => !answeredWell(v));
    check(
      'never another 5xx, never an unanswered request, at any time',
      `${wrong.length} of ${readers.visits.length}: ${describeCounts(countOutcomes(wrong))}`,
      wrong.length === 0,
    );

    const sent503 = readers.visits.filter((v) => v.kind === 'send' && v.status === 503);
    const echoed = sent503.filter((v) => v.echoed).length;
    check(
      'a 503 to a sent form shows what the reader typed',
      sent503.length === 0 ? 'no sent form was answered 503' : `${echoed} of ${sent503.length} pages`,
      sent503.length > 0 && echoed === sent503.length,
    );

    const stored = await reconcile(ledger, databaseUrl);
    check(
      'no acknowledged reply lost or duplicated (readers resend after errors)',
      describeReconciliation(stored),
      stored.acknowledged > 0 && stored.lost === 0 && stored.duplicated === 0,
    );

    const recovered = outages.filter((o) => o.recoveryMs !== null);
    check(
      `recovers after each start: a form acknowledged within ${RECOVERY_BOUND_MS / 1000} s`,
      `${recovered.length} of ${count}; time to recover: ${outages.map((o) => (o.recoveryMs === null ? 'never' : ms(o.recoveryMs))).join(', ') || '–'}`,
      recovered.length === count,
    );
  } finally {
    await readers.stop();
    if (databaseDown) await cluster.start();
    await instance.stop();
  }
  return rows;
};

async function deathOf(instance: Instance, outagesSeen: number): Promise<string> {
  const { code, signal } = await instance.exited;
  return `exited (code ${code}, signal ${signal}) in outage ${outagesSeen}: ${await instance.lastWords()}`;
}

/** performance.now() of the first 303 to a sent form that arrived after `since`, waiting up to `boundMs`; null if none came. */
async function firstAcknowledgementAfter(visits: readonly Visit[], since: number, boundMs: number): Promise<number | null> {
  let checked = 0;
  while (performance.now() - since < boundMs) {
    for (; checked < visits.length; checked++) {
      const v = visits[checked]!;
      if (v.kind === 'send' && v.status === 303 && v.doneAt > since) return v.doneAt;
    }
    await sleep(50);
  }
  return null;
}
