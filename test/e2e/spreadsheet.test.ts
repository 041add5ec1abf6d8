// The CSV export opened in a real spreadsheet: LibreOffice Calc imports it headless with a
// comma, a semicolon or a tab as the separator and saves it as flat XML (.fods), where a
// formula would show as a table:formula attribute. Needs Debian's libreoffice-calc-nogui
// (.ci/run installs it); without it the test is skipped and says why.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { signedIn, storeReply } from '../helpers/admin.ts';
import { useTestApp } from '../helpers/app.ts';

const SOFFICE = '/usr/bin/soffice';
const skip = existsSync(SOFFICE) ? false : `no LibreOffice at ${SOFFICE} (apt-get install libreoffice-calc-nogui)`;
const run = promisify(execFile);
const t = useTestApp();

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'postbag-spreadsheet-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** LibreOffice's CSV import options: separator, text delimiter (") and charset (UTF-8), first line 1. */
const separators = { comma: 'CSV:44,34,76,1', semicolon: 'CSV:59,34,76,1', tab: 'CSV:9,34,76,1' };

/** What readers (or the author's corrections) could store, the cell it must become, and the formulas hidden in it. */
const hostile = [
  { field: 'provider', value: 'a;=1+1;b', cell: "a;'=1+1;b", formulas: ['=1+1'] },
  { field: 'why', value: 'x\t=3+3\tz', cell: "x\t'=3+3\tz", formulas: ['=3+3'] },
  { field: 'display name', value: '=HYPERLINK("http://evil.example","prize")', cell: '\'=HYPERLINK("http://evil.example","prize")', formulas: ['=HYPERLINK('] },
  { field: 'compare', value: 'fine\n=5+5', cell: "fine\n'=5+5", formulas: ['=5+5'] },
  { field: 'client', value: 'one =6+6|=7+7,=8+8', cell: "one '=6+6|'=7+7,'=8+8", formulas: ['=6+6', '=7+7', '=8+8'] },
];

/** The text of every cell of a .fods spreadsheet, with LibreOffice's spaces, tabs and breaks. */
function cellTexts(fods: string): string[] {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return [...fods.matchAll(/<table:table-cell\b[^>]*>([\s\S]*?)<\/table:table-cell>/g)].map(([, inner]) =>
    [...inner!.matchAll(/<text:p>([\s\S]*?)<\/text:p>/g)]
      .map(([, paragraph]) =>
        paragraph!
          .replace(/<text:s text:c="(\d+)"\/>/g, (_, n: string) => ' '.repeat(Number(n)))
          .replace(/<text:s\/>/g, ' ')
          .replace(/<text:tab\/>/g, '\t')
          .replace(/<text:line-break\/>/g, '\n')
          .replace(/<[^>]*>/g, '')
          .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name]!),
      )
      .join('\n'),
  );
}

async function openInCalc(csv: string, filter: string): Promise<string> {
  // A profile of its own, so the test neither reads nor writes the user's LibreOffice settings.
  const profile = pathToFileURL(path.join(dir, 'profile')).href;
  await run(SOFFICE, [`-env:UserInstallation=${profile}`, '--headless', `--infilter=${filter}`, '--convert-to', 'fods', '--outdir', dir, csv]);
  return readFile(csv.replace(/\.csv$/, '.fods'), 'utf8');
}

test('no cell of the CSV export runs as a formula in LibreOffice, opened with a comma, semicolon or tab as separator', { skip }, async () => {
  const reply = await storeReply(t.db, {
    displayName: hostile[2]!.value,
    answers: [
      { questionId: 'messengers', value: 'matrix' },
      { questionId: 'provider', scope: 'matrix', value: hostile[0]!.value },
      { questionId: 'why', value: hostile[1]!.value },
      { questionId: 'compare', value: hostile[3]!.value },
      { questionId: 'clients', scope: 'matrix', value: hostile[4]!.value },
    ],
  });
  const { agent } = await signedIn(t.app, t.db);
  const csv = (await agent.get('/admin/exports/leaving-session.csv?replies=all').expect(200)).text;

  for (const [name, filter] of Object.entries(separators)) {
    const file = path.join(dir, `${name}.csv`);
    await writeFile(file, csv);
    const fods = await openInCalc(file, filter);
    const cells = cellTexts(fods);
    const sheet = cells.join('\n');
    assert.ok(sheet.includes(reply.id), `${name}: the sheet holds the export`);
    assert.doesNotMatch(fods, /table:formula=/, `${name}: no cell is a formula`);
    for (const { field, formulas } of hostile) {
      for (const formula of formulas) assert.ok(sheet.includes(`'${formula}`), `${name}: the ${field}'s ${formula} is there as text`);
    }
    // Opened with another separator, LibreOffice splits inside quoted cells and at line breaks in
    // them (a;'=1+1;b gives three cells): the apostrophes after separators are what keep those inert.
    if (name === 'comma') {
      // Opened as written, each value is one cell: the reader's text with only the apostrophes added.
      for (const { field, cell } of hostile) assert.ok(cells.includes(cell), `${field}: one cell, ${JSON.stringify(cell)}`);
    }
  }
});
