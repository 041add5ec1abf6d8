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

const staticImport = /^(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const dynamicImport = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The modules `file` imports, statically or with `import()` (type-only imports left out). */
async function importsOf(file: string): Promise<string[]> {
  const source = await readFile(file, 'utf8');
  const specifiers = [...source.matchAll(staticImport), ...source.matchAll(dynamicImport)].map((match) => match[1]!);
  return specifiers.map((specifier) => (specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier));
}

/** What loading `entry` may load, now or later. */
async function loadedWith(entry: string, loaded = new Set<string>()): Promise<Set<string>> {
  if (loaded.has(entry)) return loaded;
  loaded.add(entry);
  if (!path.isAbsolute(entry)) return loaded; // a package
  for (const module of await importsOf(entry)) await loadedWith(module, loaded);
  return loaded;
}

const loadsEngine = (loaded: Set<string>) => [...loaded].filter((file) => ENGINE.some((engine) => file.startsWith(engine)));
const createMigration = path.join(srcDir, 'db', 'create-migration.ts');

test("no command but `postbag migration` loads Prisma's schema engine (serve and migrate included)", async () => {
  const commands = (await importsOf(path.join(srcDir, 'cli.ts'))).filter((module) => module !== createMigration);
  assert.ok(
    commands.some((module) => module.endsWith('server.ts')),
    'the check sees what serve loads',
  );
  for (const module of commands) assert.deepEqual(loadsEngine(await loadedWith(module)), [], module);
});

test('writing a migration does load it (so the check above can see it)', async () => {
  assert.notDeepEqual(loadsEngine(await loadedWith(path.join(srcDir, 'db', 'create-migration.ts'))), []);
});
