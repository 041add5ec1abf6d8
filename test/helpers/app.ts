// A Postbag app on a test database, built the way src/server.ts builds it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach } from 'node:test';
import { pino } from 'pino';
import type { Express } from 'express';
import { adminSessions } from '../../src/admin/session.ts';
import { defaultThrottlePolicy } from '../../src/admin/throttle.ts';
import { createApp, type AppDeps } from '../../src/app.ts';
import { seedCatalog } from '../../src/catalog/service.ts';
import { recordTallyQuestions } from '../../src/tally/questions.ts';
import { DEFAULT_PURGE_AFTER_DAYS, loadConfig } from '../../src/config.ts';
import { loadReplyPolicy } from '../../src/replies/policy.ts';
import type { Db } from '../../src/db/client.ts';
import { loadSurveys } from '../../src/surveys/load.ts';
import type { Surveys } from '../../src/surveys/registry.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

const generousLimits = { client: { count: 1_000_000, windowMs: 60_000 }, global: { count: 1_000_000, windowMs: 60_000 } };

export const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = path.join(projectDir, 'test', 'fixtures');

export interface TestApp {
  app: Express;
  db: Db;
  surveys: Surveys;
  database: TestDatabase;
  /** Another app instance on the same database (a restart, a second instance, other settings). */
  makeApp(overrides?: Partial<AppDeps>): Promise<Express>;
}

/**
 * Registers hooks that give the calling test file an app on its own database, emptied and
 * re-seeded before every test, with the surveys of one folder or several. Read the returned
 * object's fields inside tests.
 */
export function useTestApp(surveysDirs: string | readonly string[] = path.join(projectDir, 'surveys')): TestApp {
  const context = {} as TestApp;
  before(async () => {
    context.database = await createTestDatabase();
    context.db = context.database.db;
    const folders = await Promise.all([surveysDirs].flat().map((dir) => loadSurveys(dir)));
    context.surveys = new Map(folders.flatMap((surveys) => [...surveys]));
    // Seeded once as at start-up, then copied back before each test: quicker than seeding again.
    await seedCatalog(context.db, context.surveys.values());
    await recordTallyQuestions(context.db, context.surveys.values());
    await context.database.keep(['catalog_name', 'catalog_alias', 'survey_catalog', 'survey_question']);
    context.makeApp = async (overrides = {}) =>
      createApp({
        db: context.db,
        surveys: context.surveys,
        logger: pino({ level: 'silent' }),
        sessions: await adminSessions(context.db),
        throttlePolicy: { ...defaultThrottlePolicy, delayMs: () => 0 },
        // Tests send forms at once; the flood limits have tests of their own.
        tallyCache: { freshWaitMs: Number.POSITIVE_INFINITY },
        replyPolicy: { ...(await loadReplyPolicy(context.db, loadConfig({}))), form: { minFillMs: 0, maxAgeMs: 3_600_000 }, flood: generousLimits },
        purgeAfterDays: DEFAULT_PURGE_AFTER_DAYS,
        ...overrides,
      });
    context.app = await context.makeApp();
  });
  beforeEach(async () => {
    await context.database.reset();
  });
  after(async () => {
    await context.database.drop();
  });
  return context;
}
