import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Express } from 'express';
import request from 'supertest';
import { surveySchema } from '../../../src/surveys/schema.ts';
import { type Agent, signedIn } from '../../helpers/admin.ts';
import { useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';
import { childrenNamed, parseXml, type XmlElement } from '../../helpers/xml.ts';

const t = useTestApp();
const ATOM = 'http://www.w3.org/2005/Atom';
// RFC 4287 §3.3: dates are RFC 3339 date-times.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The feed's secret address, as the admin page shows it to the author. */
async function feedUrl(agent: Agent): Promise<URL> {
  const page = await agent.get('/admin/feed').expect(200);
  return new URL(/<code class="secret-url">([^<]+)<\/code>/.exec(page.text)![1]!);
}

async function fetchFeed(app: Express = t.app) {
  const url = await feedUrl((await signedIn(app, t.db)).agent);
  const res = await request(app).get(url.pathname).expect(200);
  return { res, path: url.pathname, feed: parseXml(res.text) };
}

/** The one child named `name`: RFC 4287 requires exactly one of each it is asked for. */
function one(element: XmlElement, name: string): XmlElement {
  const found = childrenNamed(element, name);
  assert.equal(found.length, 1, `<${element.name}> has ${found.length} <${name}>, not exactly one`);
  return found[0]!;
}

function assertDate(element: XmlElement): Date {
  assert.match(element.text, RFC3339);
  return new Date(element.text);
}

/** Where `href` points, on the server the test asked (supertest gives each request its own port). */
const pathOf = (href: string | undefined) => new URL(href ?? '').pathname;

/**
 * Checks every element RFC 4287 requires of a feed and of its entries (`selfPath` is where it
 * was fetched from); returns the entries.
 */
function assertValidAtom(feed: XmlElement, selfPath: string): XmlElement[] {
  assert.equal(feed.uri, ATOM);
  assert.equal(feed.name, 'feed');
  assert.equal(pathOf(one(feed, 'id').text), selfPath, 'its id is its own absolute address');
  assert.notEqual(one(feed, 'title').text.trim(), '');
  const updated = assertDate(one(feed, 'updated'));
  assert.notEqual(one(one(feed, 'author'), 'name').text.trim(), '', 'a feed author, so entries need none');
  const links = childrenNamed(feed, 'link');
  assert.equal(pathOf(links.find((link) => link.attributes.rel === 'self')?.attributes.href), selfPath);
  const entries = childrenNamed(feed, 'entry');
  for (const entry of entries) {
    assert.match(one(entry, 'id').text, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.notEqual(one(entry, 'title').text.trim(), '');
    assert.ok(assertDate(one(entry, 'updated')) <= updated, 'the feed is as recent as its newest entry');
    // An entry without content needs a link to where it is (§4.1.2).
    const alternate = childrenNamed(entry, 'link').find((link) => (link.attributes.rel ?? 'alternate') === 'alternate');
    assert.equal(pathOf(alternate?.attributes.href), `/admin/replies/${one(entry, 'id').text.slice('urn:uuid:'.length)}`, 'an entry links to the reply');
  }
  assert.equal(new Set(entries.map((entry) => one(entry, 'id').text)).size, entries.length, 'entry ids are unique');
  return entries;
}

describe('the feed of pending replies', () => {
  test('is valid Atom, with every element RFC 4287 requires, for each pending reply', async () => {
    const replies = [await storeReply(t.db, { createdAt: new Date('2026-06-01T10:00:00Z') }), await storeReply(t.db)];
    const { res, path, feed } = await fetchFeed();
    assert.match(res.headers['content-type'] ?? '', /^application\/atom\+xml; charset=utf-8/);
    const entries = assertValidAtom(feed, path);
    assert.deepEqual(entries.map((entry) => one(entry, 'id').text).sort(), replies.map((r) => `urn:uuid:${r.id}`).sort());
  });

  test('is valid Atom when nothing waits', async () => {
    await storeReply(t.db, { status: 'approved' });
    const { path, feed } = await fetchFeed();
    assert.deepEqual(assertValidAtom(feed, path), []);
  });

  test('lists only pending replies, and none of what their readers wrote', async () => {
    const pending = await storeReply(t.db, {
      displayName: 'Zelda Quux',
      contact: 'zelda@private.example',
      answers: [
        { questionId: 'messengers', value: 'matrix' },
        { questionId: 'messengers', value: 'Wobblechat', isOther: true, nameKey: 'wobblechat' },
        { questionId: 'why', value: 'Secret reasons' },
        { questionId: 'clients', scope: 'matrix', value: 'Flibbertigibbet', nameKey: 'flibbertigibbet' },
      ],
    });
    const approved = await storeReply(t.db, { status: 'approved' });
    const { res, feed } = await fetchFeed();
    const entries = childrenNamed(feed, 'entry');
    assert.deepEqual(
      entries.map((entry) => one(entry, 'id').text),
      [`urn:uuid:${pending.id}`],
    );
    assert.equal(one(entries[0]!, 'title').text, 'A reply to “Leaving Session” is waiting');
    assert.ok(!res.text.includes(approved.id));
    assert.doesNotMatch(res.text, /Zelda|Quux|private\.example|Wobblechat|Secret reasons|Flibbertigibbet/);
  });

  test('escapes a survey title with <, & and >', async () => {
    const survey = surveySchema.parse({
      slug: 'tom-and-jerry',
      title: 'Tom & Jerry <3 > "Itchy" & \'Scratchy\'',
      published: '2026-10-01',
      open: true,
      questions: [{ id: 'why', kind: 'text', label: 'Why?' }],
    });
    const app = await t.makeApp({ surveys: new Map([...t.surveys, [survey.slug, survey]]) });
    await storeReply(t.db, { survey: survey.slug, answers: [{ questionId: 'why', value: 'Because.' }] });
    const { res, feed } = await fetchFeed(app);
    assert.ok(!res.text.includes('Tom & Jerry'), 'the & is escaped');
    assert.equal(one(one(feed, 'entry'), 'title').text, 'A reply to “Tom & Jerry <3 > "Itchy" & \'Scratchy\'” is waiting');
  });

  test('refuses a wrong, empty or short token with 404', async () => {
    const { pathname: path } = await feedUrl((await signedIn(t.app, t.db)).agent);
    await request(t.app)
      .get(`${path.slice(0, -1)}x`)
      .expect(404);
    await request(t.app).get('/feed/').expect(404);
    await request(t.app).get('/feed/short').expect(404);
  });

  test('a new address replaces the old one', async () => {
    const { agent, csrf } = await signedIn(t.app, t.db);
    const old = (await feedUrl(agent)).pathname;
    await agent.post('/admin/feed/rotate').type('form').send({ _csrf: csrf }).expect(303);
    const fresh = (await feedUrl(agent)).pathname;
    assert.notEqual(fresh, old);
    await request(t.app).get(old).expect(404);
    await request(t.app).get(fresh).expect(200);
  });
});
