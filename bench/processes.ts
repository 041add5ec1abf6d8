// The processes the benchmark measures: Postbag itself, started as `npm start` starts it, and
// the bare floor servers (floor.ts). Each is a child with its own pid, so its peak memory
// (VmHWM) is its own, and it is stopped by that pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../src/db/embedded.ts';

export const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** How Postbag is started: node with these arguments, from the project folder — what `npm start` runs (the build in dist/). */
export const SERVER_ARGS = ['bin/postbag.js', 'serve'];

export interface Child {
  pid: number;
  url: string;
  /** From spawning to the first answered request. */
  startMs: number;
  /** Peak and current resident memory, from /proc/<pid>/status (MB). */
  memory(): Promise<{ peakMb: number; nowMb: number }>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** Node's arguments: a script and its own. */
  args: string[];
  env: Record<string, string>;
  port: number;
  /** Where its standard output and error go (the server's request log). */
  logFile: string;
  /** Node flags before the script, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Spawn this command instead of node (e.g. npm); it runs in its own process group. */
  command?: { file: string; args: string[] };
  /** The address that must answer (any status) for the child to count as started. */
  readyPath?: string;
}

export async function startChild({ args, env, port, logFile, nodeFlags = [], command, readyPath = '/healthz' }: ChildOptions): Promise<Child> {
  const log = openSync(logFile, 'a');
  const started = process.hrtime.bigint();
  const child = command
    ? spawn(command.file, command.args, { cwd: projectDir, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true })
    : spawn(process.execPath, [...nodeFlags, ...args], { cwd: projectDir, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  let startMs: number;
  for (;;) {
    const answered = await fetch(url + readyPath, { signal: AbortSignal.timeout(2_000) }).then(
      async (res) => (await res.arrayBuffer(), true),
      () => false,
    );
    if (answered) {
      startMs = Number(process.hrtime.bigint() - started) / 1e6;
      break;
    }
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode} before answering; see ${logFile}`);
    await sleep(10);
  }
  const pid = child.pid!;
  return {
    pid,
    url,
    startMs,
    memory: async () => memoryOf(command ? await serverPid(pid) : pid),
    stop: () => stop(child, exited, Boolean(command)),
  };
}

async function stop(child: ChildProcess, exited: Promise<number | null>, group: boolean): Promise<void> {
  if (child.exitCode !== null) return;
  // A command run through npm is a group (npm, a shell, node): each gets the signal, as from a terminal.
  const signal = (name: NodeJS.Signals) => (group ? process.kill(-child.pid!, name) : child.kill(name));
  signal('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
  if (!done) {
    signal('SIGKILL');
    await exited;
  }
}

export async function memoryOf(pid: number): Promise<{ peakMb: number; nowMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, nowMb: kb('VmRSS') / 1024 };
}

/** The node process at the bottom of a process tree (npm → sh → node). */
async function serverPid(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean);
  return children.length === 0 ? pid : serverPid(Number(children[0]));
}

/**
 * Postbag as `npm start` runs it, on a free port, with the flood limits and the form's minimum
 * time raised through its settings only; `profileDir`: under --cpu-prof, writing there.
 */
export async function startPostbag({
  databaseUrl,
  surveysDir,
  logFile,
  profileDir,
}: {
  databaseUrl: string;
  surveysDir: string;
  logFile: string;
  profileDir?: string;
}): Promise<Child> {
  const port = await freePort();
  return startChild({
    args: SERVER_ARGS,
    nodeFlags: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    env: {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      GEMINI_PORT: '0',
      SURVEYS_DIR: surveysDir,
      CLIENT_REPLY_LIMIT: '9999999/1m',
      GLOBAL_REPLY_LIMIT: '9999999/1m',
      FORM_MIN_SECONDS: '0',
    },
    port,
    logFile,
  });
}
