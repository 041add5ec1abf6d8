// Two instances on one database, as behind a load balancer: a reply sent to one is seen through
// its private link on the other; the author signed in on one is signed in on the other; and a
// flood from one client split across both is limited as one (it gets no more through than the
// same flood against a single instance).
import { acknowledgedSecret, answers, fetchForm, sendForm } from '../harness/form.ts';
import { describeFlood, flood } from '../harness/flood.ts';
import { setAuthorPassword, signIn } from '../harness/author.ts';
import { startInstance, type Instance } from '../harness/instance.ts';
import { readerAddress } from '../harness/readers.ts';
import { rowsFor, type Scenario } from '../harness/report.ts';

/** The per-client limit under test (Postbag's default); the budget for everyone stays out of the way (RUN_SETTINGS). */
const LIMITS = { CLIENT_REPLY_LIMIT: '5/10m' };
/** A flood split over two instances may get this much more through than against one, and still count as limited as one. */
const SPLIT_TOLERANCE = 1.5;

export const twoInstances: Scenario = async ({ cluster, quick }) => {
  const { rows, check } = rowsFor('two instances');
  const databaseUrl = await cluster.freshDatabase('reliability_two');
  await setAuthorPassword(databaseUrl);
  const instances: Instance[] = [];
  try {
    // One after the other: the first applies the migrations.
    instances.push(await startInstance({ name: 'two-a', databaseUrl, env: LIMITS }));
    instances.push(await startInstance({ name: 'two-b', databaseUrl, env: LIMITS }));
    const [a, b] = instances as [Instance, Instance];

    const headers = { 'x-forwarded-for': readerAddress(0, 0) };
    const { outcome: shown, form } = await fetchForm(a.client, '/s/leaving-session', headers);
    const sent = form ? await sendForm(a.client, form, answers('twodata'), headers) : shown;
    const secret = acknowledgedSecret(sent);
    const seen = secret ? await b.client.send({ method: 'GET', path: `/r/${secret}` }) : null;
    check(
      'a reply sent to one instance is there through its private link on the other',
      `sent to A: ${sent.status ?? sent.error}; its link on B: ${seen ? `${seen.status ?? seen.error}, typed answer ${seen.body.includes('twodata') ? 'shown' : 'missing'}` : 'no link'}`,
      seen?.status === 200 && seen.body.includes('twodata'),
    );

    const signedIn = await signIn(a);
    const onB = await b.client.send({ method: 'GET', path: '/admin/replies', headers: { cookie: signedIn.cookie } });
    const queueShown = onB.status === 200 && !onB.body.includes('name="password"');
    check(
      'signed in on one instance, signed in on the other (sessions in the database)',
      `sign-in on A: ${signedIn.outcome.status ?? signedIn.outcome.error}; /admin/replies on B with that cookie: ${onB.status ?? onB.error}${onB.status === 303 ? ` to ${onB.headers.location}` : ''}${queueShown ? ', the queue' : ''}`,
      queueShown,
    );

    const seconds = quick ? 3 : 8;
    const single = await flood([a], '172.16.1.1', seconds, 'floodone');
    const split = await flood([a, b], '172.16.1.2', seconds, 'floodtwo');
    check(
      'a flood split over both instances is limited as one',
      `against A alone: ${describeFlood(single)} — split over A and B: ${describeFlood(split)}`,
      single.refused > 0 && split.passed <= single.passed * SPLIT_TOLERANCE,
    );
  } finally {
    for (const instance of instances) await instance.stop();
  }
  return rows;
};
