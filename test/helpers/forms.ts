// Building form posts the way a browser does, and reading what a page shows.
import type { Express } from 'express';
import request from 'supertest';

export type FormPairs = [string, string][];

export function postForm(app: Express, path: string, pairs: FormPairs) {
  return request(app).post(path).type('form').send(new URLSearchParams(pairs).toString());
}

/** The token field of a rendered form, as a browser would send it back. */
export function tokenOf(html: string): string {
  const match = /name="token" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('the form has no token field');
  return match[1]!;
}

/** The private link's secret that a form token carries (src/replies/form-token.ts). */
export function secretIn(token: string): string {
  return token.split('.')[1]!;
}

/** The text an element with this id shows (first match), tags removed. */
export function fieldError(html: string, fieldId: string): string | null {
  const match = new RegExp(`id="e-${fieldId}">([^<]*)<`).exec(html);
  return match ? match[1]! : null;
}
