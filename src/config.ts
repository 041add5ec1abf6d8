// The one place that reads the environment. Everything else receives a Config.
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from './errors.ts';

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
  /** At SIGTERM/SIGINT, requests in flight get this long to finish before their connections are closed. */
  shutdownTimeoutSeconds: number;
  /** Rejected and spam replies are deleted this many days after the author's decision. */
  purgeAfterDays: number;
}

export class ConfigError extends UserError {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(blankAsUnset(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}\nFix or unset these variables (see README.md, "Configuration").`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    surveysDir: path.resolve(e.SURVEYS_DIR),
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
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
