// The catalog of canonical names (clients, providers, servers…) and the spellings that map to
// them. Survey files seed it; the author extends it in the admin. Readers' form suggestions
// come from here too.
import { poolOf, type Db } from '../db/client.ts';
import type { CatalogEntry, Survey } from '../surveys/schema.ts';
import { nameKey } from './normalise.ts';

interface Seed {
  scope: string;
  kind: string;
  name: string;
  aliases: string[];
}

/**
 * Adds the survey files' names and aliases that the catalog lacks. Existing rows are left as
 * they are (the author may have remapped an alias), and concurrent starts are harmless. A new
 * alias can change how names are counted: PostgreSQL then moves the tallies' versions.
 */
export async function seedCatalog(db: Db, surveys: Iterable<Survey>): Promise<void> {
  const seeds = [...surveys].flatMap((survey) =>
    Object.entries(survey.catalog).flatMap(([scope, kinds]) =>
      Object.entries(kinds).flatMap(([kind, entries]) => entries.map((entry) => toSeed(scope, kind, entry))),
    ),
  );
  if (seeds.length === 0) return;
  await db.$transaction(async (tx) => {
    await tx.catalogName.createMany({ data: seeds.map(({ scope, kind, name }) => ({ scope, kind, name })), skipDuplicates: true });
    const names = await tx.catalogName.findMany({ select: { id: true, scope: true, kind: true, name: true } });
    const idOf = new Map(names.map((n) => [`${n.scope}\u0000${n.kind}\u0000${n.name}`, n.id]));
    const aliases = seeds.flatMap((seed) => {
      const nameId = idOf.get(`${seed.scope}\u0000${seed.kind}\u0000${seed.name}`)!;
      return [seed.name, ...seed.aliases]
        .map(nameKey)
        .filter((key) => key !== '')
        .map((key) => ({ scope: seed.scope, kind: seed.kind, key, nameId }));
    });
    await tx.catalogAlias.createMany({ data: aliases, skipDuplicates: true });
  });
}

function toSeed(scope: string, kind: string, entry: CatalogEntry): Seed {
  return typeof entry === 'string' ? { scope, kind, name: entry, aliases: [] } : { scope, kind, ...entry };
}

export type Suggestions = ReadonlyMap<string, readonly string[]>;

export function suggestionKey(scope: string, kind: string): string {
  return `${scope}/${kind}`;
}

// One collator for every sort: localeCompare with options builds a new one per comparison,
// which made sorting the catalog a tenth of the reader form's cost.
const alphabetical = new Intl.Collator('en', { sensitivity: 'base' });

/** Canonical names per scope and kind, alphabetical, for the form's <datalist>s. */
export async function loadSuggestions(db: Db): Promise<Suggestions> {
  // Read for every form shown, so through node-postgres (see poolOf).
  const { rows: names } = await poolOf(db).query<{ scope: string; kind: string; name: string }>('SELECT scope, kind, name FROM catalog_name');
  names.sort((a, b) => alphabetical.compare(a.name, b.name));
  const grouped = new Map<string, string[]>();
  for (const { scope, kind, name } of names) {
    const key = suggestionKey(scope, kind);
    grouped.set(key, [...(grouped.get(key) ?? []), name]);
  }
  return grouped;
}
