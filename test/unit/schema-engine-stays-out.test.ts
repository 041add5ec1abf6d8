// Every start applies migrations, so nothing that `postbag` loads as it starts may bring Prisma's
// schema engine, which is driven through private parts of Prisma's packages that any release may
// change. Only `postbag migration` loads it, through a dynamic import.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));
const ENGINE = ['@prisma/schema-engine-wasm', path.join(srcDir, 'db', 'schema-engine.ts')];

/** What loading `entry` loads: its static imports and theirs (type-only imports and `import()` left out). */
async function loadedWith(entry: string, loaded = new Set<string>()): Promise<Set<string>> {
  if (loaded.has(entry)) return loaded;
  loaded.add(entry);
  if (!path.isAbsolute(entry)) return loaded; // a package
  const source = await readFile(entry, 'utf8');
  for (const [, specifier] of source.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    await loadedWith(specifier!.startsWith('.') ? path.resolve(path.dirname(entry), specifier!) : specifier!, loaded);
  }
  return loaded;
}

const loadsEngine = (loaded: Set<string>) => [...loaded].filter((file) => ENGINE.some((engine) => file.startsWith(engine)));

test("starting postbag (serve, migrate, every command) loads none of Prisma's schema engine", async () => {
  assert.deepEqual(loadsEngine(await loadedWith(path.join(srcDir, 'cli.ts'))), []);
});

test('writing a migration does load it (so the check above can see it)', async () => {
  assert.notDeepEqual(loadsEngine(await loadedWith(path.join(srcDir, 'db', 'create-migration.ts'))), []);
});
