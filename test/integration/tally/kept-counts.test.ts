// PostgreSQL keeps each survey's tally counted as replies change (the migration
// kept_tally_counts). Whoever writes — the app, a tool, the author in psql — the kept counts
// must equal a count from scratch, and a reader who names one client twice counts once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { namesInUse } from '../../../src/catalog/mapping.ts';
import { nameKey } from '../../../src/catalog/normalise.ts';
import { poolOf } from '../../../src/db/client.ts';
import { surveySchema } from '../../../src/surveys/schema.ts';
import { recordTallyQuestions } from '../../../src/tally/questions.ts';
import { purge } from '../../../src/retention/purge.ts';
import { computeTally } from '../../../src/tally/service.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReply, type AnswerRecord } from '../../helpers/replies.ts';

const t = useTestApp();
const SURVEY = 'leaving-session';

const client = (scope: string, value: string): AnswerRecord => ({ questionId: 'clients', scope, value, nameKey: nameKey(value) });
const other = (value: string): AnswerRecord => ({ questionId: 'messengers', value, isOther: true, nameKey: nameKey(value) });
const picked = (...ids: string[]): AnswerRecord[] => ids.map((value) => ({ questionId: 'messengers', value }));

/** The kept counts of the survey (published, and waiting replies' names summed), as text rows. */
const KEPT_ROWS = `
  SELECT concat_ws(' | ', question_id, scope, item, spelling, readers) AS row FROM tally_count WHERE survey_slug = $1
  UNION ALL SELECT concat_ws(' | ', question_id, scope, items, readers) FROM tally_combination WHERE survey_slug = $1
  UNION ALL SELECT concat_ws(' | ', 'waiting', question_id, scope, item, spelling, sum(delta)) FROM tally_waiting_delta WHERE survey_slug = $1
    GROUP BY question_id, scope, item, spelling HAVING sum(delta) <> 0`;

/** The kept rows, sorted by JavaScript. */
async function keptRows(): Promise<string[]> {
  const { rows } = await poolOf(t.db).query<{ row: string }>(KEPT_ROWS, [SURVEY]);
  return rows.map((r) => r.row).sort();
}

/** The rows a count from scratch gives, in a transaction that is then rolled back. */
async function rowsFromScratch(): Promise<string[]> {
  const connection = await poolOf(t.db).connect();
  try {
    await connection.query('BEGIN');
    await connection.query('SELECT tally_rebuild($1::text[])', [[SURVEY]]);
    const { rows } = await connection.query<{ row: string }>(KEPT_ROWS, [SURVEY]);
    return rows.map((r) => r.row).sort();
  } finally {
    await connection.query('ROLLBACK');
    connection.release();
  }
}

async function assertKeptAsFromScratch(after: string): Promise<void> {
  assert.deepEqual(await keptRows(), await rowsFromScratch(), `after ${after}`);
}

describe('the counts PostgreSQL keeps for the tally', () => {
  test('equal a count from scratch after every kind of change', async () => {
    const pool = poolOf(t.db);
    const both = await storeReply(t.db, {
      status: 'approved',
      answers: [
        ...picked('matrix', 'xmpp'),
        client('matrix', 'Element'),
        client('matrix', 'element desktop'),
        client('xmpp', 'Gajim'),
        other('Signal'),
        { questionId: 'why', value: 'Rooms of my own.' },
      ],
      consentQuote: true,
    });
    const typo = await storeReply(t.db, { status: 'approved', answers: [...picked('matrix'), client('matrix', 'Elemnt'), client('matrix', 'FluffyChat')] });
    const waiting = await storeReply(t.db, { status: 'pending', answers: [...picked('matrix', 'deltachat'), client('matrix', 'elemnt')] });
    await assertKeptAsFromScratch('storing replies');
    assert.ok((await keptRows()).includes('waiting | clients | matrix | typed:elemnt | elemnt | 1'), "a waiting reply's typed name is kept");

    await t.db.reply.update({ where: { id: waiting.id }, data: { status: 'approved' } });
    await assertKeptAsFromScratch('an approval');

    const kind = { catalog: SURVEY, scope: 'matrix', kind: 'client' };
    const element = await t.db.catalogName.findFirstOrThrow({ where: { ...kind, name: 'Element' } });
    await t.db.catalogAlias.create({ data: { ...kind, key: nameKey('Elemnt'), nameId: element.id, mappedAt: new Date() } });
    await assertKeptAsFromScratch('mapping a spelling');

    const fluffy = await t.db.catalogName.findFirstOrThrow({ where: { ...kind, name: 'FluffyChat' } });
    await t.db.catalogAlias.update({ where: { catalog_scope_kind_key: { ...kind, key: nameKey('Elemnt') } }, data: { nameId: fluffy.id } });
    await assertKeptAsFromScratch('mapping it to another name');

    await t.db.answer.updateMany({ where: { replyId: typo.id, value: 'FluffyChat' }, data: { value: 'Nheko', nameKey: nameKey('Nheko') } });
    await assertKeptAsFromScratch("the author's correction");

    await t.db.answer.deleteMany({ where: { replyId: both.id, questionId: 'messengers', value: 'xmpp' } });
    await t.db.answer.create({ data: { replyId: both.id, questionId: 'messengers', scope: '', position: 9, value: 'deltachat' } });
    await assertKeptAsFromScratch("a reader's edit");

    await t.db.reply.update({ where: { id: waiting.id }, data: { consentQuote: true } });
    await t.db.answer.create({ data: { replyId: waiting.id, questionId: 'why', scope: '', position: 0, value: 'Friends are there.' } });
    await assertKeptAsFromScratch('a quote consented to');
    await t.db.reply.update({ where: { id: both.id }, data: { consentQuote: false } });
    await assertKeptAsFromScratch('a consent withdrawn');

    await t.db.catalogName.delete({ where: { id: fluffy.id } });
    await assertKeptAsFromScratch('deleting a name with its spellings');

    await t.db.reply.update({ where: { id: both.id }, data: { status: 'rejected' } });
    await assertKeptAsFromScratch('withdrawing an approval');

    await pool.query('DELETE FROM reply WHERE id = $1', [typo.id]);
    await assertKeptAsFromScratch('deleting a reply');
    assert.ok((await keptRows()).length > 0, 'the last reply still counts');
  });

  test('count a reader who names one client in two spellings once', async () => {
    await storeReply(t.db, { status: 'approved', answers: [...picked('matrix'), client('matrix', 'Element'), client('matrix', 'element desktop')] });
    await storeReply(t.db, { status: 'approved', answers: [...picked('matrix'), client('matrix', 'Element')] });
    const tally = await computeTally(t.db, t.surveys.get(SURVEY)!);
    const text = JSON.stringify(tally);
    assert.match(text, /"label":"Element","readers":2/);
    await assertKeptAsFromScratch('two replies');
  });

  test('stay right when many approvals run at once', async () => {
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => storeReply(t.db, { answers: [...picked('matrix', 'xmpp'), client('matrix', i % 2 ? 'Element' : 'Nheko')] })),
    );
    await Promise.all(replies.map((r) => t.db.reply.update({ where: { id: r.id }, data: { status: 'approved' } })));
    await assertKeptAsFromScratch('approvals at once');
    const [row] = (await poolOf(t.db).query<{ readers: number }>(`SELECT readers FROM tally_count WHERE survey_slug = $1 AND item = 'option:matrix'`, [SURVEY]))
      .rows;
    assert.equal(row?.readers, 12);
  });

  test("fold the waiting replies' changes together without losing one", async () => {
    await storeReply(t.db, { answers: [...picked('matrix'), client('matrix', 'Tiny Matrix Chat')] });
    // As 1,200 replies sent one by one would leave them (one row of changes each).
    await poolOf(t.db).query(
      `INSERT INTO tally_waiting_delta (survey_slug, question_id, scope, item, spelling, delta)
       SELECT $1, 'clients', 'matrix', 'typed:tinymatrixchat', 'Tiny Matrix Chat', 1 FROM generate_series(1, 1200)`,
      [SURVEY],
    );
    const { unmatched } = await namesInUse(t.db, t.surveys);
    assert.equal(unmatched.find((name) => name.key === 'tinymatrixchat')?.replies, 1201);
    const { rows } = await poolOf(t.db).query<{ rows: number }>('SELECT count(*)::int AS rows FROM tally_waiting_delta');
    assert.equal(rows[0]?.rows, 1, 'folded into one row');

    // The hourly purge folds whatever there is, so that the rows stay few without the page.
    await storeReply(t.db, { answers: [...picked('matrix'), client('matrix', 'Tiny Matrix Chat')] });
    const purged = await purge(t.db, { rejectedAfterDays: 30, floodWindowMs: 600_000 });
    assert.deepEqual(purged.at(-1), { what: 'rows of name counts folded into others', count: 1 });
    assert.equal((await namesInUse(t.db, t.surveys)).unmatched.find((name) => name.key === 'tinymatrixchat')?.replies, 1202);
  });

  test('let an approval and an edit of a published reply take turns instead of deadlocking', async () => {
    // The edit replaces the published reply's answers in two statements, the approval runs
    // between them: both write the same counts, in different orders (found in review).
    const pool = poolOf(t.db);
    const published = await storeReply(t.db, { status: 'approved', consentQuote: true, answers: [{ questionId: 'why', value: 'Old words.' }] });
    const waiting = await storeReply(t.db, { consentQuote: true, answers: [...picked('matrix'), { questionId: 'why', value: 'Mine.' }] });
    const edit = await pool.connect();
    const approval = await pool.connect();
    try {
      for (const connection of [edit, approval]) await connection.query(`SET lock_timeout = '10s'`);
      await edit.query('BEGIN');
      await edit.query('DELETE FROM answer WHERE reply_id = $1', [published.id]);
      await approval.query('BEGIN');
      const approving = approval.query(`UPDATE reply SET status = 'approved', moderated_at = now() WHERE id = $1`, [waiting.id]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await edit.query(
        `INSERT INTO answer (reply_id, question_id, scope, position, value) VALUES ($1, 'messengers', '', 0, 'matrix'), ($1, 'why', '', 0, 'New words.')`,
        [published.id],
      );
      await edit.query('COMMIT');
      await approving;
      await approval.query('COMMIT');
    } finally {
      await edit.query('ROLLBACK').catch(() => undefined);
      await approval.query('ROLLBACK').catch(() => undefined);
      edit.release();
      approval.release();
    }
    await assertKeptAsFromScratch('an edit and an approval at once');
  });

  test('let a count from scratch and an approval made meanwhile both finish', async () => {
    const waiting = await storeReply(t.db, { answers: picked('matrix') });
    await storeReply(t.db, { status: 'approved', answers: picked('xmpp') });
    const pool = poolOf(t.db);
    const approval = await pool.connect();
    try {
      await approval.query(`SET lock_timeout = '10s'`);
      await approval.query('BEGIN');
      await approval.query(`UPDATE reply SET status = 'approved' WHERE id = $1`, [waiting.id]);
      // As a start with a changed survey file counts it again, while another instance approves.
      const rebuilding = pool.query('SELECT tally_rebuild($1::text[])', [[SURVEY]]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await approval.query('COMMIT');
      await rebuilding;
    } finally {
      await approval.query('ROLLBACK').catch(() => undefined);
      approval.release();
    }
    await assertKeptAsFromScratch('a rebuild beside an approval');
    const [row] = (await pool.query<{ readers: number }>(`SELECT readers FROM tally_count WHERE survey_slug = $1 AND item = 'option:matrix'`, [SURVEY])).rows;
    assert.equal(row?.readers, 1);
  });

  test('are emptied with the replies', async () => {
    await storeReply(t.db, { status: 'approved', answers: picked('matrix', 'xmpp') });
    await poolOf(t.db).query('TRUNCATE reply CASCADE');
    await storeReply(t.db, { status: 'approved', answers: picked('matrix') });
    assert.deepEqual(await keptRows(), ['messengers |  |  |  | 1', 'messengers |  | option:matrix |  | 1']);
  });

  test('follow a survey file: recorded after its replies, then with a question changed', async () => {
    const survey = (multiple: boolean) =>
      surveySchema.parse({
        slug: 'editors',
        title: 'Editors',
        published: '2026-10-01',
        open: true,
        questions: [{ id: 'editor', kind: 'choice', multiple, label: 'Which?', options: ['vi', 'emacs'].map((id) => ({ id, label: id })) }],
      });
    const answers = [
      { questionId: 'editor', value: 'vi' },
      { questionId: 'editor', value: 'emacs' },
    ];
    await storeReply(t.db, { survey: 'editors', status: 'approved', answers });
    await storeReply(t.db, { survey: 'editors', status: 'approved', answers: answers.slice(0, 1) });
    const rows = async () =>
      (
        await poolOf(t.db).query<{ row: string }>(`SELECT concat_ws(' ', item, readers) AS row FROM tally_count WHERE survey_slug = 'editors' ORDER BY 1`)
      ).rows.map((r) => r.row);
    const combinations = async () => (await poolOf(t.db).query(`SELECT 1 FROM tally_combination WHERE survey_slug = 'editors'`)).rowCount;
    assert.deepEqual(await rows(), [], 'nothing is counted for questions never recorded');

    await recordTallyQuestions(t.db, [survey(false)]);
    assert.deepEqual(await rows(), [' 2', 'option:emacs 1', 'option:vi 2']);
    assert.equal(await combinations(), 0);

    await recordTallyQuestions(t.db, [survey(true)]);
    assert.equal(await combinations(), 1, 'now several may be picked, the pair is counted');
  });
});
