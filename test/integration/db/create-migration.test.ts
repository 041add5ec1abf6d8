// `postbag migration <name>` writes the SQL for what changed in schema.prisma, and nothing when
// nothing did. Each test works on a copy of the prisma folder.
import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createMigration } from '../../../src/db/create-migration.ts';
import { applyMigrations, MigrationError, projectPaths } from '../../../src/db/migrations.ts';
import { emptyDatabase, query, temporaryDir } from './scratch.ts';

/** A copy of prisma/ (schema and migrations) to write into. */
async function prismaCopy(): Promise<{ schema: string; migrations: string }> {
  const dir = await temporaryDir();
  await cp(path.dirname(projectPaths.schema), dir, { recursive: true });
  return { schema: path.join(dir, 'schema.prisma'), migrations: path.join(dir, 'migrations') };
}

const listing = async (dir: string) => (await readdir(dir)).sort();

describe('createMigration', () => {
  test('writes nothing when schema.prisma matches the migrations', async () => {
    const url = await emptyDatabase();
    const paths = await prismaCopy();
    const before = await listing(paths.migrations);

    assert.equal(await createMigration(url, 'nothing_changed', paths), null);
    assert.deepEqual(await listing(paths.migrations), before);
  });

  test('writes a migration with the change, which then applies, and leaves nothing more to write', async () => {
    const url = await emptyDatabase();
    const paths = await prismaCopy();
    await writeFile(paths.schema, `${await readFile(paths.schema, 'utf8')}\nmodel Note {\n  id Int @id\n  @@map("notes")\n}\n`);

    const written = await createMigration(url, 'add_notes', paths);

    assert.ok(written !== null, 'a migration was written');
    assert.match(path.basename(written), /^\d{14}_add_notes$/);
    assert.match(await readFile(path.join(written, 'migration.sql'), 'utf8'), /CREATE TABLE "notes"/);
    assert.deepEqual(await listing(paths.migrations), [...(await listing(projectPaths.migrations)), path.basename(written)].sort());
    // The database given is only the shadow databases' server: it is left as it was.
    assert.deepEqual(await query(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`), []);

    assert.ok((await applyMigrations(url, () => {}, paths.migrations)).includes(path.basename(written)));
    assert.equal(await createMigration(url, 'again', paths), null);
  });

  test('refuses a name that is not lowercase letters, digits and underscores', async () => {
    for (const name of ['Add-Notes', '../escape', '', 'with space']) {
      await assert.rejects(
        createMigration('postgresql://unused', name),
        (err: Error) => err instanceof MigrationError && /lowercase letters/.test(err.message),
      );
    }
  });
});
