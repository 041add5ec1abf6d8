// Reads the server's CPU profile (node --cpu-prof) and sums its time per part of the stack:
// each package under node_modules, each Postbag module, Node's own internals, the garbage
// collector. A sample goes to the nearest package or Postbag module on its stack (native code
// and Node's internals work for whoever called them: a log line written is pino's), else to
// where it was. Idle time is left out, so the shares are of the time spent working.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  part: string;
  ms: number;
  percent: number;
  /** Its costliest functions. */
  functions: string[];
}

/** Where a frame belongs: a package, a Postbag file, or one of V8's pseudo-frames. */
function partOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (url === '') return functionName === '(garbage collector)' || functionName === '(idle)' || functionName === '(program)' ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const [scopeOrName = '', name = ''] = url.slice(modules + 'node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]!.split(':')[0]}`;
  const src = url.indexOf('/src/');
  return src !== -1 ? `postbag ${url.slice(src + 1)}` : url;
}

export async function profileSummary(dir: string, top = 20): Promise<{ text: string; top: ProfileShare[] }> {
  // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile: thread 0 is the main thread (others: the module loader's).
  const files = (await readdir(dir)).filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  const parts = new Map<string, { us: number; functions: Map<string, number> }>();
  let working = 0;
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((child) => [child, n] as const)));
    const owner = (leaf: ProfileNode): { part: string; node: ProfileNode } => {
      for (let node: ProfileNode | undefined = leaf; node; node = parent.get(node.id)) {
        const part = partOf(node.callFrame);
        if (!part.startsWith('(') && !part.startsWith('node:')) return { part, node };
      }
      return { part: partOf(leaf.callFrame), node: leaf };
    };
    profile.samples.forEach((id, i) => {
      const { part, node } = owner(byId.get(id)!);
      if (part === '(idle)') return;
      const us = profile.timeDeltas[i] ?? 0;
      working += us;
      const entry = parts.get(part) ?? { us: 0, functions: new Map<string, number>() };
      entry.us += us;
      const fn = node.callFrame.functionName || '(anonymous)';
      entry.functions.set(fn, (entry.functions.get(fn) ?? 0) + us);
      parts.set(part, entry);
    });
  }
  const shares = [...parts]
    .map(([part, { us, functions }]) => ({
      part,
      ms: us / 1000,
      percent: (100 * us) / working,
      functions: [...functions]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([fn, fus]) => `${fn} ${((100 * fus) / working).toFixed(1)}%`),
    }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
  const text = shares.map((s) => `  ${s.percent.toFixed(1).padStart(5)}%  ${s.part}  (${s.functions.join(', ')})`).join('\n');
  return { text: `  of ${(working / 1e6).toFixed(1)} s working (not idle):\n${text}`, top: shares };
}
