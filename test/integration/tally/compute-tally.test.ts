// The tally computed from replies stored in PostgreSQL, read without the web pages around it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { surveySchema } from '../../../src/surveys/schema.ts';
import { recordTallyQuestions } from '../../../src/tally/questions.ts';
import { computeTally } from '../../../src/tally/service.ts';
import { useTestApp } from '../../helpers/app.ts';
import { assertExporterChoseEveryLine, hostile } from '../../helpers/gemtext.ts';
import { publishReply, storeReplies } from '../../helpers/replies.ts';

const t = useTestApp();

describe('a multiple choice asked per option', () => {
  test('is counted per option, with its own combinations', async () => {
    const survey = surveySchema.parse({
      slug: 'languages',
      title: 'Languages',
      published: '2026-10-01',
      open: true,
      questions: [
        {
          id: 'os',
          kind: 'choice',
          label: 'Which systems?',
          multiple: true,
          options: [
            { id: 'linux', label: 'Linux' },
            { id: 'bsd', label: 'BSD' },
          ],
        },
        {
          id: 'langs',
          kind: 'choice',
          each: 'os',
          multiple: true,
          label: 'Which languages there?',
          options: [
            { id: 'c', label: 'C' },
            { id: 'go', label: 'Go' },
            { id: 'zig', label: 'Zig' },
          ],
        },
      ],
    });
    const surveys = new Map([[survey.slug, survey]]);
    // As a start does for the survey files it loads.
    await recordTallyQuestions(t.db, [survey]);
    await publishReply(
      t.db,
      surveys,
      [
        ['os', 'linux'],
        ['os', 'bsd'],
        ['langs.linux', 'c'],
        ['langs.linux', 'go'],
        ['langs.bsd', 'c'],
      ],
      { survey: 'languages' },
    );
    await publishReply(
      t.db,
      surveys,
      [
        ['os', 'linux'],
        ['langs.linux', 'go'],
        ['langs.linux', 'c'],
        ['langs.linux', 'zig'],
      ],
      { survey: 'languages' },
    );
    const tally = await computeTally(t.db, survey);
    const linux = tally.blocks.find((block) => block.type === 'group' && block.label === 'Linux');
    assert.ok(linux?.type === 'group');
    const section = linux.sections[0]!;
    assert.ok(section.type === 'counts');
    assert.deepEqual(
      section.counts.map((c) => `${c.label} ${c.readers} ${c.percent}%`),
      ['C 2 100%', 'Go 2 100%', 'Zig 1 50%'],
    );
    assert.deepEqual(section.several, {
      readers: 2,
      percent: 100,
      heading: 'The most common combinations:',
      combinations: [
        { labels: ['C', 'Go'], readers: 1 },
        { labels: ['C', 'Go', 'Zig'], readers: 1 },
      ],
    });
    const bsd = tally.blocks.find((block) => block.type === 'group' && block.label === 'BSD');
    assert.ok(bsd?.type === 'group' && bsd.sections[0]?.type === 'counts');
    assert.deepEqual(bsd.sections[0].several, { readers: 0, percent: 0, heading: 'The most common combinations:', combinations: [] });
  });
});

describe('hostile replies approved by mistake', () => {
  test('still give a clean document, with every line of the type the exporter chose', async () => {
    // Stored directly: the reply form refuses most control characters, but the export must not
    // depend on it (PostgreSQL itself refuses NUL, so that one is covered above only).
    const storable = hostile.filter((text) => !text.includes('\u0000'));
    await storeReplies(
      t.db,
      storable.map((text, i) => ({
        status: 'approved' as const,
        moderatedAt: new Date('2026-05-10T09:00:00Z'),
        displayName: text,
        contact: `contact-${i}@private.example`,
        consentQuote: true,
        answers: [
          { questionId: 'messengers', value: 'matrix' },
          { questionId: 'messengers', value: text, isOther: true, nameKey: `k${i}` },
          { questionId: 'why', value: text },
          { questionId: 'clients', scope: 'matrix', value: text, nameKey: `c${i}` },
          { questionId: 'provider', scope: 'matrix', value: text, nameKey: null },
        ],
      })),
    );
    const tally = await computeTally(t.db, t.surveys.get('leaving-session')!);
    assert.equal(tally.readers, storable.length);
    const { page, section } = assertExporterChoseEveryLine(tally);
    for (const document of [page, section]) assert.doesNotMatch(document, /private\.example/, 'contact addresses are never published');
    assert.match(page, /\[Last updated: 2026-05-10\]\n$/);
  });
});
