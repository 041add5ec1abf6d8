// The same form sent more than once: twice in a row (a double click), 2 to 10 copies at once
// (the same hidden fields, in parallel), and sent again with changed answers (back, change,
// send). Each form ends as one reply holding one set of answers, and nothing answers 5xx.
import { acknowledgedSecret, answers, fetchForm, isChangedText, sendForm, type Form } from '../harness/form.ts';
import type { Outcome } from '../harness/http.ts';
import { startInstance } from '../harness/instance.ts';
import { storedReplies, type StoredReply } from '../harness/ledger.ts';
import { readerAddress } from '../harness/readers.ts';
import { rowsFor, type Scenario } from '../harness/report.ts';
import { countOutcomes, describeCounts, isServerError } from '../harness/stats.ts';

/** Rows a reply to answers() holds: the ticked messenger and the typed reason. */
const ANSWER_ROWS = 2;

interface Trial {
  marker: string;
  outcomes: Outcome[];
}

export const duplicates: Scenario = async ({ cluster, quick }) => {
  const { rows, check, measure } = rowsFor('duplicates');
  const databaseUrl = await cluster.freshDatabase('reliability_duplicates');
  const instance = await startInstance({ name: 'duplicates', databaseUrl });
  const trials = { twice: [] as Trial[], parallel: [] as Trial[], changed: [] as Trial[] };
  let visit = 0;
  const freshForm = async (): Promise<{ form: Form; headers: Record<string, string> }> => {
    const headers = { 'x-forwarded-for': readerAddress(0, visit++) };
    const { outcome, form } = await fetchForm(instance.client, '/s/leaving-session', headers);
    if (!form) throw new Error(`The form page answered ${outcome.status ?? outcome.error}`);
    return { form, headers };
  };
  try {
    const repeat = quick ? 2 : 5;
    for (let i = 0; i < repeat; i++) {
      const { form, headers } = await freshForm();
      const marker = `duptwice${i}`;
      const first = await sendForm(instance.client, form, answers(marker), headers);
      trials.twice.push({ marker, outcomes: [first, await sendForm(instance.client, form, answers(marker), headers)] });
    }
    for (let copies = 2; copies <= 10; copies++) {
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        const { form, headers } = await freshForm();
        const marker = `duppar${copies}x${i}`;
        trials.parallel.push({
          marker,
          outcomes: await Promise.all(Array.from({ length: copies }, () => sendForm(instance.client, form, answers(marker), headers))),
        });
      }
    }
    for (let i = 0; i < repeat; i++) {
      const { form, headers } = await freshForm();
      const marker = `dupchanged${i}`;
      const first = await sendForm(instance.client, form, answers(marker, 'first'), headers);
      trials.changed.push({ marker, outcomes: [first, await sendForm(instance.client, form, answers(marker, 'changed'), headers)] });
    }

    const stored = await storedReplies(databaseUrl);
    judge(check, 'the same form sent twice in a row', trials.twice, stored);
    judge(check, '2–10 copies of one form sent at once', trials.parallel, stored);
    judge(check, 'a form sent again with changed answers', trials.changed, stored);
    const changedStands = trials.changed.filter((t) => (stored.get(t.marker) ?? []).some((r) => isChangedText(r.text))).length;
    measure('which version of a changed resend stands', `the changed one in ${changedStands} of ${trials.changed.length}`);
  } finally {
    await instance.stop();
  }
  return rows;
};

function judge(check: (promise: string, figure: string, ok: boolean) => void, what: string, trials: Trial[], stored: Map<string, StoredReply[]>): void {
  const outcomes = trials.flatMap((t) => t.outcomes);
  const oneReply = trials.filter((t) => (stored.get(t.marker) ?? []).length === 1).length;
  const intact = trials.filter((t) => (stored.get(t.marker) ?? []).every((r) => r.answers === ANSWER_ROWS)).length;
  const acknowledged = trials.filter((t) => t.outcomes.some((o) => acknowledgedSecret(o) !== null)).length;
  const serverErrors = outcomes.filter(isServerError).length;
  check(
    `${what}: one reply each, with one set of answers, never a 5xx`,
    `one reply for ${oneReply} of ${trials.length} forms, answers intact in ${intact}, acknowledged ${acknowledged}; answers: ${describeCounts(countOutcomes(outcomes))}`,
    oneReply === trials.length && intact === trials.length && serverErrors === 0,
  );
}
