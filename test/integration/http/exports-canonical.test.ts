// The exports give each typed name as the reader typed it and as the known name it counts as, so
// that the author's spreadsheet counts what the tally counts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp();

/** The CSV as rows of named cells (every cell is quoted; none here holds a comma, a quote or a line break). */
function csvRows(text: string): Record<string, string>[] {
  const [header, ...rows] = text
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(',').map((cell) => cell.replace(/^"(.*)"$/, '$1')));
  return rows.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

describe('exports with canonical names', () => {
  test('each typed name comes with the known name it counts as, after a mapping too', async () => {
    await storeReply(t.db, {
      status: 'approved',
      answers: [
        { questionId: 'messengers', value: 'matrix' },
        { questionId: 'messengers', value: 'Threema', isOther: true, nameKey: 'threema' },
        { questionId: 'clients', scope: 'matrix', value: 'element desktop', nameKey: 'elementdesktop' },
        { questionId: 'clients', scope: 'matrix', value: 'Elemnt X', nameKey: 'elemntx' },
      ],
    });
    const { agent, csrf } = await signedIn(t.app, t.db);
    const [before] = csvRows((await agent.get('/admin/exports/leaving-session.csv').expect(200)).text);
    assert.equal(before!['clients.matrix'], 'element desktop; Elemnt X');
    assert.equal(before!['clients.matrix.canonical'], 'Element; Elemnt X', 'unmatched: as typed');
    assert.equal(before!['messengers.canonical'], 'matrix; Threema');

    await agent
      .post('/admin/names/map')
      .type('form')
      .send({ _csrf: csrf, catalog: 'leaving-session', scope: 'matrix', kind: 'client', key: 'elemntx', name: 'Element X' })
      .expect(303);
    const [after] = csvRows((await agent.get('/admin/exports/leaving-session.csv').expect(200)).text);
    assert.equal(after!['clients.matrix'], 'element desktop; Elemnt X', 'what the reader typed stays');
    assert.equal(after!['clients.matrix.canonical'], 'Element; Element X');

    const json = JSON.parse((await agent.get('/admin/exports/leaving-session.json').expect(200)).text) as {
      replies: { answers: { question: string; value: string; canonical: string | null }[] }[];
    };
    assert.deepEqual(
      json.replies[0]!.answers.map((a) => [a.question, a.value, a.canonical]),
      [
        ['clients', 'element desktop', 'Element'],
        ['clients', 'Elemnt X', 'Element X'],
        ['messengers', 'matrix', null],
        ['messengers', 'Threema', 'Threema'],
      ],
    );
  });
});
