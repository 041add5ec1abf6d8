import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkToken, issueToken } from '../../src/replies/form-token.ts';

const key = 'k'.repeat(43);
const rules = { minFillMs: 3_000, maxAgeMs: 48 * 3_600_000 };
const issuedAt = Date.UTC(2026, 10, 25, 12, 0, 0);
const token = issueToken(key, 'leaving-session', issuedAt);

describe('the form token', () => {
  test('comes back valid, with its secret, once a person could have filled the form in', () => {
    const check = checkToken(key, 'leaving-session', token, rules, issuedAt + 60_000);
    assert.ok(check.ok);
    assert.match(check.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(check.secret, token.split('.')[1]);
  });

  test('is refused as too fast before the minimum fill time, as expired after the maximum age', () => {
    assert.deepEqual(checkToken(key, 'leaving-session', token, rules, issuedAt + 2_000), { ok: false, problem: 'too-fast' });
    assert.deepEqual(checkToken(key, 'leaving-session', token, rules, issuedAt + rules.maxAgeMs + 1), { ok: false, problem: 'expired' });
    // Another instance's clock a little behind makes the form look new; far behind, forged in time.
    assert.deepEqual(checkToken(key, 'leaving-session', token, rules, issuedAt - 30_000), { ok: false, problem: 'too-fast' });
    assert.deepEqual(checkToken(key, 'leaving-session', token, rules, issuedAt - 3_600_000), { ok: false, problem: 'expired' });
  });

  test('is refused as forged for another survey, another key, or any change', () => {
    const later = issuedAt + 60_000;
    assert.deepEqual(checkToken(key, 'text-editors', token, rules, later), { ok: false, problem: 'forged' });
    assert.deepEqual(checkToken('x'.repeat(43), 'leaving-session', token, rules, later), { ok: false, problem: 'forged' });
    const [time = '', secret = '', mac = ''] = token.split('.');
    const older = (Number.parseInt(time, 36) - 100_000).toString(36);
    const otherSecret = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const changed of [
      `${older}.${secret}.${mac}`,
      `${time}.${otherSecret}.${mac}`,
      `${time}.${secret}.${mac.slice(0, -1)}`,
      `${time}.${secret}`,
      '',
      token.toUpperCase(),
      `${token} `,
      `${token}.x`,
    ]) {
      assert.deepEqual(checkToken(key, 'leaving-session', changed, rules, later), { ok: false, problem: 'forged' }, changed);
    }
  });

  test('is refused as forged whatever hostile text is sent instead', () => {
    for (const hostile of ['\u0000', '%00', 'a.b.c', '.'.repeat(100), 'z'.repeat(10_000), '1.' + 'a'.repeat(43) + '.' + '\u00e9'.repeat(22)]) {
      assert.equal(checkToken(key, 'leaving-session', hostile, rules, issuedAt).ok, false);
    }
  });
});
