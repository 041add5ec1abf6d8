// The author's downloads of replies (contact addresses included), under /admin behind the
// sign-in guard (src/routes.ts).
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { Handler } from '../forms/request.ts';
import { findSurvey, type Surveys } from '../surveys/registry.ts';
import { exportCsv, exportJson, type ExportedReplies } from './replies.ts';

export const exportQuery = z.object({ replies: z.enum(['approved', 'all']).default('approved') });

const formats = {
  csv: { type: 'text/csv; charset=utf-8', write: exportCsv },
  json: { type: 'application/json; charset=utf-8', write: exportJson },
};

export function exportHandlers(db: Db, surveys: Surveys) {
  // GET /admin/exports - the downloads, per survey
  const page: RequestHandler = (_req, res) => {
    res.render('exports/index', { surveys: [...surveys.values()] });
  };

  // GET /admin/exports/:slug.csv and /admin/exports/:slug.json (?replies=approved|all) - a download
  const download =
    (extension: keyof typeof formats): Handler<{ replies: ExportedReplies }> =>
    async (req, res, { replies }) => {
      const survey = findSurvey(surveys, String(req.params.slug));
      const format = formats[extension];
      res.type(format.type).attachment(`${survey.slug}-${replies}.${extension}`);
      await pipeline(Readable.from(format.write(db, survey, replies)), res);
    };

  return { page, csv: download('csv'), json: download('json') };
}
