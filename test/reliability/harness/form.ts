// Everything the reliability run knows about Postbag's forms, in one place: a form is read from
// its page (where it posts to, and every hidden input, whatever they are called: a signed
// token, a secret), and sent back the way a browser sends it: those hidden fields unchanged,
// plus the answers a reader typed. Visible fields a bot would fill (a honeypot) are left empty,
// and a reader takes FILL_TIME_MS between seeing the form and sending it, longer than the
// minimum fill time every instance of the run is given (FORM_MIN_SECONDS).
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutgoingHttpHeaders } from 'node:http';
import { parse } from 'node-html-parser';
import type { Client, Outcome } from './http.ts';

/** The minimum fill time the run's instances are started with (the setting of that name). */
export const FORM_MIN_SECONDS = 1;

/**
 * How long a simulated reader takes to fill the form in: the minimum, and a little more, as
 * the reader counts from receiving the page and Postbag from making it. One second (not the
 * default 3) keeps 50 readers' load high while the rule is still met.
 */
export const FILL_TIME_MS = FORM_MIN_SECONDS * 1000 + 100;

export type Pairs = [string, string][];

export interface Form {
  /** Where the form posts to (its action attribute, relative to the site). */
  action: string;
  hidden: Pairs;
  /** performance.now() when the page was received. */
  shownAt: number;
}

/** The first form on the page that posts, or null when the page has none (an error page). */
export function readForm(html: string, pagePath: string, shownAt = performance.now()): Form | null {
  const form = parse(html)
    .querySelectorAll('form')
    .find((f) => (f.getAttribute('method') ?? '').toLowerCase() === 'post');
  if (!form) return null;
  const hidden = form
    .querySelectorAll('input')
    .filter((input) => (input.getAttribute('type') ?? '').toLowerCase() === 'hidden' && input.getAttribute('name'))
    .map((input): [string, string] => [input.getAttribute('name')!, input.getAttribute('value') ?? '']);
  return { action: form.getAttribute('action') || pagePath, hidden, shownAt };
}

/** The names of every field the form shows (hidden or not) and the values of its tick boxes and radio buttons, for the fuzzer to aim at. */
export function formVocabulary(html: string): { names: string[]; values: string[] } {
  const fields = parse(html).querySelectorAll('form input, form textarea, form select');
  const names = fields.map((field) => field.getAttribute('name')).filter((name): name is string => Boolean(name));
  const values = fields
    .filter((field) => ['checkbox', 'radio'].includes((field.getAttribute('type') ?? '').toLowerCase()))
    .map((field) => field.getAttribute('value') ?? '');
  return { names: [...new Set(names)], values: [...new Set(values)] };
}

/**
 * A reader's answers to leaving-session. `marker` (letters and digits only, so it appears
 * unescaped in any page) names the reply: the run finds it again in the database and in a
 * page that gives the reader's words back.
 */
export function answers(marker: string, variant: 'first' | 'changed' = 'first'): Pairs {
  return variant === 'first'
    ? [
        ['messengers', 'matrix'],
        ['why', `Typed by ${marker}: my friends are there & it's "fine" <really>.`],
      ]
    : [
        ['messengers', 'xmpp'],
        ['why', `Typed by ${marker}, then changed: XMPP after all.`],
      ];
}

/** The marker in a stored answer's text, if it has one. */
export function markerIn(text: string): string | null {
  return /Typed by ([A-Za-z0-9]+)/.exec(text)?.[1] ?? null;
}

/** Whether a stored answer's text is the changed version of answers(). */
export function isChangedText(text: string): boolean {
  return text.includes(', then changed:');
}

export function encodeForm(pairs: Pairs): string {
  return new URLSearchParams(pairs).toString();
}

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** GET a page with a form; the outcome, and the form when the page had one. */
export async function fetchForm(client: Client, path: string, headers: OutgoingHttpHeaders = {}): Promise<{ outcome: Outcome; form: Form | null }> {
  const outcome = await client.send({ method: 'GET', path, headers });
  const form = outcome.status === 200 ? readForm(outcome.body, path, outcome.doneAt) : null;
  return { outcome, form };
}

/** POST the form back with `typed` answers, after the reader's fill time has passed. */
export async function sendForm(client: Client, form: Form, typed: Pairs, headers: OutgoingHttpHeaders = {}): Promise<Outcome> {
  const waited = performance.now() - form.shownAt;
  if (waited < FILL_TIME_MS) await sleep(FILL_TIME_MS - waited);
  return client.send({
    method: 'POST',
    path: form.action,
    headers: { ...headers, 'content-type': FORM_TYPE },
    body: encodeForm([...form.hidden, ...typed]),
  });
}

/** The secret of the private link a sent form was answered with (303 to /r/<secret>?thanks), or null. */
export function acknowledgedSecret(outcome: Outcome): string | null {
  if (outcome.status !== 303) return null;
  return /^\/r\/([^/?#]+)/.exec(String(outcome.headers.location ?? ''))?.[1] ?? null;
}
