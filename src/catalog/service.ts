// The catalog of canonical names (clients, providers, servers…) and the spellings that map to
// them. Survey files seed it; the author extends it in the admin. Readers' form suggestions
// come from here too.
import { poolOf, type Db, type Prisma } from '../db/client.ts';
import type { CatalogEntry, Survey } from '../surveys/schema.ts';
import { catalogOf } from './kinds.ts';
import { nameKey } from './normalise.ts';

interface Seed {
  catalog: string;
  scope: string;
  kind: string;
  name: string;
  aliases: string[];
}

/**
 * Records which catalog each survey uses, takes over the catalog rows from before catalogs were
 * per survey, then adds the survey files' names and aliases that the catalog lacks. Existing
 * rows are left as they are (the author may have remapped an alias), and concurrent starts are
 * harmless. A new alias can change how names are counted: PostgreSQL then moves the tally
 * versions of the surveys that use that catalog.
 */
export async function seedCatalog(db: Db, surveys: Iterable<Survey>): Promise<void> {
  const list = [...surveys];
  const seeds = list.flatMap((survey) =>
    Object.entries(survey.catalog).flatMap(([scope, kinds]) =>
      Object.entries(kinds).flatMap(([kind, entries]) => entries.map((entry) => toSeed(catalogOf(survey), scope, kind, entry))),
    ),
  );
  if (list.length === 0) return;
  await db.$transaction(
    async (tx) => {
      // Several instances starting together: one at a time, so the adoption below runs once.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('postbag seed catalog'))`;
      for (const survey of list) {
        const catalog = catalogOf(survey);
        await tx.surveyCatalog.upsert({ where: { surveySlug: survey.slug }, create: { surveySlug: survey.slug, catalog }, update: { catalog } });
      }
      await adoptSharedCatalog(tx, [...new Set(list.map(catalogOf))]);
      if (seeds.length === 0) return;
      await tx.catalogName.createMany({ data: seeds.map(({ catalog, scope, kind, name }) => ({ catalog, scope, kind, name })), skipDuplicates: true });
      const names = await tx.catalogName.findMany({
        where: { catalog: { in: [...new Set(seeds.map((seed) => seed.catalog))] } },
        select: { id: true, catalog: true, scope: true, kind: true, name: true },
      });
      const idOf = new Map(names.map((n) => [seedKey(n), n.id]));
      const aliases = seeds.flatMap((seed) => {
        const nameId = idOf.get(seedKey(seed))!;
        return [seed.name, ...seed.aliases]
          .map(nameKey)
          .filter((key) => key !== '')
          .map((key) => ({ catalog: seed.catalog, scope: seed.scope, kind: seed.kind, key, nameId }));
      });
      await tx.catalogAlias.createMany({ data: aliases, skipDuplicates: true });
    },
    // A survey that starts or stops sharing a catalog is counted again from scratch in here
    // (the migration kept_tally_counts): minutes at a million replies, not Prisma's 5 s.
    { timeout: 600_000 },
  );
}

const seedKey = (n: { catalog: string; scope: string; kind: string; name: string }) => `${n.catalog}\u0000${n.scope}\u0000${n.kind}\u0000${n.name}`;

/**
 * The catalog rows from before each survey had its own (catalog '', see the migration
 * catalog_per_survey) served every survey: they are copied into each catalog in use, the
 * author's mappings included, then removed. Nothing to do after the first start since.
 */
async function adoptSharedCatalog(tx: Prisma.TransactionClient, catalogs: string[]): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO catalog_name (catalog, scope, kind, name)
    SELECT c.catalog, n.scope, n.kind, n.name FROM catalog_name n CROSS JOIN unnest(${catalogs}::text[]) AS c(catalog)
    WHERE n.catalog = ''
    ON CONFLICT DO NOTHING`;
  await tx.$executeRaw`
    INSERT INTO catalog_alias (catalog, scope, kind, key, name_id, mapped_at)
    SELECT c.catalog, a.scope, a.kind, a.key, own.id, a.mapped_at
    FROM catalog_alias a
    JOIN catalog_name n ON n.id = a.name_id
    CROSS JOIN unnest(${catalogs}::text[]) AS c(catalog)
    JOIN catalog_name own ON own.catalog = c.catalog AND own.scope = n.scope AND own.kind = n.kind AND own.name = n.name
    WHERE a.catalog = ''
    ON CONFLICT DO NOTHING`;
  // Their aliases go with them (ON DELETE CASCADE).
  await tx.$executeRaw`DELETE FROM catalog_name WHERE catalog = ''`;
}

function toSeed(catalog: string, scope: string, kind: string, entry: CatalogEntry): Seed {
  return typeof entry === 'string' ? { catalog, scope, kind, name: entry, aliases: [] } : { catalog, scope, kind, ...entry };
}

export type Suggestions = ReadonlyMap<string, readonly string[]>;

export function suggestionKey(catalog: string, scope: string, kind: string): string {
  return `${catalog}/${scope}/${kind}`;
}

// One collator for every sort: localeCompare with options builds a new one per comparison,
// which made sorting the catalog a tenth of the reader form's cost.
const alphabetical = new Intl.Collator('en', { sensitivity: 'base' });

/** Canonical names per catalog, scope and kind, alphabetical, for the form's <datalist>s. */
export async function loadSuggestions(db: Db): Promise<Suggestions> {
  // Read for every form shown, so through node-postgres (see poolOf).
  const { rows: names } = await poolOf(db).query<{ catalog: string; scope: string; kind: string; name: string }>(
    'SELECT catalog, scope, kind, name FROM catalog_name',
  );
  names.sort((a, b) => alphabetical.compare(a.name, b.name));
  const grouped = new Map<string, string[]>();
  for (const { catalog, scope, kind, name } of names) {
    const key = suggestionKey(catalog, scope, kind);
    grouped.set(key, [...(grouped.get(key) ?? []), name]);
  }
  return grouped;
}
