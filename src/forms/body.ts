// A strict reader of application/x-www-form-urlencoded bodies. Browsers never send malformed
// percent-escapes or invalid UTF-8, so either means a forged or broken request: it is refused
// with a 400 rather than silently repaired (as URLSearchParams would do).
import { BadRequest } from '../errors.ts';

export type FormFields = ReadonlyMap<string, readonly string[]>;

const MAX_FIELDS = 300;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseFormBody(body: Uint8Array): FormFields {
  const fields = new Map<string, string[]>();
  const text = decodeBytes(body, 'The form');
  if (text === '') return fields;
  const pairs = text.split('&');
  if (pairs.length > MAX_FIELDS) throw new BadRequest(`The form has more than ${MAX_FIELDS} fields.`);
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : pair.slice(eq + 1));
    const values = fields.get(name);
    if (values) values.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}

function decodeComponent(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const char = encoded[i]!;
    if (char === '+') bytes.push(0x20);
    else if (char === '%') {
      const hex = encoded.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new BadRequest('The form contains a malformed %-escape.');
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      const code = char.charCodeAt(0);
      if (code > 0x7f) throw new BadRequest('The form was not encoded the way browsers encode forms.');
      bytes.push(code);
    }
  }
  return decodeBytes(Uint8Array.from(bytes), 'A field');
}

function decodeBytes(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BadRequest(`${what} is not valid UTF-8 text.`);
  }
}
