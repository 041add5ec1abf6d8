// Slows, then refuses, repeated failed sign-ins: per client and overall. Counters live in
// PostgreSQL (every instance counts together). A client is known by a keyed hash of its
// network (its IPv4 address, or its IPv6 /64), never by the address itself.
//
// The author can never be locked out for good: blocks expire; a browser that has signed in
// before carries a device cookie and is counted on its own, so neither strangers behind the
// same address nor the overall block (which a stranger could otherwise renew forever) stop
// it; and `postbag set-password` lifts every block.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { Prisma, type Db } from '../db/client.ts';

export interface ThrottlePolicy {
  perClient: { failures: number; windowSeconds: number; blockSeconds: number };
  overall: { failures: number; windowSeconds: number; blockSeconds: number };
  /** Wait before answering the n-th failure in a row, so that guessing is slow even before a block. */
  delayMs(failures: number): number;
}

export const defaultThrottlePolicy: ThrottlePolicy = {
  perClient: { failures: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  overall: { failures: 50, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  delayMs: (failures) => Math.min(250 * 2 ** (failures - 2), 2000) * (failures > 1 ? 1 : 0),
};

const OVERALL_KEY = 'overall';

type Limit = ThrottlePolicy['perClient'];

/** The outcome of counting one sign-in attempt, before the password is checked. */
export interface Gate {
  allowed: boolean;
  /** When refused: the moment sign-in opens again. */
  blockedUntil: Date | null;
  /** The attempts this client (or device) made in the current window, this one included. */
  attempts: number;
  clientKey: string;
  countsOverall: boolean;
}

/**
 * Every attempt is counted before its password is checked, in one atomic statement per
 * counter, so that parallel requests cannot slip more guesses past the limit than it allows.
 * A successful sign-in then takes its attempt back.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Db,
    private readonly key: string,
    private readonly policy: ThrottlePolicy,
  ) {}

  /**
   * Counts an attempt from this address. A browser with a valid device cookie is counted on
   * its own (so neighbours behind the same address cannot block it) and not overall.
   */
  async attempt(ip: string | undefined, deviceToken: string | undefined): Promise<Gate> {
    const device = this.deviceId(deviceToken);
    const clientKey = device ? `device:${device}` : `client:${this.hash(network(ip))}`;
    const counted = [await this.count(clientKey, this.policy.perClient)];
    if (!device) counted.push(await this.count(OVERALL_KEY, this.policy.overall));
    const refused = counted.filter((c) => !c.allowed).map((c) => c.blockedUntil!.getTime());
    return {
      allowed: refused.length === 0,
      blockedUntil: refused.length > 0 ? new Date(Math.max(...refused)) : null,
      attempts: counted[0]!.attempts,
      clientKey,
      countsOverall: !device,
    };
  }

  async succeeded(gate: Gate): Promise<void> {
    await this.db.signInThrottle.deleteMany({ where: { key: gate.clientKey } });
    if (gate.countsOverall) {
      await this.db.signInThrottle.updateMany({ where: { key: OVERALL_KEY, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
    }
  }

  /** How long to wait before answering a wrong password, so guessing is slow even before a block. */
  delayMs(gate: Gate): number {
    return this.policy.delayMs(gate.attempts);
  }

  /** A device cookie value for a browser that just signed in: random id + its HMAC. */
  newDeviceToken(): string {
    const id = randomBytes(16).toString('base64url');
    return `${id}.${this.sign(id)}`;
  }

  private deviceId(token: string | undefined): string | null {
    const [id, mac] = (token ?? '').split('.');
    if (!id || !mac) return null;
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? this.hash(id) : null;
  }

  private hash(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex').slice(0, 32);
  }

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(`device:${id}`).digest('base64url');
  }

  /**
   * One more attempt on a counter: a block still running counts on (and refuses); an expired
   * window or block starts a new window; reaching the limit blocks what comes after.
   */
  private async count(key: string, limit: Limit): Promise<{ allowed: boolean; attempts: number; blockedUntil: Date | null }> {
    const window = Prisma.sql`make_interval(secs => ${limit.windowSeconds}::int)`;
    const blockEnd = Prisma.sql`now() + make_interval(secs => ${limit.blockSeconds}::int)`;
    const [row] = await this.db.$queryRaw<{ failures: number; blocked_until: Date | null }[]>`
      INSERT INTO sign_in_throttle AS t (key, failures, window_started_at, blocked_until)
      VALUES (${key}, 1, now(), CASE WHEN ${limit.failures}::int <= 1 THEN ${blockEnd} END)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE
          WHEN t.blocked_until > now() THEN t.failures + 1
          WHEN t.blocked_until IS NOT NULL OR t.window_started_at < now() - ${window} THEN 1
          ELSE t.failures + 1 END,
        window_started_at = CASE
          WHEN t.blocked_until > now() THEN t.window_started_at
          WHEN t.blocked_until IS NOT NULL OR t.window_started_at < now() - ${window} THEN now()
          ELSE t.window_started_at END,
        blocked_until = CASE
          WHEN t.blocked_until > now() THEN t.blocked_until
          WHEN (t.blocked_until IS NOT NULL OR t.window_started_at < now() - ${window}) AND ${limit.failures}::int <= 1 THEN ${blockEnd}
          WHEN t.blocked_until IS NULL AND t.window_started_at >= now() - ${window} AND t.failures + 1 >= ${limit.failures}::int THEN ${blockEnd}
          ELSE NULL END
      RETURNING failures, blocked_until`;
    return { allowed: row!.failures <= limit.failures, attempts: row!.failures, blockedUntil: row!.blocked_until };
  }
}

/** The part of an address that names one client: an IPv4 address, an IPv6 /64. */
export function network(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)?.[1];
  if (v4 || isIP(ip) === 4) return v4 ?? ip;
  if (isIP(ip) !== 6) return 'unknown';
  return expandIPv6(ip).slice(0, 4).join(':');
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  return (ip.includes('::') ? [...left, ...zeros, ...right] : left).map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}
