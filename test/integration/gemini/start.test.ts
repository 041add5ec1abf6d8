// Starting the Gemini server beside the web: its certificate made once and kept, a port that
// is taken said in one line, and GEMINI_PORT=0 for no Gemini at all.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.ts';
import { startGemini } from '../../../src/gemini/start.ts';
import { useTestApp } from '../../helpers/app.ts';
import { testPolicy } from './client.ts';

const t = useTestApp();
let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'postbag-gemini-'));
});
after(() => rm(dataDir, { recursive: true, force: true }));

/** A logger whose lines are kept, as the author would read them. */
function recordingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, lines };
}

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function start(port: number) {
  const { logger, lines } = recordingLogger();
  const config = loadConfig({ DATABASE_URL: 'postgresql://unused/', DATA_DIR: dataDir, GEMINI_PORT: String(port) });
  const server = await startGemini(config, { db: t.db, surveys: t.surveys, logger, replyPolicy: testPolicy });
  return { server, lines };
}

async function servedCertificate(port: number): Promise<string> {
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  const { fingerprint256 } = socket.getPeerCertificate();
  socket.destroy();
  return fingerprint256;
}

describe('starting the Gemini server', () => {
  test('makes a certificate on first start, keeps it in the data folder and serves the same one after a restart', async () => {
    const port = await freePort();
    const first = await start(port);
    assert.ok(first.server);
    assert.ok(first.lines.some((line) => /made a self-signed certificate for localhost/.test(line.msg)));
    const served = await servedCertificate(port);
    await first.server.close();

    const kept = new X509Certificate(await readFile(path.join(dataDir, 'gemini', 'localhost', 'cert.pem')));
    assert.equal(kept.fingerprint256, served);
    assert.equal(kept.validTo, 'Dec 31 23:59:59 9999 GMT');
    assert.equal(kept.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');

    const second = await start(port);
    assert.ok(!second.lines.some((line) => /made a self-signed certificate/.test(line.msg)));
    assert.equal(await servedCertificate(port), served);
    await second.server!.close();
  });

  test('says in one line that the port is taken, and leaves the web to be served', async () => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    try {
      const { server, lines } = await start(port);
      assert.equal(server, null);
      const warnings = lines.filter((line) => line.level === 40);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!.msg, new RegExp(`^Gemini: port ${port} on 127\\.0\\.0\\.1 is taken .*; serving the web only\\. Set GEMINI_PORT`));
    } finally {
      taken.close();
    }
  });

  test('GEMINI_PORT=0 starts nothing and makes no certificate', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'postbag-gemini-off-'));
    try {
      const config = loadConfig({ DATA_DIR: empty, GEMINI_PORT: '0' });
      assert.equal(await startGemini(config, { db: t.db, surveys: t.surveys, logger: pino({ level: 'silent' }), replyPolicy: testPolicy }), null);
      assert.ok(!existsSync(path.join(empty, 'gemini')));
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
