// The Gemini protocol at its edges, over a real TLS connection: how requests may arrive, what
// is refused and with which status, how answers are decoded.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import tls from 'node:tls';
import { describe, test } from 'node:test';
import { useTestApp } from '../../helpers/app.ts';
import { geminiRequest, useGemini } from './client.ts';

const t = useTestApp();
const gemini = useGemini(t, { requestMs: 500 });
/** A server of its own, so that no other test's connection counts against its limit. */
const limited = useGemini(t, { connections: 3 });

const url = (path: string) => `gemini://localhost${path}\r\n`;

/** The text answer to "why", as the draft stores it after `query` was sent as the raw query. */
async function storedWhy(query: string): Promise<string[] | undefined> {
  const first = await gemini.send(url(`/a/new/leaving-session/q/messengers/answer?1`));
  const token = /^\/a\/d\/([^/]+)\//.exec(first.meta)![1]!;
  const reply = await gemini.send(url(`/a/d/${token}/q/why/answer?${query}`));
  assert.equal(reply.status, 30, `${reply.status} ${reply.meta}`);
  const draft = await t.db.geminiDraft.findUniqueOrThrow({ where: { token } });
  return (draft.fields as Record<string, string[]>).why;
}

describe('Gemini requests', () => {
  test('a request line split over several packets is read whole', async () => {
    const reply = await gemini.send(['gemi', 'ni://local', 'host/s/leaving-session', '\r', '\n']);
    assert.equal(reply.status, 20);
    assert.match(reply.body, /^# Leaving Session$/m);
  });

  test('a URL of 1024 bytes is served; one byte more is refused with 59, however it arrives', async () => {
    const path = (length: number) => `/s/${'x'.repeat(length - 'gemini://localhost/s/'.length)}`;
    assert.equal(`gemini://localhost${path(1024)}`.length, 1024);
    assert.equal((await gemini.send(url(path(1024)))).status, 51);
    assert.equal((await gemini.send(url(path(1025)))).status, 59);
    const endless = await gemini.send(['gemini://localhost/', 'x'.repeat(2000)]);
    assert.equal(endless.status, 59, 'refused without waiting for a CRLF that may never come');
  });

  test('a request that does not arrive in time is answered 59', async () => {
    const reply = await gemini.send('gemini://localhost/');
    assert.equal(reply.status, 59);
  });

  test('userinfo, a fragment, a relative URL or control characters: 59', async () => {
    for (const line of ['gemini://me@localhost/', 'gemini://localhost/#top', '/s/leaving-session', 'gemini://localhost/\u0007']) {
      assert.equal((await gemini.send(`${line}\r\n`)).status, 59, line);
    }
  });

  test('another host or another scheme: 53', async () => {
    for (const line of ['gemini://example.org/', 'https://localhost/', 'gemini://localhost.example/']) {
      assert.equal((await gemini.send(`${line}\r\n`)).status, 53, line);
    }
    assert.equal((await gemini.send('gemini://LocalHost.:1965/\r\n')).status, 20, 'case, a final dot and a port do not matter');
  });

  test('an unknown path: 51', async () => {
    assert.equal((await gemini.send(url('/nothing/here'))).status, 51);
    assert.equal((await gemini.send(url('/s/no-such-survey'))).status, 51);
  });

  test('bytes that are not UTF-8, raw or percent-encoded: 59', async () => {
    assert.equal((await gemini.send(Buffer.concat([Buffer.from('gemini://localhost/s/'), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n')]))).status, 59);
    assert.equal((await gemini.send(url('/a/new/leaving-session/q/messengers/answer?%C3%28'))).status, 59);
  });

  test('answers are decoded leniently: + stays +, a lone % stays, raw UTF-8 is taken, trailing spaces go', async () => {
    assert.deepEqual(await storedWhy('C++%20at%20100%'), ['C++ at 100%']);
    assert.deepEqual(await storedWhy('Matrix, свой сервер%20%20'), ['Matrix, свой сервер']);
  });

  test('%0A is a line break in free text', async () => {
    assert.deepEqual(await storedWhy('first%0Asecond%0D%0Athird'), ['first\nsecond\r\nthird']);
  });

  test('answers are text/gemini in UTF-8; robots.txt keeps crawlers off the answering pages', async () => {
    assert.equal((await gemini.get('/')).meta, 'text/gemini; charset=utf-8');
    const robots = await gemini.get('/robots.txt');
    assert.equal(robots.status, 20);
    assert.match(robots.body, /^Disallow: \/a\/$/m);
    assert.match(robots.body, /^Disallow: \/r\/$/m);
  });
});

describe('Gemini connections', () => {
  test('TLS 1.2 and 1.3 are served, 1.1 is refused, and no ALPN protocol is chosen', async () => {
    const connect = (options: tls.ConnectionOptions) =>
      tls.connect({ host: '127.0.0.1', port: gemini.port, rejectUnauthorized: false, servername: 'localhost', ...options });
    const modern = connect({ ALPNProtocols: ['gemini'] });
    await once(modern, 'secureConnect');
    assert.equal(modern.getProtocol(), 'TLSv1.3');
    assert.equal(modern.alpnProtocol, false);
    modern.destroy();
    assert.equal((await geminiRequest(gemini.port, url('/'), { tls: { maxVersion: 'TLSv1.2' } })).status, 20);
    // The client allows TLS 1.1 (OpenSSL's security level 0): the refusal is the server's.
    const old = connect({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const [err] = (await once(old, 'error')) as [Error & { code?: string }];
    assert.match(`${err.code} ${err.message}`, /version|protocol/i);
  });

  test('connections beyond the limit are closed at once', async () => {
    const connect = () => tls.connect({ host: '127.0.0.1', port: limited.port, rejectUnauthorized: false, servername: 'localhost' });
    const open = await Promise.all(
      [1, 2, 3].map(async () => {
        const socket = connect();
        await once(socket, 'secureConnect');
        return socket;
      }),
    );
    const extra = connect();
    extra.on('error', () => {}); // the server resets it
    const outcome = await new Promise((resolve) => {
      extra.once('secureConnect', () => resolve('served'));
      extra.once('close', () => resolve('closed'));
    });
    assert.equal(outcome, 'closed');
    for (const socket of open) socket.destroy();
  });
});
