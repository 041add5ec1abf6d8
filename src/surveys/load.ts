// Reads every survey file at start, failing with the file and field at fault.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { surveySchema, type Survey } from './schema.ts';
import { UserError } from '../errors.ts';

export class SurveyFileError extends UserError {}

export async function loadSurveys(dir: string): Promise<Map<string, Survey>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (err) {
    throw new SurveyFileError(`Cannot read the surveys folder ${dir}: ${(err as Error).message}`);
  }
  const surveys = new Map<string, Survey>();
  for (const name of names) {
    const file = path.join(dir, name);
    const survey = parseSurveyFile(file, await readFile(file, 'utf8'));
    if (surveys.has(survey.slug)) throw new SurveyFileError(`${file}: slug "${survey.slug}" is used by another survey file too`);
    surveys.set(survey.slug, survey);
  }
  for (const survey of surveys.values()) {
    const shared = survey.sharesCatalogWith;
    if (shared === undefined) continue;
    // One level, as `each`: a catalog is always a survey's own, so every survey's is known from its file alone.
    const owner = surveys.get(shared);
    if (owner === undefined || owner === survey || owner.sharesCatalogWith !== undefined) {
      throw new SurveyFileError(`${survey.slug}: sharesCatalogWith must name another survey in ${dir} that has a catalog of its own, not "${shared}"`);
    }
  }
  return surveys;
}

export function parseSurveyFile(file: string, text: string): Survey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SurveyFileError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = surveySchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new SurveyFileError(`${file}: invalid survey:\n${problems.join('\n')}`);
  }
  return parsed.data;
}
