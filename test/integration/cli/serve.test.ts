// `postbag serve` as an operator runs it: a real process on a test database, stopped by a
// signal while keep-alive clients keep it busy, and started on a port that is taken.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { projectDir, useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp();
/** Each test's guard against hanging: a server that never stops fails its test instead. */
const hang = { timeout: 120_000 };
const started: ChildProcess[] = [];
// A test that fails midway must not leave a server running (or hang the suite waiting for it).
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Seconds Postbag is given to finish its requests in these tests (SHUTDOWN_TIMEOUT). */
const BOUND = 3;
/** What starting node, closing connections and the database may add to the bound on a slow machine. */
const SLACK = 5;

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; at: number }>;
}

async function startPostbag(env: Record<string, string> = {}, port?: number): Promise<Running> {
  const listenOn = port ?? (await freePort());
  const child = spawn(process.execPath, ['bin/postbag.js', 'serve'], {
    cwd: projectDir,
    env: {
      ...process.env,
      DATABASE_URL: t.database.url,
      PORT: String(listenOn),
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT: String(BOUND),
      GEMINI_PORT: '0',
      FORM_MIN_SECONDS: '0',
      CLIENT_REPLY_LIMIT: '1000000/1m',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, at: performance.now() }));
  const serving = new Promise<boolean>((resolve) => {
    child.stdout.on('data', () => output.includes('Postbag is serving on') && resolve(true));
    void exited.then(() => resolve(false));
  });
  if (port === undefined) assert.ok(await serving, `postbag serve exited before serving:\n${output}`);
  return { child, port: listenOn, output: () => output, exited };
}

/** Sends a request over `agent` (kept-alive connections); resolves with the status and the body. */
function send(agent: http.Agent, port: number, method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: '127.0.0.1', port, method, path, headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {} },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads the reader form and sends it back as a browser would (its address, its hidden fields), with Matrix ticked and `why`. */
async function answerForm(agent: http.Agent, port: number, why: string): Promise<number> {
  const form = (await send(agent, port, 'GET', '/s/leaving-session')).text;
  const action = /<form method="post" action="([^"]+)"/.exec(form)![1]!;
  const hidden = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]): [string, string] => [name!, value!]);
  return (await send(agent, port, 'POST', action, new URLSearchParams([...hidden, ['messengers', 'matrix'], ['why', why]]).toString())).status;
}

/** A form post whose body never comes in full: a request that stays in flight. Resolves once the server has it. */
async function stuckRequest(port: number): Promise<http.ClientRequest> {
  const stuck = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/admin/sign-in',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '100' },
  });
  stuck.on('error', () => {});
  await new Promise((resolve) => stuck.write('password=', resolve));
  // A full round trip on another connection, begun after those bytes were sent, lets the server read them.
  await send(new http.Agent(), port, 'GET', '/');
  return stuck;
}

describe('stopping postbag serve', () => {
  test('under keep-alive load, SIGTERM finishes the requests in flight, loses no acknowledged reply and exits 0 within the bound', hang, async (context) => {
    const postbag = await startPostbag();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const acknowledged: string[] = [];
    let answered = 0;
    // Eight clients, each reading the form and sending a reply over its own kept-alive connection
    // until the server is gone (the first refused or reset connection ends a client). Each reply
    // carries its own words, to be found in the database.
    const client = async () => {
      for (;;) {
        const why = `load ${randomUUID()}`;
        try {
          if ((await answerForm(agent, postbag.port, why)) < 400) acknowledged.push(why);
          answered += 2;
        } catch {
          return;
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    while (answered < 400) await new Promise((resolve) => setTimeout(resolve, 20));
    const signalledAt = performance.now();
    postbag.child.kill('SIGTERM');
    const { code, at } = await postbag.exited;
    await Promise.all(clients);
    agent.destroy();

    context.diagnostic(`exited ${Math.round(at - signalledAt)} ms after SIGTERM; ${acknowledged.length} replies acknowledged`);
    assert.equal(code, 0, postbag.output());
    assert.ok((at - signalledAt) / 1000 < BOUND + SLACK, `exited ${Math.round(at - signalledAt)} ms after SIGTERM`);
    assert.ok(acknowledged.length > 0, 'the load posted replies');
    const stored = await t.db.answer.count({ where: { questionId: 'why', value: { in: acknowledged } } });
    assert.equal(stored, acknowledged.length, 'every reply answered with a redirect is stored');
    assert.match(postbag.output(), /"msg":"shutting down"/);
  });

  test('a request that never completes is cut after SHUTDOWN_TIMEOUT, and the process exits', hang, async () => {
    const postbag = await startPostbag();
    const stuck = await stuckRequest(postbag.port);
    const signalledAt = performance.now();
    postbag.child.kill('SIGTERM');
    const { code, at } = await postbag.exited;
    assert.equal(code, 0, postbag.output());
    const seconds = (at - signalledAt) / 1000;
    assert.ok(seconds >= BOUND && seconds < BOUND + SLACK, `exited ${seconds.toFixed(1)} s after SIGTERM`);
    assert.match(postbag.output(), /cut 1 request still in flight after 3 s/);
    stuck.destroy();
  });

  test('a second signal exits at once', hang, async () => {
    const postbag = await startPostbag({ SHUTDOWN_TIMEOUT: '600' });
    const stuck = await stuckRequest(postbag.port);
    postbag.child.kill('SIGTERM');
    while (!postbag.output().includes('shutting down')) await new Promise((resolve) => setTimeout(resolve, 20));
    postbag.child.kill('SIGINT');
    const { code } = await postbag.exited;
    assert.notEqual(code, 0);
    assert.match(postbag.output(), /second signal: exiting at once/);
    stuck.destroy();
  });

  test('the app purges old rejected replies as it starts', hang, async () => {
    const old = await storeReply(t.db, { status: 'rejected', moderatedAt: new Date(Date.now() - 40 * 24 * 3600 * 1000) });
    const postbag = await startPostbag({ PURGE_AFTER_DAYS: '30' });
    postbag.child.kill('SIGTERM');
    assert.equal((await postbag.exited).code, 0, postbag.output());
    assert.equal(await t.db.reply.count({ where: { id: old.id } }), 0);
  });
});

describe('starting postbag serve', () => {
  test('on a port already taken prints one clear line, no stack, and exits non-zero', hang, async () => {
    const taken: Server = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const postbag = await startPostbag({ LOG_LEVEL: 'warn' }, (taken.address() as AddressInfo).port);
      const { code } = await postbag.exited;
      assert.notEqual(code, 0);
      const lines = postbag.output().trim().split('\n');
      assert.equal(lines.length, 1, postbag.output());
      assert.match(lines[0]!, /^Cannot listen on 127\.0\.0\.1:\d+: .*address already in use.*Set PORT \(or HOST\) to a free one\.$/);
    } finally {
      taken.close();
    }
  });
});
