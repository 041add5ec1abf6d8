// PostgreSQL keeps each survey's tally counted as replies change (the migration
// kept_tally_counts); to know what an answer counts as, it needs the survey's counted questions,
// which live in the survey files. They are recorded here at every start. A survey whose
// questions changed since the last start (or seen for the first time) is counted again from
// scratch, once (tally_rebuild); an unchanged one writes nothing.
import { catalogKinds } from '../catalog/kinds.ts';
import type { Db } from '../db/client.ts';
import type { Survey } from '../surveys/schema.ts';

export async function recordTallyQuestions(db: Db, surveys: Iterable<Survey>): Promise<void> {
  const list = [...surveys];
  if (list.length === 0) return;
  const catalogKindOf = new Map(catalogKinds(list).map((k) => [`${k.surveySlug}\u0000${k.questionId}`, k.kind]));
  const counted = list.flatMap((survey) =>
    survey.questions.flatMap((q) =>
      q.kind === 'text' && !q.quotable
        ? []
        : [
            {
              slug: survey.slug,
              id: q.id,
              kind: q.kind,
              multiple: q.kind === 'choice' && q.multiple,
              catalogKind: catalogKindOf.get(`${survey.slug}\u0000${q.id}`) ?? '',
            },
          ],
    ),
  );
  const column = <K extends keyof (typeof counted)[number]>(key: K) => counted.map((row) => row[key]);
  await db.$transaction(
    async (tx) => {
      // Several instances starting together: one at a time, so that a survey is rebuilt once.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('postbag tally questions'))`;
      const removed = await tx.$queryRaw<{ survey_slug: string }[]>`
        DELETE FROM survey_question
        WHERE survey_slug = ANY(${list.map((s) => s.slug)}::text[])
          AND (survey_slug, question_id) NOT IN (SELECT * FROM unnest(${column('slug')}::text[], ${column('id')}::text[]))
        RETURNING survey_slug`;
      const written = await tx.$queryRaw<{ survey_slug: string }[]>`
        INSERT INTO survey_question (survey_slug, question_id, kind, multiple, catalog_kind)
        SELECT * FROM unnest(${column('slug')}::text[], ${column('id')}::text[], ${column('kind')}::text[], ${column('multiple')}::boolean[], ${column('catalogKind')}::text[])
        ON CONFLICT (survey_slug, question_id) DO UPDATE SET kind = EXCLUDED.kind, multiple = EXCLUDED.multiple, catalog_kind = EXCLUDED.catalog_kind
        WHERE (survey_question.kind, survey_question.multiple, survey_question.catalog_kind) IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.multiple, EXCLUDED.catalog_kind)
        RETURNING survey_slug`;
      const changed = [...new Set([...removed, ...written].map((row) => row.survey_slug))];
      if (changed.length > 0) await tx.$executeRaw`SELECT tally_rebuild(${changed}::text[])`;
    },
    { timeout: 600_000 },
  );
}
