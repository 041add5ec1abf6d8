// The migrations build exactly the tables that prisma/schema.prisma describes: Prisma's schema
// engine, comparing a freshly migrated database with the schema, finds nothing to change.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { applyMigrations, projectPaths } from '../../../src/db/migrations.ts';
import { NO_FILTERS, withSchemaEngine } from '../../../src/db/schema-engine.ts';
import { emptyDatabase, query } from './scratch.ts';

/** The SQL that would take the database to schema.prisma; empty when they match. */
async function drift(url: string): Promise<string> {
  const files = [{ path: projectPaths.schema, content: await readFile(projectPaths.schema, 'utf8') }];
  return withSchemaEngine(url, projectPaths.schema, async (engine) => {
    const diff = await engine.diff({
      from: { tag: 'schemaDatasource', files, configDir: '.' },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    // Exit code 2 (as `prisma migrate diff --exit-code`): there is a difference.
    return diff.exitCode === 2 ? (diff.stdout ?? '') : '';
  });
}

test('a freshly migrated database matches prisma/schema.prisma', async () => {
  const url = await emptyDatabase();
  await applyMigrations(url);
  assert.equal(await drift(url), '');
});

test('a database that strays from prisma/schema.prisma is caught', async () => {
  const url = await emptyDatabase();
  await applyMigrations(url);
  await query(url, 'CREATE TABLE stray (id int)');
  assert.match(await drift(url), /DROP TABLE "stray"/);
});
