// The author's side, as the run needs it: a password set with `postbag set-password` (on
// standard input), and signing in through the sign-in page's own form.
import { fetchForm, sendForm } from './form.ts';
import type { Outcome } from './http.ts';
import { runPostbag, type Instance } from './instance.ts';

export const AUTHOR_PASSWORD = 'reliability run author password';

export function setAuthorPassword(databaseUrl: string): Promise<void> {
  return runPostbag(['set-password'], databaseUrl, `${AUTHOR_PASSWORD}\n`);
}

/** Signs in on `instance`; the answer to the sign-in, and every cookie given on the way as a Cookie header. */
export async function signIn(instance: Instance): Promise<{ outcome: Outcome; cookie: string }> {
  const page = await fetchForm(instance.client, '/admin/sign-in');
  if (!page.form) return { outcome: page.outcome, cookie: '' };
  const given = cookies(page.outcome);
  const outcome = await sendForm(instance.client, page.form, [['password', AUTHOR_PASSWORD]], { cookie: cookieHeader(given) });
  return { outcome, cookie: cookieHeader(new Map([...given, ...cookies(outcome)])) };
}

/** The cookies a response sets, by name. */
function cookies(outcome: Outcome): Map<string, string> {
  const set = outcome.headers['set-cookie'] ?? [];
  return new Map(set.map((line) => line.split(';')[0]!.split(/=(.*)/s).slice(0, 2) as [string, string]));
}

function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}
