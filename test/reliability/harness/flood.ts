// A flood from one client, as a bot sends it: a pile of forms fetched from one address
// (X-Forwarded-For), left for the minimum fill time, then posted filled in, round and round, as
// fast as autocannon can, to one or more instances at once. What counts is how many of its
// posts the limits refused (429) and how many got through.
import autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import { answers, encodeForm, fetchForm, FILL_TIME_MS, FORM_TYPE, type Form } from './form.ts';
import type { Instance } from './instance.ts';
import { describeCounts } from './stats.ts';

export interface FloodResult {
  /** Posts answered. */
  posts: number;
  /** Posts answered 429 Too Many Requests. */
  refused: number;
  /** Posts answered otherwise: what the limits let through. */
  passed: number;
  /** Requests without an answer (connection errors, timeouts). */
  errors: number;
  statuses: Map<string, number>;
  seconds: number;
}

const CONNECTIONS = 10;
const FORMS = 20;

/** Floods every instance in `targets` at once from `address` for `seconds`; the sums over all. */
export async function flood(targets: Instance[], address: string, seconds: number, tag: string): Promise<FloodResult> {
  const headers = { 'x-forwarded-for': address };
  const forms = await Promise.all(Array.from({ length: FORMS }, () => fetchForm(targets[0]!.client, '/s/leaving-session', headers)));
  const pile = forms.map(({ form }) => form).filter((form): form is Form => form !== null);
  if (pile.length === 0) throw new Error(`The flood could not get a form: ${forms[0]!.outcome.status ?? forms[0]!.outcome.error}`);
  await sleep(FILL_TIME_MS);
  let sent = 0;
  const statuses = new Map<string, number>();
  const results = await Promise.all(
    targets.map((target) =>
      autocannon({
        url: target.url,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const form = pile[sent % pile.length]!;
              const body = encodeForm([...form.hidden, ...answers(`${tag}${sent++}`)]);
              return { ...request, path: form.action, headers: { ...headers, 'content-type': FORM_TYPE }, body };
            },
            onResponse: (status) => statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1),
          },
        ],
      }),
    ),
  );
  const posts = [...statuses.values()].reduce((a, b) => a + b, 0);
  const refused = statuses.get('429') ?? 0;
  return { posts, refused, passed: posts - refused, errors: results.reduce((sum, r) => sum + r.errors, 0), statuses, seconds };
}

export function describeFlood(f: FloodResult): string {
  return `${f.posts} posts in ${f.seconds} s: ${f.refused} refused (429), ${f.passed} let through (${describeCounts(f.statuses)}), ${f.errors} unanswered`;
}
