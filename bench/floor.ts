// The floor the benchmark holds Postbag's figures against, measured in the same run: a bare
// node:http server, with no framework, logging, templates or checks, that
//   GET  /page    answers a fixed body (the reader form as Postbag last rendered it), and
//   POST /insert  reads the form and stores a reply with the INSERT Postbag itself runs for a
//                 new reply, through node-postgres with a pool as large as Postbag's.
// Nothing faster can be asked of the app on this machine: it is the cost of HTTP and of the
// database statement alone.
//   FLOOR_PORT, FLOOR_PAGE (file with the body), FLOOR_DATABASE_URL
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import pg from 'pg';
import { insertReplyParams, insertReplySql } from '../src/replies/service.ts';

const page = readFileSync(process.env.FLOOR_PAGE!);
const pool = new pg.Pool({ connectionString: process.env.FLOOR_DATABASE_URL, max: 10 });

// What a reader's form stores (as bench/reply-form.ts sends it): two messengers, clients,
// hosting, a sentence of the reader's own. The sentence differs per reply, as the bench's do:
// thousands of equal long texts would make each INSERT walk them in the hash index on long
// values, a cost Postbag's own rows never pay.
const answers = (n: number) =>
  [
    ['messengers', '', 0, 'matrix', false, null],
    ['messengers', '', 1, 'xmpp', false, null],
    ['why', '', 0, `Federation matters to me, and my friends are all there already (reader ${n}).`, false, null],
    ['clients', 'matrix', 0, 'Element', false, 'element'],
    ['clients', 'matrix', 1, 'fluffy chat', false, 'fluffychat'],
    ['hosting', 'matrix', 0, 'provider', false, null],
    ['provider', 'matrix', 0, 'matrix.org', false, 'matrixorg'],
    ['clients', 'xmpp', 0, 'Conversations', false, 'conversations'],
    ['hosting', 'xmpp', 0, 'self-host', false, null],
    ['server', 'xmpp', 0, 'Prosody', false, 'prosody'],
  ] as const;
const reply = (n: number) => ({
  displayName: 'Ada',
  contact: null,
  consentQuote: true,
  answers: answers(n).map(([questionId, scope, position, value, isOther, nameKey]) => ({ questionId, scope, position, value, isOther, nameKey })),
});
let sent = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length });
    res.end(page);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const secretHash = createHash('sha256').update(randomBytes(32)).digest('hex');
    const params = insertReplyParams('leaving-session', secretHash, reply(++sent), { status: 'pending', holdReasons: [] }, { channel: 'web' });
    pool.query(insertReplySql, params).then(
      () => {
        res.writeHead(303, { location: '/r/x?thanks', 'content-length': 0 });
        res.end();
      },
      (err: Error) => {
        res.writeHead(500);
        res.end(err.message);
      },
    );
  });
});
server.listen(Number(process.env.FLOOR_PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end();
});
