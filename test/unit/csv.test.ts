import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvLine } from '../../src/exports/replies.ts';

describe('csvLine', () => {
  test('quotes every cell, so that separators, quotes and line breaks stay inside it', () => {
    assert.equal(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\ronly', '']), '"plain","a,b","say ""hi""","two\nlines","cr\ronly",""\r\n');
  });

  test('keeps formulas inert at the start of a cell and after anything a spreadsheet may split cells on', () => {
    assert.equal(csvLine(['=1+1', '+1', '-1', '@SUM(A1)', 'a=b', 'x-y', 'a==b']), `"'=1+1","'+1","'-1","'@SUM(A1)","a=b","x-y","a==b"\r\n`);
    assert.equal(
      csvLine(['a;=1+1;b', 'x\t=3+3\tz', 'a,+2', 'a|@3', 'one =4', 'ok\n-5', 'cr\r=6', ' \t=7']),
      `"a;'=1+1;b","x\t'=3+3\tz","a,'+2","a|'@3","one '=4","ok\n'-5","cr\r'=6"," \t'=7"\r\n`,
    );
  });
});
