// Slows, then refuses, repeated failed sign-ins: per client and overall. Counters live in
// PostgreSQL (every instance counts together). A client is known by a keyed hash of its
// network (its IPv4 address, or its IPv6 /64), never by the address itself.
//
// The author can never be locked out for good: blocks expire, a browser that has signed in
// before carries a device cookie that lets it past the overall block (which a stranger could
// otherwise renew forever), and `postbag set-password` lifts every block.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Db } from '../db/client.ts';

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

export class SignInThrottle {
  constructor(
    private readonly db: Db,
    private readonly key: string,
    private readonly policy: ThrottlePolicy,
  ) {}

  clientKey(ip: string | undefined): string {
    return `client:${createHmac('sha256', this.key).update(network(ip)).digest('hex').slice(0, 32)}`;
  }

  /** When sign-in is refused to this client, the time it opens again; null when allowed. */
  async blockedUntil(clientKey: string, knownDevice: boolean): Promise<Date | null> {
    const keys = knownDevice ? [clientKey] : [clientKey, OVERALL_KEY];
    const rows = await this.db.signInThrottle.findMany({ where: { key: { in: keys }, blockedUntil: { gt: new Date() } } });
    const until = rows.map((row) => row.blockedUntil!.getTime());
    return until.length > 0 ? new Date(Math.max(...until)) : null;
  }

  /** Counts a failure; returns how long to wait before answering. */
  async recordFailure(clientKey: string): Promise<number> {
    const client = await this.count(clientKey, this.policy.perClient);
    await this.count(OVERALL_KEY, this.policy.overall);
    return this.policy.delayMs(client);
  }

  async recordSuccess(clientKey: string): Promise<void> {
    await this.db.signInThrottle.deleteMany({ where: { key: clientKey } });
  }

  /** A device cookie value for a browser that just signed in: random id + its HMAC. */
  newDeviceToken(): string {
    const id = randomBytes(16).toString('base64url');
    return `${id}.${this.sign(id)}`;
  }

  isKnownDevice(token: string | undefined): boolean {
    const [id, mac] = (token ?? '').split('.');
    if (!id || !mac) return false;
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(`device:${id}`).digest('base64url');
  }

  private async count(key: string, limit: ThrottlePolicy['perClient']): Promise<number> {
    const [row] = await this.db.$queryRaw<{ failures: number }[]>`
      INSERT INTO sign_in_throttle AS t (key, failures, window_started_at, blocked_until)
      VALUES (${key}, 1, now(), CASE WHEN ${limit.failures}::int <= 1 THEN now() + make_interval(secs => ${limit.blockSeconds}::int) END)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN t.window_started_at < now() - make_interval(secs => ${limit.windowSeconds}::int) THEN 1 ELSE t.failures + 1 END,
        window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => ${limit.windowSeconds}::int) THEN now() ELSE t.window_started_at END,
        blocked_until = CASE
          WHEN t.window_started_at >= now() - make_interval(secs => ${limit.windowSeconds}::int) AND t.failures + 1 >= ${limit.failures}::int
          THEN now() + make_interval(secs => ${limit.blockSeconds}::int)
          ELSE t.blocked_until END
      RETURNING failures`;
    return row!.failures;
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
