import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeLeniently, readTarget, RequestLineReader } from '../../src/gemini/request.ts';
import { cutToBytes, encodeResponse, input, page } from '../../src/gemini/response.ts';

const read = (line: string) => readTarget(Buffer.from(line), 'capsule.example');
const target = (line: string) => {
  const result = read(line);
  assert.ok(result.ok, `refused: ${line}`);
  return result.target;
};
const status = (line: string) => {
  const result = read(line);
  return result.ok ? 0 : result.response.status;
};

describe('the request line reader', () => {
  test('collects a line however the bytes are split, CRLF included', () => {
    const reader = new RequestLineReader();
    assert.equal(reader.push(Buffer.from('gemini://capsule')), null);
    assert.equal(reader.push(Buffer.from('.example/\r')), null);
    assert.equal(String(reader.push(Buffer.from('\nanything after'))), 'gemini://capsule.example/');
  });

  test('takes a URL of 1024 bytes and refuses one of 1025 as soon as it is known', () => {
    assert.equal(String(new RequestLineReader().push(Buffer.from(`${'a'.repeat(1024)}\r\n`))).length, 1024);
    assert.equal(new RequestLineReader().push(Buffer.from(`${'a'.repeat(1025)}\r\n`)), 'too long');
    const endless = new RequestLineReader();
    assert.equal(endless.push(Buffer.alloc(1024, 'a')), null);
    assert.equal(endless.push(Buffer.from('a')), 'too long', 'no CRLF needed to know');
  });
});

describe('the request target', () => {
  test('splits the path into decoded segments and keeps what the client sent', () => {
    const t = target('gemini://Capsule.Example:1965/s/leaving%2Dsession?1%2C3');
    assert.deepEqual(t.segments, ['s', 'leaving-session']);
    assert.equal(t.origin, 'gemini://capsule.example:1965');
    assert.equal(t.base, 'gemini://Capsule.Example:1965/s/leaving%2Dsession');
    assert.equal(t.input, '1,3');
    assert.deepEqual(target('gemini://capsule.example').segments, ['']);
  });

  test('tells no query (null) from an empty one (an empty answer)', () => {
    assert.equal(target('gemini://capsule.example/x').input, null);
    assert.equal(target('gemini://capsule.example/x?').input, '');
  });

  test('refuses userinfo, fragments, relative URLs and control characters with 59', () => {
    for (const line of [
      'gemini://me@capsule.example/',
      'gemini://capsule.example/#a',
      'gemini://capsule.example/?a#b',
      '//capsule.example/',
      '/x',
      'gemini://capsule.example/\t',
    ]) {
      assert.equal(status(line), 59, line);
    }
  });

  test('refuses other hosts and schemes with 53; names the host as clients may write it', () => {
    for (const line of ['gemini://other.example/', 'https://capsule.example/', 'gemini://capsule.example.evil/']) assert.equal(status(line), 53, line);
    assert.equal(status('gemini://CAPSULE.example./'), 0);
    const ipv6 = readTarget(Buffer.from('gemini://[::1]:1965/'), '::1');
    assert.equal(ipv6.ok && ipv6.target.origin, 'gemini://[::1]:1965');
    assert.equal(readTarget(Buffer.from('gemini://bücher.example/'), 'xn--bcher-kva.example').ok, true);
  });

  test('refuses bytes that are not UTF-8, raw or once decoded', () => {
    assert.equal(readTarget(Buffer.from([0x67, 0xff]), 'capsule.example').ok, false);
    assert.equal(status('gemini://capsule.example/x?%ff'), 59);
    assert.equal(status('gemini://capsule.example/%c3%28'), 59);
  });

  test('trims trailing whitespace off the input', () => {
    assert.equal(target('gemini://capsule.example/x?yes%20%0A%09').input, 'yes');
    assert.equal(target('gemini://capsule.example/x?%20%20yes').input, '  yes');
  });
});

describe('lenient percent-decoding', () => {
  test('decodes %XX as bytes of UTF-8 text', () => {
    assert.equal(decodeLeniently('%D0%9C%D0%B0%D1%82%D1%80%D0%B8%D1%86%D0%B0%2C%20ok'), 'Матрица, ok');
    assert.equal(decodeLeniently('line%0Abreak'), 'line\nbreak');
  });

  test('leaves + as +, a lone % as %, and raw UTF-8 as it is', () => {
    assert.equal(decodeLeniently('C++'), 'C++');
    assert.equal(decodeLeniently('100%'), '100%');
    assert.equal(decodeLeniently('50%%20off%2'), '50% off%2');
    assert.equal(decodeLeniently('свой%20сервер 👩‍💻'), 'свой сервер 👩‍💻');
  });

  test('gives null for bytes that are not UTF-8', () => {
    assert.equal(decodeLeniently('%ff'), null);
    assert.equal(decodeLeniently('%e2%82'), null);
  });
});

describe('Gemini responses', () => {
  test('are a status, a space, META and CRLF; a body only with 20', () => {
    assert.equal(encodeResponse(page('# Hi\n')).toString(), '20 text/gemini; charset=utf-8\r\n# Hi\n');
    assert.equal(encodeResponse(input('Your name?')).toString(), '10 Your name?\r\n');
  });

  test('keep META on one line and within 1024 bytes, never cutting a character in half', () => {
    assert.equal(encodeResponse(input('one\r\ntwo\nthree')).toString(), '10 one two three\r\n');
    const long = encodeResponse(input('я'.repeat(600))).toString();
    assert.equal(Buffer.byteLength(long), '10 '.length + 1024 + 2);
    assert.equal(cutToBytes('aя', 2), 'a');
    assert.equal(cutToBytes('👩‍💻', 5), '👩');
  });
});
