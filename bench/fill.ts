// Fills a database with replies entirely in SQL (generate_series and INSERT … SELECT): a million
// replies take a minute, not the hours of a million client calls. Each call adds replies
// numbered from..to, so the benchmark grows one database from 1k to 1M replies.
//
// The mix follows fixed proportions through hashtext(), so every run builds the same data:
// several messengers per reader, clients, providers and servers spelt as in the catalog, as its
// aliases ("riot", "element desktop"), with typos ("Elemnt") and as names no catalog knows;
// one reader in three gives a name, two in five consent to quotes, every fourth explains why in
// a sentence of their own. Beside the approved replies of leaving-session, each step adds
// pending replies (the author's queue, 1 for 20 approved), a little spam, and approved replies
// to a second survey (text-editors, 1 for 100) whose tally must never be recounted because of
// the first.
import type pg from 'pg';

/** SQL for the catalog's normalised key of ASCII names (src/catalog/normalise.ts in full handles any script). */
const KEY = `lower(regexp_replace(value, '[^[:alnum:]]', '', 'g'))`;

export const secondSurvey = 'text-editors';

export interface Filled {
  approved: number;
  pending: number;
  spam: number;
  secondSurvey: number;
}

/** How many replies of each kind a database filled to `approved` holds. */
export function filledCounts(approved: number): Filled {
  return { approved, pending: Math.floor(approved / 20), spam: Math.floor(approved / 200), secondSurvey: Math.floor(approved / 100) };
}

/**
 * Adds the replies that a database filled to `from` approved replies lacks to be filled to `to`.
 * One connection (`db`), since the steps share temporary tables.
 */
export async function fillReplies(db: pg.Client, from: number, to: number): Promise<void> {
  const before = filledCounts(from);
  const after = filledCounts(to);
  // Made consistent by construction, the rows skip the foreign-key checks and the triggers (a
  // row-by-row cost); the tallies' versions and the counts per status are moved at the end.
  await db.query(`SET session_replication_role = replica`);
  // Building an index once is far cheaper than updating it for each of millions of rows.
  const rebuild = to - from >= 50_000 ? await dropIndexes(db) : [];
  await db.query('CREATE TEMP TABLE bench_new (id uuid PRIMARY KEY)');
  await addReplies(db, 'leaving-session', 'approved', before.approved, after.approved);
  await addReplies(db, 'leaving-session', 'pending', before.pending, after.pending);
  await addReplies(db, 'leaving-session', 'spam', before.spam, after.spam);
  await answerLeavingSession(db);
  await db.query('CREATE TEMP TABLE bench_counted AS TABLE bench_new');
  await db.query('TRUNCATE bench_new');
  await addReplies(db, secondSurvey, 'approved', before.secondSurvey, after.secondSurvey);
  await answerTextEditors(db);
  await db.query('INSERT INTO bench_counted SELECT * FROM bench_new');
  await db.query('DROP TABLE bench_new');
  await db.query(`SET maintenance_work_mem = '256MB'`);
  for (const definition of rebuild) await db.query(definition);
  await db.query(`SET session_replication_role = DEFAULT`);
  // What the skipped triggers would have done for the tally's kept counts, in one pass.
  await db.query('SELECT tally_refresh(ARRAY(SELECT id FROM bench_counted ORDER BY id))');
  await db.query('DROP TABLE bench_counted');
  await db.query(`SELECT bump_tally_versions(ARRAY['leaving-session', '${secondSurvey}'])`);
  await db.query(
    `INSERT INTO reply_status_delta (survey_slug, status, delta)
     VALUES ('leaving-session', 'approved', $1), ('leaving-session', 'pending', $2), ('leaving-session', 'spam', $3), ($4, 'approved', $5)`,
    [after.approved - before.approved, after.pending - before.pending, after.spam - before.spam, secondSurvey, after.secondSurvey - before.secondSurvey],
  );
  await db.query('ANALYZE');
}

/** Drops the indexes of reply and answer other than their primary keys; returns how to make them again. */
async function dropIndexes(db: pg.Client): Promise<string[]> {
  const { rows } = await db.query<{ name: string; definition: string }>(`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = 'public' AND i.tablename IN ('reply', 'answer')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`);
  for (const { name } of rows) await db.query(`DROP INDEX "${name}"`);
  return rows.map((row) => row.definition);
}

/** Replies n = from+1..to of one survey and status, remembered in bench_new for their answers. */
async function addReplies(db: pg.Client, survey: string, status: string, from: number, to: number): Promise<void> {
  if (to <= from) return;
  // Approved replies are spread over the months after the post; the queue's are the latest.
  const start = status === 'approved' ? `timestamp '2026-05-01'` : `timestamp '2026-10-01'`;
  await db.query(`
    WITH added AS (
      INSERT INTO reply (id, survey_slug, status, secret_hash, display_name, contact, consent_quote, created_at, updated_at, moderated_at)
      SELECT gen_random_uuid(), '${survey}', '${status}', md5('bench ${survey} ${status} ' || n),
        CASE WHEN n % 3 = 0 THEN (ARRAY['Ada', 'Bo', 'Chidi', 'Dana', 'Eun-ji', 'Farid', 'Grete'])[1 + n % 7] || ' ' || n END,
        CASE WHEN n % 4 = 0 THEN 'reader' || n || '@example.org' END, n % 5 < 2,
        ${start} + n * interval '15 seconds', now(),
        CASE WHEN '${status}' <> 'pending' THEN ${start} + n * interval '15 seconds' + interval '1 day' END
      FROM generate_series(${from + 1}, ${to}) AS n
      RETURNING id
    )
    INSERT INTO bench_new SELECT * FROM added`);
}

async function answerLeavingSession(db: pg.Client): Promise<void> {
  await db.query(`
    CREATE TEMP TABLE bench_pick AS
    SELECT r.id AS reply_id, o.option, o.ord,
      CASE WHEN abs(hashtext(r.id::text || 'host')) % 10 < 8 THEN 'provider' ELSE 'self-host' END AS host
    FROM bench_new r CROSS JOIN (VALUES ('matrix', 0, 700), ('xmpp', 1, 450), ('deltachat', 2, 250)) AS o(option, ord, per_mille)
    WHERE abs(hashtext(r.id::text || o.option)) % 1000 < o.per_mille`);
  await db.query(`
    INSERT INTO bench_pick SELECT id, 'matrix', 0, 'provider' FROM bench_new r WHERE NOT EXISTS (SELECT 1 FROM bench_pick p WHERE p.reply_id = r.id)`);

  const statements = [
    `INSERT INTO answer (reply_id, question_id, scope, position, value, is_other, name_key)
     SELECT reply_id, 'messengers', '', ord, option, false, NULL FROM bench_pick`,
    typed(`SELECT id AS reply_id, 'messengers' AS question_id, '' AS scope, 3 AS position, true AS is_other,
       (ARRAY['Signal', 'SimpleX', 'signal messenger', 'Briar', 'Mystery Chat', 'Signall', 'simplex chat', 'Threema'])[1 + abs(hashtext(id::text || 'other')) % 8] AS value
     FROM bench_new WHERE abs(hashtext(id::text || 'has other')) % 10 = 0`),
    typed(`SELECT p.reply_id, 'clients', p.option, n.position, false,
       c.names[1 + abs(hashtext(p.reply_id::text || n.position)) % cardinality(c.names)]
     FROM bench_pick p
     JOIN (VALUES
       ('matrix', ARRAY['Element', 'Element', 'element desktop', 'riot', 'Elemnt', 'FluffyChat', 'fluffy chat', 'Cinny', 'Nheko', 'Element X', 'gomuks', 'SchildiChat', 'My Own Client']),
       ('xmpp', ARRAY['Conversations', 'Conversations', 'Conversatons', 'Cheogram', 'monocles', 'Gajim', 'Dino', 'Profanity', 'Monal', 'psi plus', 'Movim']),
       ('deltachat', ARRAY['Delta Chat', 'Delta Chat', 'deltachat', 'ArcaneChat', 'DeltaTouch', 'Delta Caht'])
     ) AS c(option, names) ON c.option = p.option
     CROSS JOIN (VALUES (0), (1)) AS n(position)
     WHERE n.position = 0 OR abs(hashtext(p.reply_id::text || 'second client')) % 3 = 0`),
    `INSERT INTO answer (reply_id, question_id, scope, position, value, is_other, name_key)
     SELECT reply_id, 'hosting', option, 0, host, false, NULL FROM bench_pick`,
    typed(`SELECT p.reply_id, 'provider', p.option, 0, false,
       c.names[1 + abs(hashtext(p.reply_id::text || 'provider')) % cardinality(c.names)]
     FROM bench_pick p
     JOIN (VALUES
       ('matrix', ARRAY['matrix.org', 'matrix.org', 'envs.net', 'tchncs.de', 'Matrix.org', 'matrx.org', 'my-own.example']),
       ('xmpp', ARRAY['conversations.im', 'yax.im', 'jabber.de', 'disroot.org', 'my-friend.example', 'conversations im']),
       ('deltachat', ARRAY['nine.testrun.org', 'email', 'chatmail.email'])
     ) AS c(option, names) ON c.option = p.option
     WHERE p.host = 'provider'`),
    typed(`SELECT p.reply_id, 'server', p.option, 0, false,
       c.names[1 + abs(hashtext(p.reply_id::text || 'server')) % cardinality(c.names)]
     FROM bench_pick p
     JOIN (VALUES
       ('matrix', ARRAY['Synapse', 'matrix-synapse', 'Conduit', 'continuwuity', 'Dendrite', 'synapse ']),
       ('xmpp', ARRAY['Prosody', 'ejabberd', 'Snikket Server', 'prosdy']),
       ('deltachat', ARRAY['chatmail', 'postfix + dovecot'])
     ) AS c(option, names) ON c.option = p.option
     WHERE p.host = 'self-host'`),
    // Sentences of the readers' own: every one differs, as the repeated-text rule expects.
    `INSERT INTO answer (reply_id, question_id, scope, position, value, is_other, name_key)
     SELECT id, q.question_id, '', 0,
       (ARRAY['No phone number needed, and my friends are there.', 'I run my own server and like that nobody can read along.',
              'It works on every device I own, even the old laptop.', 'Bridges to everything; the app is a bit slow though.'])[1 + abs(hashtext(id::text || q.question_id)) % 4]
       || ' (' || left(md5(id::text || q.question_id), 12) || ')', false, NULL
     FROM bench_new CROSS JOIN (VALUES ('why', 4), ('compare', 8)) AS q(question_id, one_in)
     WHERE abs(hashtext(id::text || q.question_id)) % q.one_in = 0`,
  ];
  for (const sql of statements) {
    const t = Date.now();
    await db.query(sql);
    if (process.env.FILL_TIMES) console.log(Date.now() - t, sql.slice(0, 60).replace(/\s+/g, ' '));
  }
  await db.query('DROP TABLE bench_pick');
}

async function answerTextEditors(db: pg.Client): Promise<void> {
  const statements = [
    `INSERT INTO answer (reply_id, question_id, scope, position, value, is_other, name_key)
     SELECT id, 'editor', '', 0, CASE WHEN abs(hashtext(id::text)) % 2 = 0 THEN 'vim' ELSE 'emacs' END, false, NULL FROM bench_new`,
    typed(`SELECT a.reply_id, 'plugins', a.value, 0, false,
       (ARRAY['elpher', 'gemini-mode', 'gemini mode', 'vim-gemtext'])[1 + abs(hashtext(a.reply_id::text || 'plugin')) % 4]
     FROM answer a JOIN bench_new r ON r.id = a.reply_id WHERE a.question_id = 'editor'`),
  ];
  for (const sql of statements) await db.query(sql);
}

/** Inserts typed names (reply_id, question_id, scope, position, is_other, value) with their keys. */
function typed(select: string): string {
  return `INSERT INTO answer (reply_id, question_id, scope, position, is_other, value, name_key)
    SELECT *, ${KEY} FROM (${select}) AS named(reply_id, question_id, scope, position, is_other, value)`;
}
