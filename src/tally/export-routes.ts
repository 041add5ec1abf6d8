// The author's downloads of replies (contact addresses included). Paths are relative to the
// admin router, which mounts this behind its sign-in guard: /admin/exports/...
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { BadRequest } from '../errors.ts';
import { findSurvey, type Surveys } from '../surveys/registry.ts';
import { exportCsv, exportJson, type ExportedReplies } from './export.ts';

const exportQuery = z.object({ replies: z.enum(['approved', 'all']).default('approved') });

function whichReplies(query: unknown): ExportedReplies {
  const parsed = exportQuery.safeParse(query);
  if (!parsed.success) throw new BadRequest('Choose replies=approved or replies=all.');
  return parsed.data.replies;
}

export function exportRoutes(db: Db, surveys: Surveys): Router {
  const router = Router();
  const formats = {
    csv: { type: 'text/csv; charset=utf-8', write: exportCsv },
    json: { type: 'application/json; charset=utf-8', write: exportJson },
  };

  // GET /admin/exports - the downloads, per survey
  router.get('/exports', (_req, res) => {
    res.render('tally/exports', { surveys: [...surveys.values()] });
  });

  for (const [extension, format] of Object.entries(formats)) {
    // GET /admin/exports/:slug.csv and /admin/exports/:slug.json (?replies=approved|all) - a download
    router.get(`/exports/:slug.${extension}`, async (req, res) => {
      const survey = findSurvey(surveys, req.params.slug);
      const which = whichReplies(req.query);
      res.type(format.type).attachment(`${survey.slug}-${which}.${extension}`);
      await pipeline(Readable.from(format.write(db, survey, which)), res);
    });
  }

  return router;
}
