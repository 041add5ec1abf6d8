#!/usr/bin/env node
// The `postbag` command. It runs the compiled JavaScript in dist/, which `npm install` builds
// (`npm run build` after changing src/; `npm run dev` serves the sources through tsx instead).
import { existsSync } from 'node:fs';
import v8 from 'node:v8';

// Prisma's query compiler is WebAssembly; compiling it a second time, optimised, held 25 MB more
// at every start for no measurable gain (Prisma keeps each query's plan). Set before it loads.
v8.setFlagsFromString('--liftoff-only');

const cli = new URL('../dist/main.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('Postbag is not built: run `npm run build` in its folder (`npm install` does it too).');
  process.exit(1);
}
await import(cli.href);
