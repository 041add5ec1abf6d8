// Fills a database with approved replies to leaving-session, entirely in SQL (generate_series
// and INSERT … SELECT): 100k replies take seconds, not the minutes of 100k client calls.
// Choices follow fixed proportions through hashtext(), so every run builds the same data; names
// mix canonical spellings, aliases ("riot", "element desktop") and names no catalog knows.
import type { Db } from '../src/db/client.ts';

/** SQL for the catalog's normalised key of ASCII names (src/catalog/normalise.ts in full handles any script). */
const KEY = `lower(regexp_replace(value, '[^[:alnum:]]', '', 'g'))`;

export async function fillReplies(db: Db, count: number): Promise<void> {
  await db.$executeRawUnsafe(`
    INSERT INTO reply (id, survey_slug, status, secret_hash, display_name, contact, consent_quote, created_at, updated_at, moderated_at)
    SELECT gen_random_uuid(), 'leaving-session', 'approved', md5('bench' || i),
      CASE WHEN i % 3 = 0 THEN 'Reader ' || i END, 'reader' || i || '@example.org', i % 5 < 2,
      timestamp '2026-05-01' + i * interval '20 seconds', now(), timestamp '2026-05-02' + i * interval '20 seconds'
    FROM generate_series(1, ${count}) AS i`);
  await db.$executeRawUnsafe(`
    CREATE TEMP TABLE bench_pick AS
    SELECT r.id AS reply_id, o.option, o.ord
    FROM reply r CROSS JOIN (VALUES ('matrix', 0, 700), ('xmpp', 1, 450), ('deltachat', 2, 250)) AS o(option, ord, per_mille)
    WHERE abs(hashtext(r.id::text || o.option)) % 1000 < o.per_mille`);
  await db.$executeRawUnsafe(`
    INSERT INTO bench_pick SELECT id, 'matrix', 0 FROM reply r WHERE NOT EXISTS (SELECT 1 FROM bench_pick p WHERE p.reply_id = r.id)`);

  const statements = [
    `INSERT INTO answer (reply_id, question_id, scope, position, value, is_other, name_key)
     SELECT reply_id, 'messengers', '', ord, option, false, NULL FROM bench_pick`,
    typed(`SELECT id AS reply_id, 'messengers' AS question_id, '' AS scope, 3 AS position, true AS is_other,
       (ARRAY['Signal', 'SimpleX', 'signal messenger', 'Briar', 'Mystery Chat'])[1 + abs(hashtext(id::text || 'other')) % 5] AS value
     FROM reply WHERE abs(hashtext(id::text || 'has other')) % 10 = 0`),
    typed(`SELECT p.reply_id, 'clients', p.option, n.position, false,
       c.names[1 + abs(hashtext(p.reply_id::text || n.position)) % cardinality(c.names)]
     FROM bench_pick p
     JOIN (VALUES
       ('matrix', ARRAY['Element', 'element desktop', 'riot', 'FluffyChat', 'Cinny', 'Nheko', 'Element X', 'gomuks', 'My Own Client']),
       ('xmpp', ARRAY['Conversations', 'Cheogram', 'monocles', 'Gajim', 'Dino', 'Profanity', 'Monal', 'psi plus']),
       ('deltachat', ARRAY['Delta Chat', 'deltachat', 'ArcaneChat', 'DeltaTouch'])
     ) AS c(option, names) ON c.option = p.option
     CROSS JOIN (VALUES (0), (1)) AS n(position)
     WHERE n.position = 0 OR abs(hashtext(p.reply_id::text || 'second client')) % 3 = 0`),
    `INSERT INTO answer (reply_id, question_id, scope, position, value, is_other, name_key)
     SELECT reply_id, 'hosting', option, 0, CASE WHEN abs(hashtext(reply_id::text || 'host')) % 10 < 8 THEN 'provider' ELSE 'self-host' END, false, NULL
     FROM bench_pick`,
    typed(`SELECT a.reply_id, 'provider', a.scope, 0, false,
       c.names[1 + abs(hashtext(a.reply_id::text || 'provider')) % cardinality(c.names)]
     FROM answer a
     JOIN (VALUES
       ('matrix', ARRAY['matrix.org', 'envs.net', 'tchncs.de', 'Matrix.org']),
       ('xmpp', ARRAY['conversations.im', 'yax.im', 'jabber.de', 'disroot.org', 'my-friend.example']),
       ('deltachat', ARRAY['nine.testrun.org', 'email', 'chatmail.email'])
     ) AS c(option, names) ON c.option = a.scope
     WHERE a.question_id = 'hosting' AND a.value = 'provider'`),
    typed(`SELECT a.reply_id, 'server', a.scope, 0, false,
       c.names[1 + abs(hashtext(a.reply_id::text || 'server')) % cardinality(c.names)]
     FROM answer a
     JOIN (VALUES
       ('matrix', ARRAY['Synapse', 'matrix-synapse', 'Conduit', 'continuwuity', 'Dendrite']),
       ('xmpp', ARRAY['Prosody', 'ejabberd', 'Snikket Server']),
       ('deltachat', ARRAY['chatmail', 'postfix + dovecot'])
     ) AS c(option, names) ON c.option = a.scope
     WHERE a.question_id = 'hosting' AND a.value = 'self-host'`),
    `INSERT INTO answer (reply_id, question_id, scope, position, value, is_other, name_key)
     SELECT id, q.question_id, '', 0, 'Reply ' || md5(id::text) || E':\\nno phone number, and my friends are there.', false, NULL
     FROM reply CROSS JOIN (VALUES ('why', 4), ('compare', 8)) AS q(question_id, one_in)
     WHERE abs(hashtext(id::text || q.question_id)) % q.one_in = 0`,
  ];
  for (const sql of statements) await db.$executeRawUnsafe(sql);
  await db.$executeRawUnsafe('DROP TABLE bench_pick');
  await db.$executeRawUnsafe('ANALYZE');
}

/** Inserts typed names (reply_id, question_id, scope, position, is_other, value) with their keys. */
function typed(select: string): string {
  return `INSERT INTO answer (reply_id, question_id, scope, position, is_other, value, name_key)
    SELECT *, ${KEY} FROM (${select}) AS named(reply_id, question_id, scope, position, is_other, value)`;
}
