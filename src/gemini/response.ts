// Gemini responses: a header line `<STATUS> <META>\r\n`, then a body for status 20 only.
import type { GemtextDocument } from '../gemtext/document.ts';
import type { Refusal } from '../replies/receive.ts';

export interface GeminiResponse {
  status: number;
  meta: string;
  body?: string;
}

/** META is at most 1024 bytes, on one line. */
const MAX_META_BYTES = 1024;

export const GEMTEXT = 'text/gemini; charset=utf-8';

export const page = (doc: GemtextDocument | string): GeminiResponse => ({ status: 20, meta: GEMTEXT, body: doc.toString() });
export const plainText = (text: string): GeminiResponse => ({ status: 20, meta: 'text/plain; charset=utf-8', body: text });
/** Asks for input: the client shows `prompt` and requests the same URL with the answer as its query. */
export const input = (prompt: string): GeminiResponse => ({ status: 10, meta: prompt });
/** To a URL of Postbag's own (a path is resolved against the request, as for links). */
export const redirect = (url: string): GeminiResponse => ({ status: 30, meta: url });
export const temporaryFailure = (message: string): GeminiResponse => ({ status: 40, meta: message });
/** 41 SERVER UNAVAILABLE: the database is away. */
export const unavailable = (message: string): GeminiResponse => ({ status: 41, meta: message });
/** 44 SLOW DOWN: META is the number of seconds to wait. */
export const slowDown = (seconds: number): GeminiResponse => ({ status: 44, meta: String(Math.max(1, Math.ceil(seconds))) });
export const notFound = (message: string): GeminiResponse => ({ status: 51, meta: message });
export const gone = (message: string): GeminiResponse => ({ status: 52, meta: message });
export const proxyRefused = (message: string): GeminiResponse => ({ status: 53, meta: message });
export const badRequest = (message: string): GeminiResponse => ({ status: 59, meta: message });
export const certificateRequired = (message: string): GeminiResponse => ({ status: 60, meta: message });

/** The bytes to send: META folded onto one line and cut, on a character boundary, to 1024 bytes. */
export function encodeResponse(response: GeminiResponse): Buffer {
  const meta = cutToBytes(response.meta.replace(/[\r\n]+/g, ' '), MAX_META_BYTES);
  const header = Buffer.from(`${response.status} ${meta}\r\n`, 'utf8');
  return response.status === 20 && response.body !== undefined ? Buffer.concat([header, Buffer.from(response.body, 'utf8')]) : header;
}

/** The longest prefix of `text` whose UTF-8 form fits in `max` bytes (never half a character). */
export function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > max) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/** The reader form's refusal of a reply, over Gemini: 44 with the seconds to wait, else 59 with the first reason. */
export function refused(refusal: Refusal): GeminiResponse {
  if (refusal.retryAfterSeconds !== undefined) return slowDown(refusal.retryAfterSeconds);
  return badRequest(`Your reply cannot be stored as it stands: ${Object.values(refusal.errors)[0] ?? 'it was refused'}`);
}
