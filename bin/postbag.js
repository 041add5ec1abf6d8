#!/usr/bin/env node
// Runs Postbag's TypeScript sources directly: Postbag has no build step.
import 'tsx/esm';

await import('../src/cli.ts');
