// The one place that reads the environment. Everything else receives a Config.
import { isIP } from 'node:net';
import path from 'node:path';
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { UserError } from './errors.ts';

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
// A flood limit: how many replies in how long, e.g. 5/10m, 100/1h, 1000/1d.
const rate = /^[1-9]\d{0,6}\/[1-9]\d{0,3}[mhd]$/;
const rateError = 'must be a count per time, like 5/10m (minutes), 100/1h (hours) or 1000/1d (days)';

/** Days after the author's decision that rejected and spam replies are kept (the privacy notice quotes it). */
export const DEFAULT_PURGE_AFTER_DAYS = 30;

/** Every setting Postbag understands: name, default and meaning (the README's table mirrors it). */
const schema = z.object({
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// connection URL, e.g. postgresql://user:pass@localhost:5432/postbag' })
    .optional(),
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('data'),
  EMBEDDED_PG_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(1).max(65535).optional(),
  SURVEYS_DIR: z.string().min(1).default('surveys'),
  LOG_LEVEL: z.enum(levels, { error: `must be one of ${levels.join(', ')}` }).default('info'),
  TRUST_PROXY: z
    .string()
    .refine(isTrustProxy, 'must be false, a number of proxies (1 for one reverse proxy), or their addresses/subnets like loopback, 10.0.0.1, fd00::/8')
    .default('false'),
  MODERATION: z
    .enum(['every', 'flagged'], { error: 'must be every (the author reads every reply first) or flagged (only replies a rule flags wait)' })
    .default('every'),
  CLIENT_REPLY_LIMIT: z.string().regex(rate, rateError).default('5/10m'),
  GLOBAL_REPLY_LIMIT: z.string().regex(rate, rateError).default('600/10m'),
  FORM_MIN_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(0).max(600).default(3),
  FORM_MAX_AGE_HOURS: z.coerce
    .number({ error: 'must be a number of hours' })
    .int()
    .min(1)
    .max(24 * 90)
    .default(48),
  HOLD_LINKS: z.coerce.number({ error: 'must be a number of links' }).int().min(0).max(1000).default(2),
  MUTED_WORDS: z.string().max(10_000).default(''),
  GEMINI_PORT: z.coerce.number({ error: 'must be a port number, or 0 to turn Gemini off' }).int().min(0).max(65535).default(1965),
  GEMINI_ADDRESS: z.string().min(1).default('127.0.0.1'),
  GEMINI_HOSTNAME: z
    .string()
    .transform(geminiHostname)
    .refine((name) => name !== '', 'must be the host name readers use in gemini:// addresses, like capsule.example.org')
    .default('localhost'),
  GEMINI_CERT: z.string().min(1).optional(),
  GEMINI_KEY: z.string().min(1).optional(),
  SHUTDOWN_TIMEOUT: z.coerce.number({ error: 'must be a number of seconds' }).int().min(1).max(3600).default(10),
  PURGE_AFTER_DAYS: z.coerce.number({ error: 'must be a number of days' }).int().min(1).max(36500).default(DEFAULT_PURGE_AFTER_DAYS),
});

export interface Config {
  /** Unset: Postbag runs its own embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  port: number;
  host: string;
  dataDir: string;
  embeddedPgPort: number | undefined;
  surveysDir: string;
  logLevel: (typeof levels)[number];
  /**
   * Express' "trust proxy": set it when a reverse proxy adds HTTPS, so that the admin cookie is
   * marked Secure and sign-in throttling sees the client's address rather than the proxy's.
   */
  trustProxy: boolean | number | string;
  /** What waits for the author: every reply, or only the replies a rule flags (see src/replies/hold.ts). */
  moderation: 'every' | 'flagged';
  floodLimits: { client: Rate; global: Rate };
  form: { minFillMs: number; maxAgeMs: number };
  /** A reply with more links than this waits for the author. */
  holdLinks: number;
  /** Words that make a reply wait for the author, lowercase. */
  mutedWords: string[];
  gemini: {
    /** 0: no Gemini server. */
    port: number;
    /** Address to listen on. */
    address: string;
    /** The host name in gemini:// addresses and in the certificate Postbag makes: lowercase ASCII. */
    hostname: string;
    /** PEM files of an existing certificate and its key; unset, Postbag makes its own under dataDir. */
    certFile: string | undefined;
    keyFile: string | undefined;
  };
  /** At SIGTERM/SIGINT, requests in flight get this long to finish before their connections are closed. */
  shutdownTimeoutSeconds: number;
  /** Rejected and spam replies are deleted this many days after the author's decision. */
  purgeAfterDays: number;
}

/** `count` replies per `windowMs`. */
export interface Rate {
  count: number;
  windowMs: number;
}

export class ConfigError extends UserError {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(blankAsUnset(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}\nFix or unset these variables (see README.md, "Configuration").`);
  }
  const e = parsed.data;
  if ((e.GEMINI_CERT === undefined) !== (e.GEMINI_KEY === undefined)) {
    throw new ConfigError('Invalid environment:\n  GEMINI_CERT, GEMINI_KEY: set both (a certificate and its key) or neither (see README.md, "Gemini").');
  }
  return {
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    surveysDir: path.resolve(e.SURVEYS_DIR),
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    moderation: e.MODERATION,
    floodLimits: { client: parseRate(e.CLIENT_REPLY_LIMIT), global: parseRate(e.GLOBAL_REPLY_LIMIT) },
    form: { minFillMs: e.FORM_MIN_SECONDS * 1000, maxAgeMs: e.FORM_MAX_AGE_HOURS * 3_600_000 },
    holdLinks: e.HOLD_LINKS,
    mutedWords: e.MUTED_WORDS.split(',')
      .map((word) => word.trim().toLowerCase())
      .filter((word) => word !== ''),
    gemini: {
      port: e.GEMINI_PORT,
      address: e.GEMINI_ADDRESS,
      hostname: e.GEMINI_HOSTNAME,
      certFile: e.GEMINI_CERT === undefined ? undefined : path.resolve(e.GEMINI_CERT),
      keyFile: e.GEMINI_KEY === undefined ? undefined : path.resolve(e.GEMINI_KEY),
    },
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT,
    purgeAfterDays: e.PURGE_AFTER_DAYS,
  };
}

const namedSubnets = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isTrustProxy(value: string): boolean {
  if (value === 'true' || value === 'false' || /^\d{1,2}$/.test(value)) return true;
  return value.split(',').every((part) => {
    const [address = '', bits, ...rest] = part.trim().split('/');
    const family = isIP(address);
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
    return namedSubnets.has(address) ? bits === undefined : family !== 0 && validBits && rest.length === 0;
  });
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function parseRate(value: string): Rate {
  const [, count = '0', amount = '1', unit = 'm'] = /^(\d+)\/(\d+)([mhd])$/.exec(value) ?? [];
  return { count: Number(count), windowMs: Number(amount) * unitMs[unit as keyof typeof unitMs] };
}

/** An IP address, or a domain name as clients send it (punycode, lowercase, no final dot); '' if neither. */
function geminiHostname(value: string): string {
  const name = value.trim().replace(/\.$/, '');
  if (isIP(name) !== 0) return name.toLowerCase();
  return /^[^\s/:?#@[\]]+$/u.test(name) ? domainToASCII(name) : '';
}

/** `PORT=` in a shell or .env file means "not set", not "set to nothing". */
function blankAsUnset(env: NodeJS.ProcessEnv): Record<string, string> {
  const keys = Object.keys(schema.shape);
  return Object.fromEntries(
    keys.flatMap((key) => {
      const value = env[key];
      return value === undefined || value.trim() === '' ? [] : [[key, value]];
    }),
  );
}
