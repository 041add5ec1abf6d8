// `postbag migrate` on a database that has none of Postbag's tables yet, then once more; and
// `--rolled-back` refusing a migration that did not fail.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { withClient } from '../../../src/db/with-client.ts';
import { postbag } from '../../helpers/postbag.ts';
import { withDatabaseName } from '../../helpers/urls.ts';

const serverUrl = process.env.TEST_DATABASE_URL!;
const name = `${process.env.POSTBAG_TEST_TEMPLATE}_empty_${randomBytes(3).toString('hex')}`;

before(() => withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`)));
after(() => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));

const migrate = (...args: string[]) => postbag(['migrate', ...args], { DATABASE_URL: withDatabaseName(serverUrl, name), LOG_LEVEL: 'warn' });

describe('postbag migrate', () => {
  test('applies the pending migrations, then finds nothing more to do', async () => {
    const first = await migrate();
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^Applied: \d{14}_init/m);
    const again = await migrate();
    assert.match(again.out, /The database is up to date\./);
  });

  test('--rolled-back refuses a migration that did not fail, with a message and no stack trace', async () => {
    await migrate();
    const refused = await migrate('--rolled-back', '20261124205103_init');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /^Migration 20261124205103_init was applied .* only a failed migration can be marked rolled back\.\n$/);
  });
});
