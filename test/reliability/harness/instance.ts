// Postbag as a real process, started the way an operator starts it, on a port of its own. Its
// output goes to test/reliability/logs/<name>.log. Every instance started here is remembered,
// so that the runner can kill what a failed scenario left running (by its own pid).
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { FORM_MIN_SECONDS } from './form.ts';
import { httpClient, type Client } from './http.ts';

/** The `postbag` command, compiled (`npm run test:reliability` builds it first). */
export const POSTBAG_COMMAND = [process.execPath, 'bin/postbag.js'] as const;

export const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const logDir = path.join(projectDir, 'test', 'reliability', 'logs');

export interface Instance {
  name: string;
  url: string;
  /** A keep-alive client for this instance (readers share it). */
  client: Client;
  pid: number;
  alive(): boolean;
  /** Resolves when the process has ended: its exit code or signal, and performance.now() then. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it is still there 20 s later. */
  stop(): Promise<void>;
  /** Why the process ended, in one line: the message of the error it died of, or its log's last line. */
  lastWords(): Promise<string>;
}

/**
 * The settings every instance of the run gets unless a scenario says otherwise (a setting the
 * code does not know yet is ignored by it). Readers come from many addresses through
 * X-Forwarded-For, which only TRUST_PROXY=loopback makes Postbag believe; the replies budget for
 * everyone is out of the way except where a scenario measures it; the minimum fill time is the
 * one the readers keep to.
 */
export const RUN_SETTINGS: Record<string, string> = {
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  TRUST_PROXY: 'loopback',
  GLOBAL_REPLY_LIMIT: '9999999/1m',
  FORM_MIN_SECONDS: String(FORM_MIN_SECONDS),
};

export interface InstanceOptions {
  name: string;
  databaseUrl: string;
  /** Settings under test, over DATABASE_URL, PORT and RUN_SETTINGS. */
  env?: Record<string, string>;
}

const running = new Set<ChildProcess>();

function environment(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: databaseUrl, ...RUN_SETTINGS, ...extra };
}

export async function startInstance({ name, databaseUrl, env = {} }: InstanceOptions): Promise<Instance> {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const port = await freePort();
  const out = openSync(logFile, 'w');
  const [command, ...args] = POSTBAG_COMMAND;
  const child = spawn(command, [...args, 'serve'], {
    cwd: projectDir,
    env: environment(databaseUrl, { PORT: String(port), ...env }),
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, at: performance.now() });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const lastWords = async () => {
    const lines = (await readFile(logFile, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-60);
    // An uncaught error prints "SomeError: message" (or pg's "error: message") between its stack and its fields.
    const words = lines.findLast((line) => /^[A-Za-z]*[Ee]rror(\s\[\w+\])?: /.test(line)) ?? lines.at(-1) ?? '';
    return words.slice(0, 300);
  };
  const instance: Instance = {
    name,
    url,
    client: httpClient(url),
    pid: child.pid!,
    alive: () => child.exitCode === null && child.signalCode === null,
    exited,
    signal: (signal) => child.kill(signal),
    stop: async () => {
      instance.client.close();
      if (!instance.alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
    lastWords,
  };
  await waitUntilServing(instance);
  return instance;
}

/** Polls GET / until it answers 200; fails with the log's end if the process exits or takes over 90 s. */
async function waitUntilServing(instance: Instance): Promise<void> {
  const deadline = performance.now() + 90_000;
  while (performance.now() < deadline) {
    if (!instance.alive()) throw new Error(`Postbag instance ${instance.name} exited while starting: ${await instance.lastWords()}`);
    const outcome = await instance.client.send({ method: 'GET', path: '/', timeoutMs: 5_000 });
    if (outcome.status === 200) return;
    await sleep(200);
  }
  await instance.stop();
  throw new Error(`Postbag instance ${instance.name} did not serve within 90 s: ${await instance.lastWords()}`);
}

/** Runs a `postbag` command (e.g. set-password) against the database, with `input` on its standard input. */
export async function runPostbag(args: string[], databaseUrl: string, input = ''): Promise<void> {
  const [command, ...rest] = POSTBAG_COMMAND;
  const child = spawn(command, [...rest, ...args], { cwd: projectDir, env: environment(databaseUrl), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`postbag ${args.join(' ')} exited with ${code}:\n${output}`);
}

/** Kills (SIGKILL) every instance still running: what a failed or interrupted scenario left behind. */
export function killLeftoverInstances(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** A port nothing listens on now (the kernel's choice for port 0, released again). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
