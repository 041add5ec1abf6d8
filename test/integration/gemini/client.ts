// A Gemini client for the tests, written on node:tls as directly as the protocol allows, and a
// Postbag Gemini server on the test file's database. Requests go out exactly as given: split in
// parts, too long, malformed, with or without a client certificate.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before } from 'node:test';
import { pino } from 'pino';
import { makeSelfSigned, type Credentials } from '../../../src/gemini/certificate.ts';
import { geminiClientHasher } from '../../../src/gemini/client-id.ts';
import type { GeminiDeps } from '../../../src/gemini/context.ts';
import { geminiRoutes } from '../../../src/gemini/routes.ts';
import { createGeminiServer, type GeminiLimits } from '../../../src/gemini/server.ts';
import { ClientKeys } from '../../../src/flood/client-key.ts';
import type { ReplyPolicy } from '../../../src/replies/policy.ts';
import { TallyCache } from '../../../src/tally/cache.ts';
import { SurveyStates } from '../../../src/surveys/state.ts';
import type { TestApp } from '../../helpers/app.ts';

export interface GeminiReply {
  status: number;
  meta: string;
  body: string;
}

export interface RequestOptions {
  /** A client certificate to present. */
  identity?: Credentials;
  tls?: tls.ConnectionOptions;
}

export interface TestGemini {
  port: number;
  /** The routes' parts, to replace one (the reply policy and its flood limits) in a test. */
  deps: GeminiDeps;
  /** A request line (CRLF added) for gemini://localhost<path>, with `input` percent-encoded as its query. */
  get(path: string, input?: string, options?: RequestOptions): Promise<GeminiReply>;
  /** Sends these bytes as they are, a pause between parts so that they arrive apart. */
  send(parts: string | Buffer | readonly (string | Buffer)[], options?: RequestOptions): Promise<GeminiReply>;
}

/** The web form's rules as the tests use them: no wait before sending, limits out of the way. */
export const testPolicy: ReplyPolicy = {
  tokenKey: 'a test key for form tokens and draft secrets',
  form: { minFillMs: 0, maxAgeMs: 3_600_000 },
  flood: { client: { count: 1_000_000, windowMs: 60_000 }, global: { count: 1_000_000, windowMs: 60_000 } },
  moderation: 'every',
  holdLinks: 2,
  mutedWords: [],
};

/** Registers hooks giving the test file a Gemini server on `t`'s database, listening on a free port. */
export function useGemini(t: TestApp, limits: Partial<GeminiLimits> = {}): TestGemini {
  // Made on first use: Node 20 runs a file's `before` hooks at once, so `t` is not ready in ours.
  let deps: GeminiDeps | null = null;
  let port = 0;
  let close = async () => {};
  before(async () => {
    const { key, cert } = await makeSelfSigned('localhost');
    const gemini = createGeminiServer({
      key,
      cert,
      hostname: 'localhost',
      logger: pino({ level: process.env.GEMINI_TEST_LOG ?? 'silent' }),
      handle: (request) => geminiRoutes(context.deps)(request),
      limits,
    });
    await new Promise<void>((resolve) => gemini.server.listen(0, '127.0.0.1', resolve));
    port = (gemini.server.address() as AddressInfo).port;
    close = () => gemini.close();
  });
  after(() => close());
  const context: TestGemini = {
    get port() {
      return port;
    },
    get deps() {
      deps ??= {
        db: t.db,
        surveys: t.surveys,
        states: new SurveyStates(t.db),
        tallies: new TallyCache(t.db, { freshWaitMs: Number.POSITIVE_INFINITY }),
        clientHash: geminiClientHasher(t.db),
        replyPolicy: testPolicy,
        clientKeys: new ClientKeys(t.db),
      };
      return deps;
    },
    send: (parts, options) => geminiRequest(port, parts, options),
    get: (path, input, options) => geminiRequest(port, `gemini://localhost${path}${input === undefined ? '' : `?${encodeURIComponent(input)}`}\r\n`, options),
  };
  return context;
}

export async function geminiRequest(port: number, parts: string | Buffer | readonly (string | Buffer)[], options: RequestOptions = {}): Promise<GeminiReply> {
  const socket = tls.connect({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    rejectUnauthorized: false, // trust on first use: the server's certificate is self-signed
    ...options.identity,
    ...options.tls,
  });
  await once(socket, 'secureConnect');
  const list = typeof parts === 'string' || Buffer.isBuffer(parts) ? [parts] : parts;
  for (const [i, part] of list.entries()) {
    if (i > 0) await delay(30);
    socket.write(part);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return parseReply(Buffer.concat(chunks));
}

function parseReply(raw: Buffer): GeminiReply {
  const end = raw.indexOf('\r\n');
  const match = /^(\d\d) (.*)$/s.exec(raw.subarray(0, end).toString('utf8'));
  if (end === -1 || !match) throw new Error(`not a Gemini response: ${JSON.stringify(raw.toString('utf8').slice(0, 200))}`);
  return { status: Number(match[1]), meta: match[2]!, body: raw.subarray(end + 2).toString('utf8') };
}

/** The links of a gemtext page: [url, label]. */
export function linksOf(body: string): [string, string][] {
  return [...body.matchAll(/^=>\s*(\S+)(?:\s+(.*))?$/gm)].map((m) => [m[1]!, m[2] ?? '']);
}

/** The URL of the link with this label; fails the test when there is none. */
export function linkTo(body: string, label: string): string {
  const found = linksOf(body).find(([, text]) => text === label);
  if (!found) throw new Error(`no link "${label}" on the page:\n${body}`);
  return found[0];
}
