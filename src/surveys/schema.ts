// What a survey file may say. A post's questions are data: a new post needs a new file in
// surveys/, never a code change. Three question kinds cover the posts Postbag serves:
//   choice - pick one or several listed options, optionally typing in others
//   text   - free text, optionally quotable in the published tally (with the reader's consent)
//   names  - one or several names (client apps, providers…), suggested from the catalog
// Any question may be asked once per option the reader picked in an earlier choice
// question (`each`), e.g. "which clients do you use for Matrix?".
import { z } from 'zod';

const id = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or dashes, starting with a letter');
const label = z.string().trim().min(1).max(300);

const catalogEntry = z.union([
  z.string().trim().min(1).max(80),
  z.object({ name: z.string().trim().min(1).max(80), aliases: z.array(z.string().trim().min(1).max(80)).max(50).default([]) }).strict(),
]);

const common = {
  id,
  label,
  help: z.string().trim().max(500).optional(),
  required: z.boolean().default(false),
  /** Ask this question once per option picked in the named choice question. */
  each: id.optional(),
};

const choiceQuestion = z
  .object({
    ...common,
    kind: z.literal('choice'),
    multiple: z.boolean().default(false),
    options: z.array(z.object({ id, label }).strict()).min(1).max(30),
    /** Lets the reader type in options the list lacks, matched against the catalog kind given. */
    other: z
      .object({ label, max: z.number().int().min(1).max(10).default(3), catalog: id })
      .strict()
      .optional(),
  })
  .strict();

const textQuestion = z
  .object({
    ...common,
    kind: z.literal('text'),
    maxLength: z.number().int().min(1).max(10_000).default(2000),
    /** Answers may appear as quotes in the tally when the reader consented. */
    quotable: z.boolean().default(false),
  })
  .strict();

const namesQuestion = z
  .object({
    ...common,
    kind: z.literal('names'),
    catalog: id,
    max: z.number().int().min(1).max(10).default(3),
  })
  .strict();

export const questionSchema = z.discriminatedUnion('kind', [choiceQuestion, textQuestion, namesQuestion]);

export const surveySchema = z
  .object({
    slug: id,
    title: z.string().trim().min(1).max(200),
    /** The post's publication date, YYYY-MM-DD. */
    published: z.iso.date(),
    /** Whether it takes replies when Postbag first meets it; the author opens and closes it in the admin after that. */
    open: z.boolean(),
    /** Who asks, as readers know them: the capsule's or the author's name. */
    author: z.string().trim().min(1).max(100).optional(),
    /** The post that asks, in the capsule. */
    post: z
      .url({ protocol: /^gemini$/, hostname: /^[^.\s]\S*$/, error: 'must be the post’s gemini:// address, like gemini://capsule.example.org/post.gmi' })
      .max(1000)
      .optional(),
    /** The same post on the web, when the capsule is mirrored over HTTPS. */
    mirror: z
      .url({
        protocol: /^https$/,
        hostname: /^[^.\s]\S*$/,
        error: 'must be the post’s https:// address on the web, like https://capsule.example.org/post.html',
      })
      .max(1000)
      .optional(),
    intro: z.string().trim().max(4000).default(''),
    questions: z.array(questionSchema).min(1).max(50),
    /** Well-known names: catalog[scope][kind] lists names, scope being an option id or "" for none. */
    catalog: z.record(z.string(), z.record(id, z.array(catalogEntry).max(500))).default({}),
    /**
     * The slug of another survey whose catalog this one uses: its names, and the author's
     * mappings for either survey, then count for both. Without it a survey has a catalog of its own.
     */
    sharesCatalogWith: id.optional(),
  })
  .strict()
  .superRefine((survey, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const seen = new Set<string>();
    const optionIds = new Set<string>();
    survey.questions.forEach((question, index) => {
      if (seen.has(question.id)) problem(['questions', index, 'id'], `"${question.id}" is used by two questions`);
      seen.add(question.id);
      if (question.kind === 'choice') {
        const ids = question.options.map((option) => option.id);
        ids.forEach((optionId, o) => {
          if (ids.indexOf(optionId) !== o) problem(['questions', index, 'options', o, 'id'], `"${optionId}" is used by two options`);
          optionIds.add(optionId);
        });
      }
      if (question.each === undefined) return;
      // Repeating per option works one level deep: the question repeated for is asked once.
      const target = survey.questions.slice(0, index).find((q) => q.id === question.each);
      if (target?.kind !== 'choice' || target.each !== undefined) {
        problem(['questions', index, 'each'], `must name an earlier choice question that is asked once, not "${question.each}"`);
      }
    });
    for (const scope of Object.keys(survey.catalog)) {
      if (scope !== '' && !optionIds.has(scope)) problem(['catalog', scope], 'must be "" or the id of an option of a choice question');
    }
  });

export type Survey = z.infer<typeof surveySchema>;
export type Question = Survey['questions'][number];
export type ChoiceQuestion = Extract<Question, { kind: 'choice' }>;
export type NamesQuestion = Extract<Question, { kind: 'names' }>;
export type CatalogEntry = z.infer<typeof catalogEntry>;
