// Simulated readers: each one loops over "open the form, fill it in, send it", as many at once
// as asked. A sent form not acknowledged is sent again, as a person would: from the page that
// answered when it gives the form back (with whatever hidden fields it now carries), else the
// same form after 503, 429, another 5xx or no answer at all; a reader gives up on a form the
// third time it is refused otherwise. Every visit is recorded (status, timing, whether an
// error page gave the typed words back) and every form goes into the ledger.
//
// A hand-written loop rather than autocannon: each reader must carry its own form's hidden
// fields from the GET to the POST, wait out a fill time, and resend the same form after an
// error, which autocannon's fixed request pipelines cannot express.
import { setTimeout as sleep } from 'node:timers/promises';
import { acknowledgedSecret, answers, fetchForm, readForm, sendForm, type Form } from './form.ts';
import type { Client, Outcome } from './http.ts';
import type { Ledger } from './ledger.ts';

export interface Visit {
  kind: 'form' | 'send';
  status: number | null;
  error: string | null;
  sentAt: number;
  doneAt: number;
  /** For a sent form answered with anything but 303: whether the page showed the typed answer. */
  echoed?: boolean;
}

export interface ReaderOptions {
  client: Client;
  ledger: Ledger;
  readers: number;
  /** Letters and digits that make this run's markers unique. */
  tag: string;
  formPath?: string;
  /** The address reader `reader` has on its `visit`-th form, sent as X-Forwarded-For. */
  address?: (reader: number, visit: number) => string;
}

export interface Readers {
  visits: Visit[];
  /** Stops starting new requests and waits for those in flight. */
  stop(): Promise<void>;
}

/**
 * Every form is filled in by a different reader: one address per form, spread so that no two
 * forms share a /24 until reader `reader` has sent 256 of them (the instance must trust
 * X-Forwarded-For from loopback: TRUST_PROXY=loopback).
 */
export function readerAddress(reader: number, visit: number): string {
  return `10.${visit % 256}.${Math.floor(visit / 256) % 256}.${(reader % 254) + 1}`;
}

const RETRY_PAUSE_MS = 200;
const REFUSALS_BEFORE_GIVING_UP = 3;

export function startReaders({ client, ledger, readers, tag, formPath = '/s/leaving-session', address = readerAddress }: ReaderOptions): Readers {
  const visits: Visit[] = [];
  let running = true;
  const record = (kind: Visit['kind'], outcome: Outcome, echoed?: boolean) =>
    visits.push({ kind, status: outcome.status, error: outcome.error, sentAt: outcome.sentAt, doneAt: outcome.doneAt, echoed });

  async function reader(index: number): Promise<void> {
    let form: Form | null = null;
    let marker = '';
    let headers = {};
    let refusals = 0;
    for (let visit = 0; running;) {
      if (form === null) {
        headers = { 'x-forwarded-for': address(index, visit) };
        marker = `${tag}r${index}v${visit}`;
        refusals = 0;
        visit++;
        const shown = await fetchForm(client, formPath, headers);
        record('form', shown.outcome);
        form = shown.form;
        if (form === null) await sleep(RETRY_PAUSE_MS);
        continue;
      }
      ledger.sent(marker);
      const outcome = await sendForm(client, form, answers(marker), headers);
      const secret = acknowledgedSecret(outcome);
      record('send', outcome, secret === null && outcome.status !== null ? outcome.body.includes(marker) : undefined);
      if (secret !== null) {
        ledger.acknowledged(marker, secret);
        form = null;
        continue;
      }
      const retryable = outcome.status === null || outcome.status === 429 || outcome.status >= 500;
      const givenBack: Form | null = outcome.status === null ? null : readForm(outcome.body, form.action, outcome.doneAt);
      if (!retryable && ++refusals >= REFUSALS_BEFORE_GIVING_UP) form = null;
      else form = givenBack ?? (retryable ? form : null);
      if (retryable) await sleep(RETRY_PAUSE_MS);
    }
  }

  const loops = Array.from({ length: readers }, (_, i) => reader(i));
  return {
    visits,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
