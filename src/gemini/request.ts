// Reading a Gemini request: one absolute URL and CRLF, at most 1024 bytes. Parsed from the raw
// line rather than with WHATWG `URL`, which drops an empty `?` (an empty answer) and would
// quietly accept what the protocol refuses (userinfo, a fragment).
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { badRequest, proxyRefused, type GeminiResponse } from './response.ts';

/** The longest URL a request may carry, in bytes, without its CRLF. */
export const MAX_URL_BYTES = 1024;

export interface GeminiTarget {
  /** The URL as the client sent it, up to its query: what an answer's bytes are added to. */
  base: string;
  /** `gemini://`, the host name and the port if the client named one: for links to give out in full. */
  origin: string;
  /** The path's segments, percent-decoded: `/s/x/tally.gmi` → ['s', 'x', 'tally.gmi'], `/` → ['']. */
  segments: string[];
  /** The decoded query (the reader's input), trailing whitespace trimmed; null without a `?`. */
  input: string | null;
}

export type ReadTarget = { ok: true; target: GeminiTarget } | { ok: false; response: GeminiResponse };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const absoluteUrl = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/su;
const authority = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]*)(?::(\d*))?$/;

/**
 * Collects a request line from the bytes of a connection, however they are split. It keeps
 * at most MAX_URL_BYTES + 2 bytes: a longer line is refused as soon as it is known to be too long.
 */
export class RequestLineReader {
  #buffer = Buffer.alloc(0);

  /** The line without CRLF once complete, 'too long', or null while more bytes are needed. */
  push(chunk: Buffer): Buffer | 'too long' | null {
    const room = MAX_URL_BYTES + 2 - this.#buffer.length;
    this.#buffer = Buffer.concat([this.#buffer, chunk.subarray(0, room)]);
    const end = this.#buffer.indexOf('\r\n');
    if (end !== -1) return end > MAX_URL_BYTES ? 'too long' : this.#buffer.subarray(0, end);
    return this.#buffer.length > MAX_URL_BYTES ? 'too long' : null;
  }
}

/** The request's target, or the response that refuses it (59 malformed, 53 another server's). */
export function readTarget(line: Buffer, hostname: string): ReadTarget {
  const refuse = (response: GeminiResponse): ReadTarget => ({ ok: false, response });
  let text: string;
  try {
    text = utf8.decode(line);
  } catch {
    return refuse(badRequest('The request is not UTF-8 text'));
  }
  if (/\p{Cc}/u.test(text)) return refuse(badRequest('The request holds control characters'));
  const match = absoluteUrl.exec(text);
  if (!match) return refuse(badRequest('A request is one absolute URL, like gemini://host/path'));
  const [, scheme = '', hostPort = '', path = '', query, fragment] = match;
  if (fragment !== undefined) return refuse(badRequest('A request may not carry a #fragment'));
  if (hostPort.includes('@')) return refuse(badRequest('A request may not carry user information (name@)'));
  if (scheme.toLowerCase() !== 'gemini') return refuse(proxyRefused(`This server serves gemini://${hostname}/ only`));
  const host = authority.exec(hostPort);
  if (!host || host[1] === '') return refuse(badRequest('The request names no host'));
  const name = host[1]!.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if ((domainToASCII(name) || name.toLowerCase()) !== hostname) return refuse(proxyRefused(`This server serves gemini://${hostname}/ only`));

  const port = host[2] ? `:${host[2]}` : '';
  const segments = (path === '' ? '/' : path).slice(1).split('/').map(decodeLeniently);
  const input = query === undefined ? null : decodeLeniently(query);
  if (segments.includes(null) || (input === null && query !== undefined)) {
    return refuse(badRequest('The request is not UTF-8 text once %-decoded'));
  }
  return {
    ok: true,
    target: {
      base: query === undefined ? text : text.slice(0, text.indexOf('?')),
      origin: `gemini://${isIP(hostname) === 6 ? `[${hostname}]` : hostname}${port}`,
      segments: segments as string[],
      input: input?.trimEnd() ?? null,
    },
  };
}

/**
 * Percent-decoding as clients actually encode: `%XX` is a byte, anything else stands for
 * itself. So `+` stays a plus (a reader's "C++" must survive; the few clients that send `+`
 * for a space cost a plus sign, not a word), a `%` not followed by two hex digits stays a `%`,
 * and raw UTF-8 sent unencoded is taken as it is. null when the bytes are not UTF-8.
 */
export function decodeLeniently(encoded: string): string | null {
  if (!encoded.includes('%')) return encoded;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const hex = encoded.slice(i + 1, i + 3);
    if (encoded[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      const codePoint = encoded.codePointAt(i)!;
      const char = String.fromCodePoint(codePoint);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length - 1;
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
}
