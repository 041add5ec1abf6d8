// The `postbag` command: `npm start` is `postbag serve`; the others are the author's tools.
import { Command, Option } from 'commander';
import { loadConfig } from './config.ts';
import { UserError } from './errors.ts';
import { readNewPassword } from './admin/read-password.ts';
import { setAuthorPassword } from './admin/password.ts';
import { connectionFor, openDatabase } from './db/database.ts';
import { applyMigrations, createMigration } from './db/migrations.ts';
import { exportTally } from './tally/publish.ts';
import { createLogger } from './http/logging.ts';
import { serve } from './server.ts';
import { loadSurveys } from './surveys/load.ts';

const program = new Command('postbag').description("Collect, moderate and publish readers' replies to a capsule post.");

program
  .command('serve')
  .description('serve the reader form and the admin (on an embedded PostgreSQL unless DATABASE_URL is set)')
  .action(async () => {
    const config = loadConfig();
    await serve(config, createLogger(config.logLevel));
  });

program
  .command('migrate')
  .description('apply pending database migrations from prisma/migrations')
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const { url, stopServer } = await connectionFor(config, logger);
    try {
      const applied = await applyMigrations(url);
      console.log(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`);
    } finally {
      await stopServer();
    }
  });

program
  .command('migration')
  .argument('<name>', 'what the change is about, in lowercase_with_underscores')
  .description('write a new migration from the changes to prisma/schema.prisma')
  .action(async (name: string) => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const { url, stopServer } = await connectionFor(config, logger);
    try {
      const written = await createMigration(url, name);
      console.log(written === null ? 'prisma/schema.prisma matches the migrations: nothing to write.' : `Wrote ${written}`);
    } finally {
      await stopServer();
    }
  });

program
  .command('set-password')
  .description("set the author's admin password (asked on a terminal, else one line from standard input)")
  .action(async () => {
    const config = loadConfig();
    const password = await readNewPassword();
    const database = await openDatabase(config, createLogger(config.logLevel));
    try {
      await setAuthorPassword(database.db, password);
      console.log('The password is set. Sign in at /admin; earlier sessions and sign-in blocks are gone.');
    } finally {
      await database.close();
    }
  });

program
  .command('export')
  .argument('<slug>', 'the survey whose tally to write')
  .addOption(new Option('--out <file>', 'write the tally as a gemtext page of its own').conflicts('append'))
  .addOption(new Option('--append <post>', 'place the tally at the end of a gemtext post, between marker lines; later runs replace it there'))
  .description('write the tally of approved replies as gemtext for the capsule (a run with nothing new changes no byte)')
  .action(async (slug: string, options: { out?: string; append?: string }, command: Command) => {
    const target = options.out !== undefined ? { out: options.out } : options.append !== undefined ? { append: options.append } : null;
    if (target === null) command.error('error: give --out FILE.gmi (a page of its own) or --append POST.gmi (a section in a post)');
    const config = loadConfig();
    const surveys = await loadSurveys(config.surveysDir);
    const survey = surveys.get(slug);
    if (!survey) command.error(`error: no survey "${slug}" in ${config.surveysDir} (there are: ${[...surveys.keys()].join(', ') || 'none'})`);
    const database = await openDatabase(config, createLogger(config.logLevel));
    try {
      console.log(await exportTally(database.db, survey, target));
    } finally {
      await database.close();
    }
  });

program
  .command('purge')
  .option('--older-than <days>', 'delete rejected and spam replies this long after the decision, e.g. 30d (default: PURGE_AFTER_DAYS, 30d)')
  .description('delete rejected and spam replies, expired sign-in counters and expired admin sessions (the app also does it every hour)')
  .action(async (options: { olderThan?: string }, command: Command) => {
    const days = options.olderThan === undefined ? null : /^([1-9]\d{0,4})d$/.exec(options.olderThan)?.[1];
    if (days === undefined) command.error('error: give --older-than as a number of days, e.g. 30d');
    const { purge } = await import('./retention/purge.ts');
    const config = loadConfig();
    const database = await openDatabase(config, createLogger(config.logLevel));
    try {
      const purged = await purge(database.db, { rejectedAfterDays: days === null ? config.purgeAfterDays : Number(days) });
      console.log(`Deleted ${purged.map(({ count, what }) => `${count} ${what}`).join(', ')}.`);
    } finally {
      await database.close();
    }
  });

try {
  await program.parseAsync();
} catch (err) {
  // Mistakes in the environment, a survey file or a post are the user's to fix: say what, not where in the code.
  console.error(err instanceof UserError ? err.message : err);
  process.exitCode = 1;
}
