import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { nameKey } from '../../src/catalog/normalise.ts';
import { BadRequest } from '../../src/errors.ts';
import { parseFormBody } from '../../src/forms/body.ts';
import { checkLine, checkText } from '../../src/forms/text.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseFormBody', () => {
  test('decodes what browsers send, keeping repeated fields in order', () => {
    const fields = parseFormBody(bytes('a=1&b=caf%C3%A9+au+lait&a=2&empty=&flag'));
    assert.deepEqual(
      [...fields],
      [
        ['a', ['1', '2']],
        ['b', ['café au lait']],
        ['empty', ['']],
        ['flag', ['']],
      ],
    );
  });

  test('agrees with URLSearchParams on every well-formed body', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), { maxLength: 20 }), (pairs) => {
        const encoded = new URLSearchParams(pairs).toString();
        const fields = parseFormBody(bytes(encoded));
        const expected = new Map<string, string[]>();
        for (const [k, v] of new URLSearchParams(encoded)) expected.set(k, [...(expected.get(k) ?? []), v]);
        assert.deepEqual([...fields], [...expected]);
      }),
    );
  });

  for (const [name, body] of [
    ['a malformed escape', 'a=%G1'],
    ['a truncated escape', 'a=%4'],
    ['invalid UTF-8', 'a=%C3%28'],
    ['an encoded lone surrogate', 'a=%ED%A0%80'],
    ['an overlong encoding', 'a=%C0%AF'],
    ['raw non-ASCII bytes', 'a=\u00e9'],
  ] as const) {
    test(`refuses ${name} with a 400`, () => {
      assert.throws(
        () => parseFormBody(bytes(body)),
        (err) => err instanceof BadRequest && err.status === 400,
      );
    });
  }

  test('refuses more than 300 fields', () => {
    assert.throws(() => parseFormBody(bytes(Array(301).fill('a=1').join('&'))), BadRequest);
  });
});

describe('checkLine and checkText', () => {
  test('trim, and normalise line breaks in long text', () => {
    assert.deepEqual(checkLine('  Element  ', 80), { ok: true, value: 'Element' });
    assert.deepEqual(checkText(' a\r\nb\rc\n ', 80), { ok: true, value: 'a\nb\nc' });
  });

  test('count characters, not UTF-16 units', () => {
    assert.equal(checkLine('😀'.repeat(80), 80).ok, true);
    assert.equal(checkLine('😀'.repeat(81), 80).ok, false);
  });

  for (const [name, text] of [
    ['NUL', 'a\u0000b'],
    ['ESC', '\u001b[31mred'],
    ['DEL', 'a\u007f'],
    ['a C1 control (NEL)', 'a\u0085b'],
    ['a lone surrogate', 'a\ud800b'],
    ['vertical tab', 'a\u000bb'],
  ] as const) {
    test(`refuse ${name}`, () => {
      assert.equal(checkText(text, 100).ok, false);
      assert.equal(checkLine(text, 100).ok, false);
    });
  }

  test('a one-line field refuses line breaks, including U+2028', () => {
    assert.equal(checkLine('a\nb', 100).ok, false);
    assert.equal(checkLine('a\u2028b', 100).ok, false);
  });
});

describe('nameKey', () => {
  test('ignores case, spacing, punctuation and fullwidth look-alikes', () => {
    for (const typed of ['Element', ' element ', 'ELEMENT', 'Ｅｌｅｍｅｎｔ', 'ele-ment!']) {
      assert.equal(nameKey(typed), 'element', typed);
    }
    assert.equal(nameKey('Element.io'), 'elementio');
    assert.equal(nameKey('element desktop'), 'elementdesktop');
  });

  test('keeps letters of every script and is empty for punctuation alone', () => {
    assert.equal(nameKey('Ωμέγα Chat'), 'ωμέγαchat');
    assert.equal(nameKey('+++'), '');
  });
});
