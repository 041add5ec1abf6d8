// The privacy notice: what Postbag keeps of a reply, why, for how long, and how to remove it.
import type { RequestHandler } from 'express';
import { DEFAULT_PURGE_AFTER_DAYS } from '../config.ts';

export function privacyHandlers(purgeAfterDays: number) {
  // GET /privacy - the privacy notice, linked from every page's footer
  const notice: RequestHandler = (_req, res) => res.render('privacy/notice', { purgeAfterDays, defaultPurgeAfterDays: DEFAULT_PURGE_AFTER_DAYS });
  return { notice };
}
