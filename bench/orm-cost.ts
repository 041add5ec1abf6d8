// What Prisma adds to a query, against node-postgres alone on the same pool settings: the
// same statements, one after another, timed and with this process's CPU time per query (the
// database's own time is the same for both).
import pg from 'pg';
import type { Db } from '../src/db/client.ts';

export interface QueryCost {
  what: string;
  prisma: { ms: number; cpuMs: number };
  pg: { ms: number; cpuMs: number };
}

async function measure(n: number, run: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  for (let i = 0; i < 20; i++) await run();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await run();
  const used = process.cpuUsage(cpu);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6 / n, cpuMs: (used.user + used.system) / 1000 / n };
}

export async function ormCost(db: Db, databaseUrl: string, n: number): Promise<QueryCost[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  try {
    const cases: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      ['SELECT 1 ($queryRaw / pool.query)', () => db.$queryRaw`SELECT 1`, () => pool.query('SELECT 1')],
      [
        'one row by key (findUnique / pool.query)',
        () => db.tallyVersion.findUnique({ where: { surveySlug: 'leaving-session' } }),
        () => pool.query('SELECT survey_slug, version FROM tally_version WHERE survey_slug = $1', ['leaving-session']),
      ],
      [
        'the catalog, ~130 rows (findMany / pool.query)',
        () => db.catalogName.findMany({ select: { scope: true, kind: true, name: true } }),
        () => pool.query('SELECT scope, kind, name FROM catalog_name'),
      ],
    ];
    const costs: QueryCost[] = [];
    for (const [what, prisma, direct] of cases) costs.push({ what, prisma: await measure(n, prisma), pg: await measure(n, direct) });
    return costs;
  } finally {
    await pool.end();
  }
}
