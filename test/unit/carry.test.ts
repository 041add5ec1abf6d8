// A form carried through sign-in: only one Postbag gave the author, unchanged, and not for long.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CARRY_MS, FormCarrier } from '../../src/admin/carry.ts';
import { ABSOLUTE_MS, IDLE_MS, newCsrfToken } from '../../src/admin/session.ts';

const key = 'a key kept in the setting table';
const carrier = new FormCarrier(key);
const now = Date.UTC(2026, 10, 25, 12);
const fields = (csrf: string) =>
  new Map([
    ['_csrf', [csrf]],
    ['action', ['approved']],
    ['ids', ['a', 'b']],
  ]);

describe('carrying a form through sign-in', () => {
  test('carries a form with a token Postbag made, without the token, for as long as an idle session lives', () => {
    const sealed = carrier.seal('/replies/moderate', fields(newCsrfToken(key, now - 3 * 60_000)), now);
    assert.ok(sealed);
    const expected = {
      action: '/replies/moderate',
      fields: new Map([
        ['action', ['approved']],
        ['ids', ['a', 'b']],
      ]),
    };
    assert.deepEqual(carrier.open(sealed, now + CARRY_MS), expected);
    assert.equal(carrier.open(sealed, now + CARRY_MS + 1), null, 'too old');
  });

  test('refuses a token made under another key, or for a session that cannot still have been running', () => {
    assert.equal(carrier.seal('/replies/moderate', fields(newCsrfToken('another key', now)), now), null);
    assert.equal(carrier.seal('/replies/moderate', fields(newCsrfToken(key, now - ABSOLUTE_MS - IDLE_MS - 1)), now), null);
    assert.equal(carrier.seal('/replies/moderate', fields(newCsrfToken(key, now + 60_000)), now), null, 'made in the future');
    assert.equal(carrier.seal('/replies/moderate', new Map([['action', ['approved']]]), now), null, 'no token');
  });

  test('a seal from another key does not open', () => {
    const sealed = new FormCarrier('another key').seal('/replies/moderate', fields(newCsrfToken('another key', now)), now)!;
    assert.equal(carrier.open(sealed, now), null);
  });
});
