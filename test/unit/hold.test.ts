import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contentHolds } from '../../src/replies/hold.ts';
import type { ReplyInput } from '../../src/replies/read-form.ts';

const reply = (values: string[], extra: Partial<ReplyInput> = {}): ReplyInput => ({
  displayName: null,
  contact: null,
  consentQuote: false,
  answers: values.map((value, position) => ({ questionId: 'why', scope: '', position, value, isOther: false, nameKey: null })),
  ...extra,
});
const rules = { holdLinks: 2, mutedWords: ['casino', 'buy now'] };

describe('the content rules', () => {
  test('let an ordinary reply through', () => {
    assert.deepEqual(contentHolds(reply(['Federation, and no phone number.', 'Element']), rules), []);
  });

  test('hold a reply with more links than allowed, counted over all its answers', () => {
    assert.deepEqual(contentHolds(reply(['see https://a.example and gemini://b.example']), rules), []);
    assert.deepEqual(contentHolds(reply(['https://a.example http://b.example', 'www.c.example']), rules), ['links']);
    assert.deepEqual(contentHolds(reply(['HTTPS://A.EXAMPLE HTTP://B.EXAMPLE GOPHER://C.EXAMPLE']), rules), ['links']);
  });

  test('hold a reply with a muted word anywhere, as a whole word in any case', () => {
    assert.deepEqual(contentHolds(reply(['Best CASINO!']), rules), ['muted']);
    assert.deepEqual(contentHolds(reply(['fine'], { displayName: 'buy now' }), rules), ['muted']);
    assert.deepEqual(contentHolds(reply(['casinos are not words we mute']), rules), []);
    assert.deepEqual(contentHolds(reply(['a (casino) b']), { ...rules, mutedWords: ['(casino)'] }), ['muted']);
    assert.deepEqual(contentHolds(reply(['.*']), { ...rules, mutedWords: ['.*'] }), ['muted']);
    assert.deepEqual(contentHolds(reply(['anything']), { ...rules, mutedWords: ['.*'] }), []);
  });
});
