// The `postbag` command as a process: src/cli.ts on this process's arguments and streams.
import { runPostbag } from './cli.ts';

process.exitCode = await runPostbag(process.argv.slice(2));
