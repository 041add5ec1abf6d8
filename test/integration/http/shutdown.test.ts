// Closing the web server within a bound (src/http/shutdown.ts), on a plain HTTP server whose
// answers the test holds back and releases.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { serverCloser } from '../../../src/http/shutdown.ts';

/** A server that answers /slow only when `release` is called, /never never, and anything else at once. */
async function heldServer() {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') void released.then(() => res.end('slow'));
    else if (req.url !== '/never') res.end('fast');
  });
  const closer = serverCloser(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, closer, release, port: (server.address() as AddressInfo).port };
}

function get(agent: http.Agent, port: number, path: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http
      .get({ agent, host: '127.0.0.1', port, path }, (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      })
      .on('error', reject);
  });
}

describe('closing the web server', () => {
  test('finishes the requests in flight with Connection: close, closes idle keep-alive connections, then resolves', async () => {
    const { server, closer, release, port } = await heldServer();
    const agent = new http.Agent({ keepAlive: true });
    const idle = await get(agent, port, '/');
    assert.equal(idle.headers.connection, 'keep-alive', 'before closing, connections are kept alive');
    const arrived = once(server, 'request');
    const slow = get(agent, port, '/slow');
    await arrived;
    const closed = closer.close(60_000);
    assert.equal(server.listening, false, 'no new connection is accepted');
    release();
    const answer = await slow;
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers.connection, 'close', 'the answer tells the client to let go');
    assert.equal(await closed, 0, 'no request was cut, and the idle connection did not hold the server open');
    agent.destroy();
  });

  test('after the bound, closes the connections still open and says how many requests it cut', async () => {
    const { server, closer, port } = await heldServer();
    const arrived = once(server, 'request');
    const never = get(new http.Agent(), port, '/never').then(
      () => 'answered',
      (err: unknown) => (err as NodeJS.ErrnoException).code,
    );
    await arrived;
    assert.equal(await closer.close(100), 1);
    assert.equal(await never, 'ECONNRESET');
  });
});
