// 50 readers at once for 30 s (8 s with --quick): every request is answered without a 5xx, and
// the replies stored are exactly the replies acknowledged.
import { setTimeout as sleep } from 'node:timers/promises';
import { startInstance } from '../harness/instance.ts';
import { Ledger, describeReconciliation, reconcile, reconciled } from '../harness/ledger.ts';
import { startReaders } from '../harness/readers.ts';
import { rowsFor, type Scenario } from '../harness/report.ts';
import { countOutcomes, describeCounts, describeLatency, isServerError, perSecond } from '../harness/stats.ts';

const READERS = 50;

export const load: Scenario = async ({ cluster, quick }) => {
  const { rows, check, measure } = rowsFor('load');
  const seconds = quick ? 8 : 30;
  const databaseUrl = await cluster.freshDatabase('reliability_load');
  const instance = await startInstance({ name: 'load', databaseUrl });
  try {
    const ledger = new Ledger();
    const readers = startReaders({ client: instance.client, ledger, readers: READERS, tag: 'load' });
    await sleep(seconds * 1000);
    await readers.stop();

    const { visits } = readers;
    const forms = visits.filter((v) => v.kind === 'form');
    const sends = visits.filter((v) => v.kind === 'send');
    const failed = visits.filter((v) => isServerError(v) || v.status === null).length;
    check(
      `${READERS} readers for ${seconds} s: every request answered, no 5xx`,
      `${failed} failed of ${visits.length}; GET form: ${describeCounts(countOutcomes(forms))}; POST: ${describeCounts(countOutcomes(sends))}`,
      failed === 0,
    );
    const stored = await reconcile(ledger, databaseUrl);
    check('replies stored = replies acknowledged (by secret hash)', describeReconciliation(stored), reconciled(stored));
    measure(
      'throughput and latency',
      `${perSecond(stored.acknowledged, seconds * 1000)} replies, ${perSecond(visits.length, seconds * 1000)} requests; GET form ${describeLatency(forms)}; POST ${describeLatency(sends)}`,
    );
  } finally {
    await instance.stop();
  }
  return rows;
};
