// One name for each client, provider and server: the author's view of typed names that match
// no catalog entry, and the mapping of such a spelling to a canonical name. A mapping is an
// alias row, and answers meet the catalog through it at query time, so it applies to every
// reply at once, past and future.
import type { Db } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { Surveys } from '../surveys/registry.ts';
import { catalogKinds } from './kinds.ts';
import { countedNames, foldWaitingNames } from './name-counts.ts';
import { nameKey } from './normalise.ts';

export interface UnmatchedName {
  catalog: string;
  scope: string;
  kind: string;
  key: string;
  /** The most common spelling readers typed. */
  example: string;
  replies: number;
}

export interface CanonicalName {
  id: number;
  catalog: string;
  scope: string;
  kind: string;
  name: string;
  aliases: string[];
  /** The aliases the author mapped in the admin, which they may undo. */
  mapped: string[];
  replies: number;
}

/** The survey questions' catalog kinds as SQL rows (survey_slug, question_id, kind, catalog). */
function kindsTable(surveys: Surveys): Prisma.Sql {
  const kinds = catalogKinds(surveys.values());
  return Prisma.sql`SELECT * FROM unnest(
    ${kinds.map((k) => k.surveySlug)}::text[], ${kinds.map((k) => k.questionId)}::text[], ${kinds.map((k) => k.kind)}::text[],
    ${kinds.map((k) => k.catalog)}::text[]
  ) AS k(survey_slug, question_id, kind, catalog)`;
}

/** The names page's two lists, from counts folded once (name-counts.ts) before both are read. */
export async function namesInUse(db: Db, surveys: Surveys): Promise<{ unmatched: UnmatchedName[]; names: CanonicalName[] }> {
  await foldWaitingNames(db);
  const [unmatched, names] = await Promise.all([unmatchedNames(db, surveys), canonicalNames(db, surveys)]);
  return { unmatched, names };
}

/** Typed names no alias matches, most named first (spam is left out). */
async function unmatchedNames(db: Db, surveys: Surveys): Promise<UnmatchedName[]> {
  return db.$queryRaw<UnmatchedName[]>`
    WITH kinds AS (${kindsTable(surveys)}), ${countedNames}
    SELECT catalog, scope, kind, substr(item, 7) AS key, (array_agg(spelling ORDER BY readers DESC, spelling))[1] AS example,
      sum(readers)::int AS replies
    FROM counted WHERE item LIKE 'typed:%'
    GROUP BY catalog, scope, kind, item
    ORDER BY replies DESC, key
    LIMIT 500`;
}

/** Every canonical name with its aliases and the number of replies (not spam) that name it. */
async function canonicalNames(db: Db, surveys: Surveys): Promise<CanonicalName[]> {
  return db.$queryRaw<CanonicalName[]>`
    WITH kinds AS (${kindsTable(surveys)}), ${countedNames},
    named AS (
      SELECT substr(item, 6)::int AS name_id, sum(readers)::int AS replies FROM counted WHERE item LIKE 'name:%' GROUP BY item
    ),
    aliases AS (
      SELECT name_id, array_agg(key ORDER BY key) AS aliases,
        coalesce(array_agg(key ORDER BY key) FILTER (WHERE mapped_at IS NOT NULL), '{}') AS mapped
      FROM catalog_alias GROUP BY name_id
    )
    -- Each count once, joined to its name (not counted again for every name: that was the page's cost).
    SELECT n.id, n.catalog, n.scope, n.kind, n.name, coalesce(aliases.aliases, '{}') AS aliases, coalesce(aliases.mapped, '{}') AS mapped,
      coalesce(named.replies, 0) AS replies
    FROM catalog_name n
    LEFT JOIN named ON named.name_id = n.id
    LEFT JOIN aliases ON aliases.name_id = n.id
    WHERE n.catalog IN (SELECT catalog FROM kinds)
    ORDER BY n.catalog, n.scope, n.kind, replies DESC, lower(n.name)`;
}

// Mapping a spelling counts again every reply that uses it (PostgreSQL's triggers, see
// name-counts.ts): a common spelling at a million replies outlasts Prisma's 5 s default.
const MAPPING_TRANSACTION = { timeout: 60_000 };

/** Which spelling, in which catalog: what the names page's forms send back. */
export interface Spelling {
  catalog: string;
  scope: string;
  kind: string;
  key: string;
}

/**
 * Maps a typed spelling (its key) to a canonical name in the same catalog, scope and kind: an existing
 * one when the name matches one (ignoring case and punctuation), else a new one, which its own
 * spelling matches too (readers pick it from the form's suggestions). Returns the canonical name.
 */
export async function mapName(db: Db, target: Spelling & { name: string }): Promise<string> {
  const { catalog, scope, kind, key, name } = target;
  return db.$transaction(async (tx) => {
    const existing = await tx.catalogName.findMany({ where: { catalog, scope, kind } });
    const target = (existing.find((n) => n.name === name) ?? existing.find((n) => nameKey(n.name) === nameKey(name)))?.name ?? name;
    // Two mappings to one new name at once: the second finds the first's row instead of failing.
    await tx.catalogName.createMany({ data: [{ catalog, scope, kind, name: target }], skipDuplicates: true });
    const canonical = await tx.catalogName.findUniqueOrThrow({ where: { catalog_scope_kind_name: { catalog, scope, kind, name: target } } });
    const mappedAt = new Date();
    await tx.catalogAlias.upsert({
      where: { catalog_scope_kind_key: { catalog, scope, kind, key } },
      create: { catalog, scope, kind, key, nameId: canonical.id, mappedAt },
      update: { nameId: canonical.id, mappedAt },
    });
    const own = nameKey(target);
    if (own !== '') await tx.catalogAlias.createMany({ data: [{ catalog, scope, kind, key: own, nameId: canonical.id, mappedAt }], skipDuplicates: true });
    return canonical.name;
  }, MAPPING_TRANSACTION);
}

/**
 * Undoes the author's mapping of a spelling: the alias goes, what readers typed stays, so their
 * answers count as unmatched again. A survey file's alias cannot be removed here (the next start
 * would bring it back). Returns the name the spelling counted as, or null if there was none.
 */
export async function unmapName(db: Db, target: Spelling): Promise<string | null> {
  return db.$transaction(async (tx) => {
    const alias = await tx.catalogAlias.findUnique({ where: { catalog_scope_kind_key: target }, include: { name: true } });
    if (!alias?.mappedAt) return null;
    const { count } = await tx.catalogAlias.deleteMany({ where: { ...target, mappedAt: { not: null } } });
    return count === 0 ? null : alias.name.name;
  }, MAPPING_TRANSACTION);
}
