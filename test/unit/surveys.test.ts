import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSurveys, parseSurveyFile, SurveyFileError } from '../../src/surveys/load.ts';

const shippedSurveys = fileURLToPath(new URL('../../surveys', import.meta.url));

const minimal = { slug: 'a-post', title: 'A post', published: '2026-01-02', open: true, questions: [{ id: 'q', kind: 'text', label: 'Q?' }] };

function problem(survey: unknown): string {
  try {
    parseSurveyFile('surveys/a-post.json', JSON.stringify(survey));
  } catch (err) {
    assert.ok(err instanceof SurveyFileError);
    return err.message;
  }
  assert.fail('expected the survey to be refused');
}

describe('survey files', () => {
  test('a survey may share the catalog of another survey that has its own, and only such a survey', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'postbag-surveys-'));
    try {
      const write = (slug: string, more: object) => writeFile(path.join(dir, `${slug}.json`), JSON.stringify({ ...minimal, slug, ...more }));
      await write('first', {});
      await write('second', { sharesCatalogWith: 'first' });
      assert.equal((await loadSurveys(dir)).get('second')?.sharesCatalogWith, 'first');
      for (const [shared, why] of [
        ['nobody', 'no such survey'],
        ['second', 'a survey that shares itself'],
        ['third', 'itself'],
      ]) {
        await write('third', { sharesCatalogWith: shared });
        await assert.rejects(loadSurveys(dir), /third: sharesCatalogWith must name another survey .* that has a catalog of its own/, why);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the shipped "Leaving Session" survey is valid', async () => {
    const surveys = await loadSurveys(shippedSurveys);
    const survey = surveys.get('leaving-session');
    assert.equal(survey?.title, 'Leaving Session');
    assert.equal(survey?.published, '2026-05-01');
    assert.deepEqual(
      survey?.questions.map((q) => q.id),
      ['messengers', 'why', 'compare', 'clients', 'hosting', 'provider', 'server'],
    );
  });

  test('says who asks and where: the author, the post’s gemini:// address and its https:// mirror, all optional', async () => {
    const shipped = (await loadSurveys(shippedSurveys)).get('leaving-session');
    assert.equal(shipped?.author, "the capsule's author");
    assert.match(shipped?.post ?? '', /^gemini:\/\/[^/]+\/.+\.gmi$/);
    assert.match(shipped?.mirror ?? '', /^https:\/\/[^/]+\/.+$/);
    const survey = parseSurveyFile('x.json', JSON.stringify({ ...minimal, author: ' Solene ', post: 'gemini://dataswamp.org/~solene/post.gmi' }));
    assert.deepEqual([survey.author, survey.post, survey.mirror], ['Solene', 'gemini://dataswamp.org/~solene/post.gmi', undefined]);
  });

  test('refuses a post that is not a gemini:// address, a mirror that is not https://, an empty author', () => {
    assert.match(problem({ ...minimal, post: 'https://capsule.example.org/post.html' }), /post: must be the post’s gemini:\/\/ address/);
    assert.match(problem({ ...minimal, post: 'gemini:///post.gmi' }), /post: must be the post’s gemini:\/\/ address/);
    assert.match(problem({ ...minimal, mirror: 'http://capsule.example.org/post.html' }), /mirror: must be the post’s https:\/\/ address/);
    assert.match(problem({ ...minimal, mirror: 'javascript:alert(1)' }), /mirror: /);
    assert.match(problem({ ...minimal, author: '  ' }), /author: /);
  });

  test('a minimal survey gets defaults', () => {
    const survey = parseSurveyFile('x.json', JSON.stringify(minimal));
    assert.deepEqual(survey.questions[0], { id: 'q', kind: 'text', label: 'Q?', required: false, maxLength: 2000, quotable: false });
  });

  test('an error names the file and the field', () => {
    const message = problem({ ...minimal, questions: [{ id: 'q', kind: 'choice', label: 'Q?', options: [] }] });
    assert.match(message, /^surveys\/a-post\.json: invalid survey/);
    assert.match(message, /questions\.0\.options: /);
  });

  test('refuses an unknown question kind, naming it', () => {
    assert.match(problem({ ...minimal, questions: [{ id: 'q', kind: 'slider', label: 'Q?' }] }), /questions\.0\.kind/);
  });

  test('refuses unknown fields (a typo must not be silently ignored)', () => {
    assert.match(problem({ ...minimal, opne: false }), /opne/);
  });

  test('refuses a bad date and a bad slug', () => {
    assert.match(problem({ ...minimal, published: '2026-13-01' }), /published/);
    assert.match(problem({ ...minimal, slug: '../etc' }), /slug/);
  });

  test('refuses two questions with one id', () => {
    assert.match(problem({ ...minimal, questions: [minimal.questions[0], minimal.questions[0]] }), /questions\.1\.id: "q" is used by two questions/);
  });

  const choice = { id: 'c', kind: 'choice', label: 'C?', options: [{ id: 'a', label: 'A' }] };

  test('refuses a question repeated for something that is not an earlier choice question', () => {
    assert.match(
      problem({ ...minimal, questions: [{ id: 'q', kind: 'text', label: 'Q?', each: 'q' }] }),
      /questions\.0\.each: must name an earlier choice question/,
    );
    assert.match(problem({ ...minimal, questions: [{ ...choice, each: 'c' }] }), /questions\.0\.each/, 'not itself');
    const chain = [choice, { ...choice, id: 'd', each: 'c' }, { id: 'e', kind: 'text', label: 'E?', each: 'd' }];
    assert.match(problem({ ...minimal, questions: chain }), /questions\.2\.each: .*asked once/);
  });

  test('refuses two options with one id', () => {
    const options = [
      { id: 'a', label: 'A' },
      { id: 'a', label: 'Also A' },
    ];
    assert.match(problem({ ...minimal, questions: [{ ...choice, options }] }), /questions\.0\.options\.1\.id: "a" is used by two options/);
  });

  test('refuses catalog names for an option that does not exist', () => {
    assert.match(problem({ ...minimal, questions: [choice], catalog: { b: { client: ['X'] } } }), /catalog\.b: must be ""/);
  });

  test('refuses a file that is not JSON', () => {
    assert.throws(() => parseSurveyFile('surveys/x.json', '{ nope'), /surveys\/x\.json: not valid JSON/);
  });
});
