// The author's names page under /admin (src/routes.ts puts it behind the sign-in guard and the
// CSRF check).
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { limits } from '../forms/limits.ts';
import type { Handler } from '../forms/request.ts';
import { checkLine } from '../forms/text.ts';
import { flash } from '../http/flash.ts';
import type { Surveys } from '../surveys/registry.ts';
import { catalogOf } from './kinds.ts';
import { mapName, namesInUse, unmapName, type CanonicalName } from './mapping.ts';
import { nameKey } from './normalise.ts';

const id = /^[a-z][a-z0-9-]{0,39}$/;
/** A spelling, from the page's hidden fields. */
export const spellingForm = z.object({
  catalog: z.string().regex(id),
  scope: z.union([z.literal(''), z.string().regex(id)]),
  kind: z.string().regex(id),
  key: z
    .string()
    .min(1)
    .max(200)
    .refine((key) => nameKey(key) === key),
});
/** A spelling and the name the author typed for it. */
export const mapForm = spellingForm.extend({ name: z.string() });

export function catalogHandlers(db: Db, surveys: Surveys) {
  const scopeLabels = new Map(
    [...surveys.values()].flatMap((s) => s.questions.flatMap((q) => (q.kind === 'choice' ? q.options.map((o) => [o.id, o.label] as const) : []))),
  );
  // Each survey counts names with its own catalog (or one it shares): with more than one, a
  // row says whose it is, the survey that owns the catalog first.
  const catalogTitles = new Map<string, string[]>();
  const owners = [...surveys.values()].sort((a, b) => Number(a.sharesCatalogWith !== undefined) - Number(b.sharesCatalogWith !== undefined));
  for (const survey of owners) {
    const catalog = catalogOf(survey);
    catalogTitles.set(catalog, [...(catalogTitles.get(catalog) ?? []), survey.title]);
  }
  const forLabel = (row: Pick<CanonicalName, 'catalog' | 'scope' | 'kind'>) =>
    `${catalogTitles.size > 1 ? `${catalogTitles.get(row.catalog)?.join(' and ') ?? row.catalog}: ` : ''}${scopeLabels.get(row.scope) ?? 'any'} ${row.kind}`;
  const listIdOf = (row: Pick<CanonicalName, 'catalog' | 'scope' | 'kind'>) => `known-${row.catalog}-${row.scope || 'any'}-${row.kind}`;

  async function render(res: Response, status = 200, error: string | null = null) {
    const { unmatched, names } = await namesInUse(db, surveys);
    // Names readers use come first, most used first; the rest wait folded away (a survey file
    // may list dozens nobody has named yet), grouped by what they name.
    // (A name with the author's own mappings stays in view, where they can be undone.)
    const used = (n: CanonicalName) => n.replies > 0 || n.mapped.length > 0;
    const inUse = names.filter(used).sort((a, b) => b.replies - a.replies || a.name.localeCompare(b.name));
    const unused = new Map<string, string[]>();
    for (const n of names.filter((n) => !used(n))) {
      const group = forLabel(n);
      unused.set(group, [...(unused.get(group) ?? []), n.name]);
    }
    res.status(status).render('admin/names', { unmatched, names, inUse, unused, unusedCount: names.length - inUse.length, forLabel, listIdOf, error });
  }

  // GET /admin/names - typed names that match nothing, and the catalog with its counts
  const page: RequestHandler = async (_req, res) => render(res);

  // POST /admin/names/map - map a spelling to an existing or new canonical name
  const map: Handler<z.infer<typeof mapForm>> = async (req, res, form) => {
    const checked = checkLine(form.name, limits.name);
    if (!checked.ok || checked.value === '') return render(res, 400, checked.ok ? 'Type the name to map this spelling to.' : checked.message);
    const name = await mapName(db, { ...form, name: checked.value });
    await flash(req, `“${form.key}” now counts as ${name}, in every reply, past and future.`);
    res.redirect(303, '/admin/names');
  };

  // POST /admin/names/unmap - undo a mapping: the spelling counts as unmatched again
  const unmap: Handler<z.infer<typeof spellingForm>> = async (req, res, spelling) => {
    const name = await unmapName(db, spelling);
    await flash(
      req,
      name === null
        ? `“${spelling.key}” was not a mapping of yours (any more): nothing changed.`
        : `“${spelling.key}” no longer counts as ${name}; the replies that typed it are among the unmatched names again.`,
    );
    res.redirect(303, '/admin/names');
  };

  return { page, map, unmap };
}
