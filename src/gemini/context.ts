// What every Gemini handler receives: the request, the route's parameters, and Postbag's parts.
import type { Db } from '../db/client.ts';
import type { ClientKeys } from '../flood/client-key.ts';
import type { ReplyPolicy } from '../replies/policy.ts';
import type { ReceiveContext } from '../replies/receive.ts';
import type { Surveys } from '../surveys/registry.ts';
import type { SurveyStates } from '../surveys/state.ts';
import type { TallyCache } from '../tally/cache.ts';
import type { GeminiResponse } from './response.ts';
import type { GeminiRequest } from './server.ts';

export interface GeminiDeps {
  db: Db;
  surveys: Surveys;
  /** Whether each survey takes replies, as the author set it in the admin. */
  states: SurveyStates;
  tallies: TallyCache;
  /** The value stored for a client certificate's fingerprint (see client-id.ts). */
  clientHash: (fingerprint: string) => Promise<string>;
  /** The web form's rules for what readers send, flood limits included: Gemini follows them too. */
  replyPolicy: ReplyPolicy;
  clientKeys: ClientKeys;
}

export interface Context {
  request: GeminiRequest;
  params: Readonly<Record<string, string>>;
  deps: GeminiDeps;
}

export type Handler = (context: Context) => Promise<GeminiResponse>;

/** The page needs a client certificate and none came: answered with 60. */
export class CertificateNeeded extends Error {}

/** Whether the reader typed yes (or y) at a confirmation prompt. */
export function saidYes(request: GeminiRequest): boolean {
  return /^(y|yes)$/i.test(request.input?.trim() ?? '');
}

/** The keyed hash of the request's client certificate, or null when it came without one. */
export async function clientOrNull({ request, deps }: Context): Promise<string | null> {
  return request.clientFingerprint === null ? null : deps.clientHash(request.clientFingerprint);
}

/** The keyed hash of the request's client certificate; CertificateNeeded (60) without one. */
export async function clientOf(context: Context, why: string): Promise<string> {
  const client = await clientOrNull(context);
  if (client === null) throw new CertificateNeeded(why);
  return client;
}

/** What the reader form's checks need to take a reply from this request. */
export function receiving({ request, deps }: Context, geminiClient: string | null): ReceiveContext {
  return {
    db: deps.db,
    policy: deps.replyPolicy,
    clientKeys: deps.clientKeys,
    address: request.remoteAddress,
    origin: { channel: 'gemini', geminiClient },
  };
}
