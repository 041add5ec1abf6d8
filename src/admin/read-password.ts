// How `postbag set-password` gets the password: asked twice, unechoed, on a terminal; or one
// line from standard input otherwise (`echo "$PW" | postbag set-password`, a secrets manager).
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { PasswordError } from './password.ts';

export async function readNewPassword(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) return firstLine(input);
  const first = await ask(input, output, 'New password: ');
  const second = await ask(input, output, 'Again, to be sure: ');
  if (first !== second) throw new PasswordError('The two passwords differ; nothing was changed.');
  return first;
}

async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new PasswordError('No password on standard input; nothing was changed.');
}

async function ask(input: NodeJS.ReadStream, output: NodeJS.WriteStream, prompt: string): Promise<string> {
  output.write(prompt);
  // Typed characters must not appear on the screen: readline writes them to a muted stream.
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    output.write('\n');
  }
}
