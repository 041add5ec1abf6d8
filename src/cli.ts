// The `postbag` command: `npm start` is `postbag serve`; the others are the author's tools.
// Each command loads what it needs when it runs: loading everything up front (Prisma's client,
// Express, the migration engine) made even `postbag --help` take a second.
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from './config.ts';

const program = new Command('postbag').description("Collect, moderate and publish readers' replies to a capsule post.");

program
  .command('serve')
  .description('serve the reader form and the admin (on an embedded PostgreSQL unless DATABASE_URL is set)')
  .action(async () => {
    const config = loadConfig();
    const [{ serve }, { createLogger }] = await Promise.all([import('./server.ts'), import('./http/logging.ts')]);
    await serve(config, createLogger(config.logLevel));
  });

program
  .command('migrate')
  .description('apply pending database migrations from prisma/migrations')
  .action(async () => {
    const config = loadConfig();
    const [{ connectionFor }, { applyMigrations }, { createLogger }] = await Promise.all([
      import('./db/database.ts'),
      import('./db/migrations.ts'),
      import('./http/logging.ts'),
    ]);
    const { url, stopServer } = await connectionFor(config, createLogger(config.logLevel));
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
    const [{ connectionFor }, { createMigration }, { createLogger }] = await Promise.all([
      import('./db/database.ts'),
      import('./db/migrations.ts'),
      import('./http/logging.ts'),
    ]);
    const { url, stopServer } = await connectionFor(config, createLogger(config.logLevel));
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
    const [{ readNewPassword }, { setAuthorPassword }, { openDatabase }, { createLogger }] = await Promise.all([
      import('./admin/read-password.ts'),
      import('./admin/password.ts'),
      import('./db/database.ts'),
      import('./http/logging.ts'),
    ]);
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
    const [{ loadSurveys }, { openDatabase }, { exportTally }, { createLogger }] = await Promise.all([
      import('./surveys/load.ts'),
      import('./db/database.ts'),
      import('./gemtext/export.ts'),
      import('./http/logging.ts'),
    ]);
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

/**
 * Mistakes in the environment, a survey or post file, or a password are the user's to fix: say
 * what, not where in the code. A module whose error this is has been loaded already, so these
 * imports cost nothing then.
 */
async function isUserMistake(err: unknown): Promise<boolean> {
  const [{ PasswordError }, { DataDirBusy }, { PostFileError }, { SurveyFileError }] = await Promise.all([
    import('./admin/password.ts'),
    import('./db/app-lock.ts'),
    import('./gemtext/post-file.ts'),
    import('./surveys/load.ts'),
  ]);
  return [ConfigError, SurveyFileError, PasswordError, PostFileError, DataDirBusy].some((type) => err instanceof type);
}

try {
  await program.parseAsync();
} catch (err) {
  console.error((await isUserMistake(err)) ? (err as Error).message : err);
  process.exitCode = 1;
}
