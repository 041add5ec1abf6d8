// The author's downloads of the replies: CSV for a spreadsheet, JSON for everything stored.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { publishReply, storeReplies } from '../../helpers/replies.ts';

const t = useTestApp();

const publish = (pairs: [string, string][], publication?: Parameters<typeof publishReply>[3]) => publishReply(t.db, t.surveys, pairs, publication);

describe("the author's exports", () => {
  const author = async () => (await signedIn(t.app, t.db)).agent;

  test('a page links the downloads of each survey', async () => {
    const res = await (await author()).get('/admin/exports').expect(200);
    for (const href of ['leaving-session.csv', 'leaving-session.json', 'leaving-session.csv?replies=all', 'leaving-session.json?replies=all']) {
      assert.ok(res.text.includes(`href="/admin/exports/${href}"`), href);
    }
  });

  async function seedReplies() {
    await publish([
      ['messengers', 'matrix'],
      ['clients.matrix', 'Element'],
      ['clients.matrix', 'FluffyChat'],
      ['why', 'Line one,\n"quoted"'],
      ['display_name', 'Ada'],
      ['contact', 'ada@example.org'],
      ['consent_quote', 'yes'],
    ]);
    await publish(
      [
        ['messengers', 'xmpp'],
        ['why', '=HYPERLINK("http://evil.example")'],
        ['contact', 'bob@example.org'],
      ],
      { status: 'pending' },
    );
  }

  test('CSV: one row per approved reply, one column per question and option, contact included', async () => {
    await seedReplies();
    const res = await (await author()).get('/admin/exports/leaving-session.csv').expect(200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(res.headers['content-disposition'] ?? '', /^attachment; filename="?leaving-session-approved\.csv"?$/);
    const lines = res.text.split('\r\n');
    // Each column of typed names has the known names they count as beside it.
    const names = (key: string) => ['matrix', 'xmpp', 'deltachat'].flatMap((m) => [`${key}.${m}`, `${key}.${m}.canonical`]);
    const hosting = ['hosting.matrix', 'hosting.xmpp', 'hosting.deltachat'];
    const header = [
      'id,status,created_at,moderated_at,display_name,contact,consent_quote,messengers,messengers.canonical,why,compare',
      ...names('clients'),
      ...hosting,
      ...names('provider'),
      ...names('server'),
    ].join(',');
    assert.equal(
      lines[0],
      header
        .split(',')
        .map((name) => `"${name}"`)
        .join(','),
    );
    assert.match(
      res.text,
      /,"approved","[^"]+","[^"]+","Ada","ada@example\.org","yes","matrix","matrix","Line one,\n""quoted""","","Element; FluffyChat","Element; FluffyChat",/,
    );
    assert.doesNotMatch(res.text, /bob@example\.org/, 'pending replies only with replies=all');
    assert.equal(lines.length, 3, 'the header, one reply (a line break inside quotes ends no row), the final CRLF');
  });

  test('CSV with replies=all: formulas typed by readers stay text', async () => {
    await seedReplies();
    const res = await (await author()).get('/admin/exports/leaving-session.csv?replies=all').expect(200);
    assert.match(res.text, /,"pending","[^"]*","","","bob@example\.org","no","xmpp","xmpp","'=HYPERLINK\(""http:\/\/evil\.example""\)"/);
  });

  test('JSON with replies=all: every reply with its contact and answers, in batches that miss none', async () => {
    await seedReplies();
    // More replies than one batch, all sent in the same millisecond: the pages must not skip ties.
    const createdAt = new Date('2026-05-02T08:00:00Z');
    await storeReplies(
      t.db,
      Array.from({ length: 600 }, () => ({ createdAt })),
    );
    const res = await (await author()).get('/admin/exports/leaving-session.json?replies=all').expect(200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const body = JSON.parse(res.text) as {
      survey: { slug: string };
      included: string;
      replies: { id: string; contact: string | null; answers: { question: string; scope: string; value: string }[] }[];
    };
    assert.equal(body.survey.slug, 'leaving-session');
    assert.equal(body.included, 'all');
    assert.equal(body.replies.length, 602);
    assert.equal(new Set(body.replies.map((r) => r.id)).size, 602, 'none twice');
    const ada = body.replies.find((r) => r.contact === 'ada@example.org')!;
    assert.deepEqual(
      ada.answers.filter((a) => a.question === 'clients').map((a) => `${a.scope}:${a.value}`),
      ['matrix:Element', 'matrix:FluffyChat'],
    );
  });

  test('refuses an unknown selection and an unknown survey', async () => {
    await (await author()).get('/admin/exports/leaving-session.csv?replies=some').expect(400);
    await (await author()).get('/admin/exports/no-such-post.json').expect(404);
  });
});
