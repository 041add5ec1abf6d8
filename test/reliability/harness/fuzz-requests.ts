// fast-check arbitraries for requests a browser would never send: any text in a path segment or
// a query (properly %-encoded, raw, with malformed escapes, or escaping invalid UTF-8), and form
// bodies with any field names and values, of any length, in any encoding, under any
// Content-Type. The form's own field names and hidden values are mixed in, so that many
// bodies get past parsing and validation to where a reply is stored.
import fc from 'fast-check';
import { encodeForm, type Pairs } from './form.ts';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** %-encodes every byte of the text's UTF-8 (a lone surrogate becomes U+FFFD, as browsers do). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map(escapeByte).join('');
}

function escapeByte(byte: number): string {
  const char = String.fromCharCode(byte);
  return UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Any text: arbitrary code points (lone surrogates and NUL included), graphemes, and a few pointed values. */
export const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', '\0', ' ', '.', '..', '%', '+', '&', '=', 'null', 'undefined', '__proto__', 'constructor', 'a'.repeat(300), '\u202e', '\ud800'),
);

/** Characters allowed raw in a path or query, '%' among them, so that malformed escapes appear. */
const rawUrlChar = fc.constantFrom(..."%%%aZ09-_.~!$&'()*+,;=:@/?".split(''));

/** A path segment or query part: any text encoded, raw URL characters, or escaped bytes that are not UTF-8. */
export const urlPart = fc.oneof(
  anyText.map(percentEncode),
  fc.string({ unit: rawUrlChar, maxLength: 30 }),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
);

export const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?thanks', '?edited', '?a=1&a=2', '?a[b]=c', '?=', '?&&'),
  fc.array(fc.tuple(urlPart, urlPart), { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
);

/** A header value Node will send: tab and printable Latin-1 only. */
export const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 60,
});

/** Mostly a form's own type (so that bodies reach the parser), else others and any text. */
const contentType = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=UTF-8',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'APPLICATION/X-WWW-FORM-URLENCODED',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('', 'multipart/form-data; boundary=x', 'application/json', 'text/plain') },
  { weight: 1, arbitrary: headerText },
);

/**
 * A form body: `known` names (the form's own fields) and any others, with any values, encoded
 * in any of several ways; often after the hidden fields of one of the forms in `hidden` and a
 * reader's valid `answers`, so that the fuzzed fields meet a form that would otherwise be stored.
 */
export function formBody(known: {
  names: string[];
  values: string[];
  hidden: Pairs[];
  answers: Pairs;
}): fc.Arbitrary<{ headers: Record<string, string>; body: Uint8Array }> {
  const name = fc.oneof(fc.constantFrom(...known.names), anyText);
  const value = fc.oneof(
    { weight: 3, arbitrary: anyText },
    { weight: 2, arbitrary: fc.constantFrom('', ...known.values) },
    { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 100, maxLength: 3000 }) },
  );
  const hidden = fc.option(fc.constantFrom(...known.hidden), { nil: [] as Pairs });
  const valid = fc.option(fc.constant(known.answers), { nil: [] as Pairs });
  const pairs = fc
    .tuple(hidden, valid, fc.array(fc.tuple(name, value), { maxLength: 12 }))
    .map(([fields, answered, typed]): Pairs => [...fields, ...answered, ...typed]);
  const encoded = fc.oneof(
    // As browsers send it (URLSearchParams: '+' for spaces, lone surrogates as U+FFFD).
    { weight: 4, arbitrary: pairs.map((p) => Buffer.from(encodeForm(p))) },
    // Every byte %-escaped.
    pairs.map((p) => Buffer.from(p.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&'))),
    // Values in Latin-1, %-escaped: not UTF-8.
    pairs.map((p) => Buffer.from(p.map(([k, v]) => `${percentEncode(k)}=${[...Buffer.from(v, 'latin1')].map(escapeByte).join('')}`).join('&'))),
    // Not encoded at all.
    pairs.map((p) => Buffer.from(p.map(([k, v]) => `${k}=${v}`).join('&'))),
    // Any bytes.
    fc.uint8Array({ maxLength: 2000 }),
  );
  const encoding = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, fc.constantFrom('identity', 'gzip', 'br'));
  const headers = fc
    .record({ 'content-type': contentType, 'content-encoding': encoding })
    .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== '')));
  return fc.record({ headers, body: encoded });
}

/** A request, briefly, for the table: method, path, headers and the start of the body. */
export function describeRequest(r: FuzzRequest): string {
  const body = r.body ? ` body(${r.body.length} bytes) ${JSON.stringify(Buffer.from(r.body).toString('latin1').slice(0, 100))}` : '';
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
  return `${r.method} ${r.path.slice(0, 160)}${headers ? ` [${headers}]` : ''}${body}`;
}
