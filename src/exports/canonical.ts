// What each typed name counts as: the catalog's name that its spelling maps to, as the tally and
// the names page see it. The exports carry it beside what the reader typed. The catalog is small
// (names and spellings, not replies), so it is read once per export and looked up in memory.
import { catalogKinds, catalogOf } from '../catalog/kinds.ts';
import type { Db } from '../db/client.ts';
import type { Survey } from '../surveys/schema.ts';

interface TypedName {
  questionId: string;
  scope: string;
  nameKey: string | null;
}

/** The canonical name of a typed answer, or null when it is no typed name or none matches it. */
export type CanonicalOf = (answer: TypedName) => string | null;

/** The survey's questions whose typed answers are names (a names question, a choice's "other"). */
export function namedQuestions(survey: Survey): Set<string> {
  return new Set(catalogKinds([survey]).map((k) => k.questionId));
}

export async function canonicalNamesOf(db: Db, survey: Survey): Promise<CanonicalOf> {
  const kinds = new Map(catalogKinds([survey]).map((k) => [k.questionId, k.kind]));
  const aliases = await db.catalogAlias.findMany({
    where: { catalog: catalogOf(survey), kind: { in: [...new Set(kinds.values())] } },
    select: { scope: true, kind: true, key: true, name: { select: { name: true } } },
  });
  const names = new Map(aliases.map((a) => [`${a.scope}\u0000${a.kind}\u0000${a.key}`, a.name.name]));
  return ({ questionId, scope, nameKey }) => {
    const kind = kinds.get(questionId);
    return kind === undefined || nameKey === null ? null : (names.get(`${scope}\u0000${kind}\u0000${nameKey}`) ?? null);
  };
}
