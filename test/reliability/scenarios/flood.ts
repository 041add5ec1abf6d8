// A flood from one client (172.16.0.1, by X-Forwarded-For) while 5 other readers, each form
// from an address of its own, send theirs: the limits hold the flood back (429) and the others
// get through. Their rate without the flood is measured first, for comparison.
//
// The instance runs with a per-client limit of 5 replies in 10 minutes and a budget for
// everyone of 100: more than the other readers send in the time (5 readers, a form each per
// ~1.1 s at best), fewer than the flood's posts. So a budget that counts the flood's refused
// posts too runs out, and shows as 429s to the other readers.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeFlood, flood } from '../harness/flood.ts';
import { startInstance } from '../harness/instance.ts';
import { Ledger } from '../harness/ledger.ts';
import { startReaders } from '../harness/readers.ts';
import { rowsFor, type Scenario } from '../harness/report.ts';
import { countOutcomes, describeCounts, describeLatency, isServerError, perSecond } from '../harness/stats.ts';

const OTHER_READERS = 5;
const FLOODER = '172.16.0.1';
// Everyone's budget is above what the other readers can send in the run (each form waits
// FILL_TIME_MS, 1.1 s: at most about 100 forms from 5 readers in 22.5 s, which they nearly
// reach once Postbag keeps up with them) and far below the flood's thousands of posts, so a
// budget the flood's refused posts use up shows here.
const LIMITS = { CLIENT_REPLY_LIMIT: '5/10m', GLOBAL_REPLY_LIMIT: '300/10m' };
/** Share of the flood's posts the limits must refuse: a limit of a few forms in minutes refuses far more. */
const HELD_SHARE = 0.9;

export const oneClientFlood: Scenario = async ({ cluster, quick }) => {
  const { rows, check } = rowsFor('flood');
  const seconds = quick ? 6 : 15;
  const databaseUrl = await cluster.freshDatabase('reliability_flood');
  const instance = await startInstance({ name: 'flood', databaseUrl, env: LIMITS });
  try {
    const alone = startReaders({ client: instance.client, ledger: new Ledger(), readers: OTHER_READERS, tag: 'alone' });
    await sleep(seconds * 500);
    await alone.stop();
    const aloneSends = alone.visits.filter((v) => v.kind === 'send');

    const ledger = new Ledger();
    const others = startReaders({ client: instance.client, ledger, readers: OTHER_READERS, tag: 'others' });
    const flooded = await flood([instance], FLOODER, seconds, 'flooder').finally(() => others.stop());
    const sends = others.visits.filter((v) => v.kind === 'send');

    check(
      `a flood from one client is held by the limits (≥ ${HELD_SHARE * 100}% of its posts answered 429)`,
      describeFlood(flooded),
      flooded.posts > 0 && flooded.refused >= HELD_SHARE * flooded.posts,
    );
    const troubled = others.visits.filter((v) => v.status === 429 || v.status === null || isServerError(v));
    check(
      `${OTHER_READERS} other readers get through meanwhile: no 429, no 5xx, nothing unanswered`,
      `${ledger.acknowledgedCount} replies acknowledged (${perSecond(ledger.acknowledgedCount, seconds * 1000)}; ${perSecond(aloneSends.filter((v) => v.status === 303).length, seconds * 500)} without the flood); ` +
        `POST ${describeCounts(countOutcomes(sends))}, ${describeLatency(sends)} (without the flood ${describeLatency(aloneSends)})`,
      ledger.acknowledgedCount > 0 && troubled.length === 0,
    );
  } finally {
    await instance.stop();
  }
  return rows;
};
