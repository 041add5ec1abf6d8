// `npm test`: gives the suite a real PostgreSQL server and runs node's test runner on every
// test file (Node 20's runner has no glob, and `--test test/` silently runs nothing).
// The server is TEST_DATABASE_URL's when set, else an embedded one in a temporary folder.
// Migrations are applied once to a template database; each test file clones it. The CLI tests
// run bin/postbag.js, the compiled command: dist/ is brought up to date first (`tsc -b` rebuilds
// only what changed since the last build, and checks that in about half a second).
//   npm test                          test/unit and test/integration
//   npm test -- test/http/x.test.ts   some files (or folders)
//   npm run test:browser              test/e2e: Chromium and LibreOffice walks, a minute or more;
//                                     kept out of `npm test`, which CI runs three times over
import { spawn, spawnSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '../src/db/migrations.ts';
import { withClient } from '../src/db/with-client.ts';
import { scratchServer } from './helpers/scratch-server.ts';
import { withDatabaseName } from './helpers/urls.ts';

const testDir = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.dirname(testDir);

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? testFiles(path.join(dir, e.name)) : Promise.resolve(e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []))),
  );
  return nested.flat().sort();
}

const targets = process.argv.length > 2 ? process.argv.slice(2) : ['unit', 'integration'].map((folder) => path.join(testDir, folder));
const files = (await Promise.all(targets.map(async (target) => ((await stat(target)).isDirectory() ? testFiles(target) : [target])))).flat();
if (spawnSync('npm', ['run', '-s', 'build'], { cwd: projectDir, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
const server = await scratchServer(process.env.TEST_DATABASE_URL, 'test');
const { serverUrl } = server;
console.log(`# PostgreSQL: ${server.embedded ? 'embedded' : 'TEST_DATABASE_URL'}`);

const template = `postbag_test_${process.pid}`;
let exitCode: number;
try {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${template}`));
  await applyMigrations(withDatabaseName(serverUrl, template));
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: serverUrl, POSTBAG_TEST_TEMPLATE: template },
  });
  exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
} finally {
  await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${template}%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
  await server.stop();
}
process.exitCode = exitCode;
