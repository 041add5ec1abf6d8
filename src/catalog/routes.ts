// The author's names page (mounted under /admin behind the sign-in guard and CSRF check).
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { formObject } from '../http/form.ts';
import type { FormFields } from '../replies/form-body.ts';
import { limits } from '../replies/fields.ts';
import { checkLine } from '../replies/text.ts';
import type { Surveys } from '../surveys/registry.ts';
import { canonicalNames, mapName, unmatchedNames } from './mapping.ts';
import { nameKey } from './normalise.ts';

const id = /^[a-z][a-z0-9-]{0,39}$/;
const mapForm = z.object({
  scope: z.union([z.literal(''), z.string().regex(id)]),
  kind: z.string().regex(id),
  key: z.string().min(1).max(200),
  name: z.string().max(200),
});

export function catalogRoutes(db: Db, surveys: Surveys): Router {
  const router = Router();

  const scopeLabels = new Map(
    [...surveys.values()].flatMap((s) => s.questions.flatMap((q) => (q.kind === 'choice' ? q.options.map((o) => [o.id, o.label] as const) : []))),
  );

  async function render(res: Response, status = 200, error: string | null = null) {
    const [unmatched, names] = await Promise.all([unmatchedNames(db, surveys), canonicalNames(db, surveys)]);
    res.status(status).render('admin/names', { unmatched, names, scopeLabels, error });
  }

  // GET /admin/names - typed names that match nothing, and the catalog with its counts
  router.get('/names', async (_req, res) => render(res));

  // POST /admin/names/map - map a spelling to an existing or new canonical name
  router.post('/names/map', async (_req, res) => {
    const parsed = mapForm.safeParse(formObject(res.locals.form as FormFields));
    const checked = parsed.success ? checkLine(parsed.data.name, limits.name) : null;
    if (!parsed.success || !checked?.ok || checked.value === '' || nameKey(parsed.data.key) !== parsed.data.key) {
      return render(res, 400, checked && !checked.ok ? checked.message : 'Type the name to map this spelling to.');
    }
    await mapName(db, { ...parsed.data, name: checked.value });
    res.redirect(303, '/admin/names');
  });

  return router;
}
