// The `postbag` command run in the test's own process (src/cli.ts's runPostbag), with its
// settings, standard input and output given here: as fast as a function call, and as the
// author would see it. test/integration/cli/binary.test.ts runs the real binary once per command.
import { Readable } from 'node:stream';
import { runPostbag } from '../../src/cli.ts';

export interface PostbagRun {
  code: number;
  out: string;
  err: string;
}

export async function postbag(args: readonly string[], env: Record<string, string>, stdin = ''): Promise<PostbagRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPostbag(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stdin: Readable.from([stdin]) as unknown as NodeJS.ReadStream,
    env: { LOG_LEVEL: 'silent', ...env },
  });
  return { code, out: out.map((line) => `${line}\n`).join(''), err: err.map((line) => `${line}\n`).join('') };
}
