import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { redactUrl } from '../../src/http/logging.ts';

const SECRET = 'Abc0DEF1ghi2JKL3mno4PQR5stu6VWX7yz8_9-AbCdE';

/** Each character of `text` as a %-escape, in upper or lower case hex. */
const escaped = (text: string, lower = false) =>
  [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')[lower ? 'toLowerCase' : 'toUpperCase']()}`).join('');

/** What a reader of the log could decode: every %-escape undone, nested ones too. */
function unescapedAscii(text: string): string {
  let current = text;
  while (/%[0-9a-f]{2}/i.test(current)) current = current.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return current;
}

describe('logged URLs', () => {
  test('hide private-link secrets and feed tokens, whatever their case', () => {
    assert.equal(redactUrl('/r/abcDEF_123-xyz/edit'), '/r/…/edit');
    assert.equal(redactUrl('/R/abcDEF_123-xyz'), '/R/…');
    assert.equal(redactUrl('/feed/s3cr3t'), '/feed/…');
    assert.equal(redactUrl('/FEED/s3cr3t/'), '/FEED/…/');
    assert.equal(redactUrl('/r/abc/DELETE'), '/r/…/DELETE');
  });

  test('drop query strings, which may hold a search for a reader’s words', () => {
    assert.equal(redactUrl('/admin/replies?q=ada@example.org&status=pending'), '/admin/replies');
    assert.equal(redactUrl('/r/secret?thanks'), '/r/…');
    assert.equal(redactUrl('/r/secret#top'), '/r/…');
  });

  test('leave other paths as they are', () => {
    assert.equal(redactUrl('/s/leaving-session'), '/s/leaving-session');
    assert.equal(redactUrl('/static/style.css'), '/static/style.css');
    assert.equal(redactUrl('/admin/replies/6f1c/delete'), '/admin/replies/6f1c/delete');
  });

  test('hide the secret in an absolute-form target, which Express routes on its path, and drop its userinfo', () => {
    assert.equal(redactUrl(`http://postbag.example/r/${SECRET}`), 'http://postbag.example/r/…');
    assert.equal(redactUrl(`HTTP://postbag.example/R/${SECRET}/edit`), 'HTTP://postbag.example/R/…/edit');
    assert.equal(redactUrl(`https://ada:hunter2@postbag.example/feed/${SECRET}`), 'https://postbag.example/feed/…');
    assert.equal(redactUrl(`ftp://h/r/${SECRET}`), 'ftp://h/r/…');
    assert.equal(redactUrl(`http://r/${SECRET}`), 'http://r/…', 'a host named r is no hiding place');
  });

  test('hide the secret however the target disguises the path', () => {
    const targets = [
      `//r/${SECRET}`,
      `//postbag.example/r/${SECRET}`,
      `///r/${SECRET}`,
      `/./r/${SECRET}`,
      `/r/./${SECRET}`,
      `/x/../r/${SECRET}`,
      `/%72/${SECRET}`,
      `/%52/${SECRET}`,
      `/%2572/${SECRET}`, // escaped twice
      `/r%2F${SECRET}`,
      `/r%2f${SECRET}/edit`,
      `/r/${escaped(SECRET)}`,
      `/r/${escaped(SECRET.slice(0, 5), true)}${SECRET.slice(5)}`,
      `/r//${SECRET}`,
      `/r\\${SECRET}`,
      `\\r\\${SECRET}`,
      `/r;v=1/${SECRET}`,
      `/r/${SECRET};x`,
      `/r /${SECRET}`,
      `/r%20/${SECRET}`,
      `/r%3F${SECRET}`,
      `/r%23${SECRET}`,
      `/s/leaving-session/r/${SECRET}`,
      `/r/${SECRET}%00`,
      `/r/${SECRET}%E0%A4%A`,
      `/${escaped('feed')}/${SECRET}`,
      `/f%65ed/${SECRET}`,
      `/FeEd/${SECRET}/`,
    ];
    for (const target of targets) {
      const logged = redactUrl(target);
      assert.ok(!logged.includes(SECRET.slice(5, 25)), `${target} logged as ${logged}`);
      assert.ok(!logged.toLowerCase().includes(escaped(SECRET.slice(5, 10)).toLowerCase()), `${target} logged as ${logged}`);
    }
  });

  test('never log a secret, for any mix of case, escapes, separators and prefixes', () => {
    const maybeEscaped = (text: string) =>
      fc
        .array(fc.constantFrom<'plain' | 'upper' | 'lower' | 'twice'>('plain', 'upper', 'lower', 'twice'), { minLength: text.length, maxLength: text.length })
        .map((ways) =>
          [...text].map((c, i) => ({ plain: c, upper: escaped(c), lower: escaped(c, true), twice: escaped(c).replace('%', '%25') })[ways[i]!]).join(''),
        );
    const marker = fc.constantFrom('r', 'R', 'feed', 'FEED', 'Feed').chain(maybeEscaped);
    const secret = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).chain((value) => maybeEscaped(value).map((written) => ({ value, written })));
    const prefix = fc.constantFrom('', 'http://h', 'HTTPS://u:p@h', 'http://r', '/', '//', '/.', '/x/..', '\\', '/s/x');
    const separator = fc.constantFrom('/', '\\', '%2F', '%2f', '%252F', '//', '/./', ';a/');
    const suffix = fc.constantFrom('', '/', '/edit', '/delete/', '?thanks', '#x', ';p', '%00', '%3Fq');
    fc.assert(
      fc.property(prefix, marker, separator, secret, suffix, (start, name, between, { value, written }, end) => {
        const logged = unescapedAscii(redactUrl(`${start}/${name}${between}${written}${end}`));
        assert.ok(!logged.includes(value.slice(0, 20)) && !logged.includes(value.slice(20)), logged);
      }),
      { numRuns: 1000 },
    );
  });
});
