// SIGTERM while 50 readers are sending: the process ends within the shutdown bound
// (SHUTDOWN_TIMEOUT, 10 s by default), the requests it had already taken are answered, and the
// replies stored are exactly the replies acknowledged.
import { setTimeout as sleep } from 'node:timers/promises';
import { startInstance } from '../harness/instance.ts';
import { Ledger, describeReconciliation, reconcile, reconciled } from '../harness/ledger.ts';
import { startReaders } from '../harness/readers.ts';
import { rowsFor, type Scenario } from '../harness/report.ts';
import { countOutcomes, describeCounts, ms } from '../harness/stats.ts';

const READERS = 50;
/** SHUTDOWN_TIMEOUT's default, and what we allow on top for the process to get there and exit on a busy machine. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
const SLACK_MS = 2_000;

export const sigterm: Scenario = async ({ cluster, quick }) => {
  const { rows, check } = rowsFor('sigterm');
  const databaseUrl = await cluster.freshDatabase('reliability_sigterm');
  const instance = await startInstance({ name: 'sigterm', databaseUrl });
  try {
    const ledger = new Ledger();
    const readers = startReaders({ client: instance.client, ledger, readers: READERS, tag: 'term' });
    await sleep(quick ? 3_000 : 6_000);
    const termAt = performance.now();
    instance.signal('SIGTERM');
    const exit = await Promise.race([instance.exited, sleep(SHUTDOWN_TIMEOUT_MS + SLACK_MS + 10_000, null)]);
    await readers.stop();

    const exitMs = exit === null ? null : exit.at - termAt;
    check(
      `exits within SHUTDOWN_TIMEOUT (${SHUTDOWN_TIMEOUT_MS / 1000} s) of SIGTERM`,
      exitMs === null
        ? `still running ${ms(performance.now() - termAt)} later (killed)`
        : `exited after ${ms(exitMs)}, code ${exit!.code}, signal ${exit!.signal}`,
      exitMs !== null && exitMs <= SHUTDOWN_TIMEOUT_MS + SLACK_MS,
    );

    // Taken before the signal and still running: Postbag had these requests, so each deserves an
    // answer that is not an error. Sent after the signal: refused, or reset when the kept-alive
    // connection they went out on was being closed (the server never read them, as the ledger
    // below confirms), or answered.
    const end = exit?.at ?? performance.now();
    const inFlight = readers.visits.filter((v) => v.sentAt < termAt && v.doneAt >= termAt);
    const afterSignal = readers.visits.filter((v) => v.sentAt >= termAt && v.sentAt < end);
    const failed = (v: (typeof inFlight)[number], notTaken: readonly string[]) =>
      (v.status === null && !notTaken.includes(v.error ?? '')) || (v.status !== null && v.status >= 500 && v.status !== 503);
    const unanswered = [...inFlight.filter((v) => failed(v, [])), ...afterSignal.filter((v) => failed(v, ['ECONNREFUSED', 'ECONNRESET']))];
    check(
      'requests it had taken are answered (after the signal, refused or reset connections allowed)',
      `in flight at SIGTERM: ${describeCounts(countOutcomes(inFlight))}; sent before exit: ${describeCounts(countOutcomes(afterSignal))}`,
      unanswered.length === 0,
    );

    const stored = await reconcile(ledger, databaseUrl);
    check('replies stored = replies acknowledged', describeReconciliation(stored), reconciled(stored));
  } finally {
    await instance.stop();
  }
  return rows;
};
