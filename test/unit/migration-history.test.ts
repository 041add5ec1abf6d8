// What Postbag tells the author about migrations, built from the history rows alone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { blockedByFailed, databaseMessage, historyWarnings, type AppliedRow, type HistoryRow, type MigrationFile } from '../../src/db/migration-history.ts';

function databaseError(fields: Partial<pg.DatabaseError> & { message: string }): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(fields.message, 0, 'error'), fields);
}

const file = (name: string, checksum: string): MigrationFile => ({ name, file: `/app/prisma/migrations/${name}/migration.sql`, sql: '', checksum });
const row = (name: string, fields: Partial<HistoryRow> = {}): HistoryRow => ({
  id: '00000000-0000-4000-8000-000000000000',
  migration_name: name,
  checksum: 'aaa',
  started_at: new Date('2026-11-25T07:32:22.243Z'),
  finished_at: new Date('2026-11-25T07:32:22.407Z'),
  rolled_back_at: null,
  logs: null,
  ...fields,
});

describe('databaseMessage', () => {
  test('shows the line of the script that a syntax error points at', () => {
    const sql = 'CREATE TABLE a (id int);\nCREATE TABLEE b (id int);\n';
    const err = databaseError({ message: 'syntax error at or near "TABLEE"', code: '42601', position: String(sql.indexOf('TABLEE') + 1) });
    assert.equal(databaseMessage(err, sql), 'ERROR: syntax error at or near "TABLEE"\nLINE 2: CREATE TABLEE b (id int);');
  });

  test('keeps the detail and hint the database gives', () => {
    const err = databaseError({ message: 'could not create unique index "x"', detail: 'Key (a)=(1) is duplicated.', hint: 'Remove the duplicates.' });
    assert.equal(databaseMessage(err, ''), 'ERROR: could not create unique index "x"\nDETAIL: Key (a)=(1) is duplicated.\nHINT: Remove the duplicates.');
  });
});

describe('blockedByFailed', () => {
  test('lists every failed migration with its recorded error, then what to do for each', () => {
    const failed = [
      row('20270101000000_a', { finished_at: null, logs: 'Database error:\nERROR: boom\n' }),
      row('20270102000000_b', { finished_at: null, logs: null }),
    ];
    const { message } = blockedByFailed(failed, '/app/prisma/migrations');
    assert.match(
      message,
      /^Migration 20270101000000_a failed \(2026-11-25 07:32:22 UTC\), and no migration is applied until it is marked rolled back\.\nDatabase error:\nERROR: boom\n\n/,
    );
    assert.match(message, /Migration 20270102000000_b failed .*\n\(no error was recorded\)/);
    assert.match(
      message,
      /1\. Fix the SQL in \/app\/prisma\/migrations\/20270101000000_a\/migration\.sql and \/app\/prisma\/migrations\/20270102000000_b\/migration\.sql\./,
    );
    assert.match(message, /postbag migrate --rolled-back 20270101000000_a\n.*postbag migrate --rolled-back 20270102000000_b\n/);
  });
});

describe('historyWarnings', () => {
  const applied = (name: string, checksum: string) => row(name, { checksum }) as AppliedRow;

  test('says nothing when every applied migration is in the folder unchanged', () => {
    assert.deepEqual(historyWarnings([file('1_a', 'aaa'), file('2_b', 'bbb')], [applied('1_a', 'aaa')], '/app/prisma/migrations'), []);
  });

  test('names the file of an applied migration that changed since, and says what to do', () => {
    const [warning, ...more] = historyWarnings([file('1_a', 'changed')], [applied('1_a', 'aaa')], '/app/prisma/migrations');
    assert.deepEqual(more, []);
    assert.match(warning!, /^\/app\/prisma\/migrations\/1_a\/migration\.sql changed after it was applied \(2026-11-25 07:32:22 UTC\)\./);
    assert.match(warning!, /the change is not applied\. Put the file back as it was, and make schema changes in a new migration/);
  });

  test('names an applied migration that the folder lacks', () => {
    assert.deepEqual(historyWarnings([], [applied('9_newer', 'aaa')], '/app/prisma/migrations'), [
      'The database has migration 9_newer (applied 2026-11-25 07:32:22 UTC), which /app/prisma/migrations lacks: a newer Postbag probably applied it. Carrying on.',
    ]);
  });
});
