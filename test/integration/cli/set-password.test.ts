// `postbag set-password`, with the password on standard input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkAuthorPassword } from '../../../src/admin/password.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { postbag } from '../../helpers/postbag.ts';

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

async function setPassword(stdin: string): Promise<{ code: number; output: string }> {
  const { code, out, err } = await postbag(['set-password'], { DATABASE_URL: database.url }, stdin);
  return { code, output: out + err };
}

describe('postbag set-password', () => {
  test('reads one line from standard input and sets the password', async () => {
    const result = await setPassword('a long enough passphrase\nignored second line\n');
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /The password is set/);
    assert.equal(await checkAuthorPassword(database.db, 'a long enough passphrase'), true);
    assert.equal(await checkAuthorPassword(database.db, 'ignored second line'), false);
  });

  test('refuses a short password and says why', async () => {
    const result = await setPassword('short\n');
    assert.equal(result.code, 1);
    assert.match(result.output, /at least 12 characters/);
    assert.doesNotMatch(result.output, /at .*\.ts:\d+/, 'no stack trace for a user mistake');
  });

  test('refuses empty input', async () => {
    const result = await setPassword('');
    assert.equal(result.code, 1);
    assert.match(result.output, /No password on standard input/);
  });
});
