// The `postbag` command: `npm start` is `postbag serve`; the others are the author's tools.
// Each command loads what it needs when it runs: loading everything up front (Prisma's client,
// Express, the migration engine) made even `postbag --help` take a second.
import { Command, CommanderError, Option } from 'commander';
import { loadConfig } from './config.ts';
import { UserError } from './errors.ts';

/** Where a run of `postbag` reads and writes: the process's own streams, or a test's. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  stdin: NodeJS.ReadStream;
  /** The environment to read settings from, when not this process's. */
  env?: NodeJS.ProcessEnv;
}

const processIo: Io = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  stdin: process.stdin,
};

/** Runs `postbag` with `args` (what follows the command's name); resolves with its exit code. */
export async function runPostbag(args: readonly string[], io: Io = processIo): Promise<number> {
  const program = postbag(io);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (err) {
    // --help, --version and usage mistakes: commander has said what it had to.
    if (err instanceof CommanderError) return err.exitCode;
    // Mistakes in the environment, a survey file or a post are the user's to fix: say what, not where in the code.
    io.err(err instanceof UserError ? err.message : String((err as Error).stack ?? err));
    return 1;
  }
}

function postbag(io: Io): Command {
  const program = new Command('postbag')
    .description("Collect, moderate and publish readers' replies to a capsule post.")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.replace(/\n$/, '')), writeErr: (text) => io.err(text.replace(/\n$/, '')) });

  program
    .command('serve')
    .description('serve the reader form and the admin (on an embedded PostgreSQL unless DATABASE_URL is set)')
    .action(async () => {
      const config = loadConfig(io.env);
      const [{ serve }, { createLogger }] = await Promise.all([import('./server.ts'), import('./http/logging.ts')]);
      await serve(config, createLogger(config.logLevel));
    });

  program
    .command('migrate')
    .description('apply pending database migrations from prisma/migrations')
    .option('--rolled-back <name>', 'mark the failed migration <name> rolled back, once its SQL is fixed: the next start applies it again')
    .action(async (options: { rolledBack?: string }) => {
      const config = loadConfig(io.env);
      const [{ connectionFor }, { applyMigrations, markMigrationRolledBack }, { createLogger }] = await Promise.all([
        import('./db/database.ts'),
        import('./db/migrations.ts'),
        import('./http/logging.ts'),
      ]);
      const logger = createLogger(config.logLevel);
      const { url, stopServer } = await connectionFor(config, logger);
      try {
        if (options.rolledBack !== undefined) {
          await markMigrationRolledBack(url, options.rolledBack);
          io.out(`Marked ${options.rolledBack} rolled back: the next start (or postbag migrate) applies it again.`);
        } else {
          const applied = await applyMigrations(url, (message) => logger.warn(message));
          io.out(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`);
        }
      } finally {
        await stopServer();
      }
    });

  program
    .command('migration')
    .argument('<name>', 'what the change is about, in lowercase_with_underscores')
    .description('write a new migration from the changes to prisma/schema.prisma')
    .action(async (name: string) => {
      const config = loadConfig(io.env);
      // Only this command brings Prisma's schema engine (create-migration.ts).
      const [{ connectionFor }, { createMigration }, { createLogger }] = await Promise.all([
        import('./db/database.ts'),
        import('./db/create-migration.ts'),
        import('./http/logging.ts'),
      ]);
      const { url, stopServer } = await connectionFor(config, createLogger(config.logLevel));
      try {
        const written = await createMigration(url, name);
        io.out(written === null ? 'prisma/schema.prisma matches the migrations: nothing to write.' : `Wrote ${written}`);
      } finally {
        await stopServer();
      }
    });

  program
    .command('set-password')
    .description("set the author's admin password (asked on a terminal, else one line from standard input)")
    .action(async () => {
      const config = loadConfig(io.env);
      const [{ readNewPassword }, { setAuthorPassword }, { openDatabase }, { createLogger }] = await Promise.all([
        import('./admin/read-password.ts'),
        import('./admin/password.ts'),
        import('./db/database.ts'),
        import('./http/logging.ts'),
      ]);
      const password = await readNewPassword(io.stdin);
      const database = await openDatabase(config, createLogger(config.logLevel));
      try {
        await setAuthorPassword(database.db, password);
        io.out('The password is set. Sign in at /admin; earlier sessions and sign-in blocks are gone.');
      } finally {
        await database.close();
      }
    });

  program
    .command('export')
    .argument('<slug>', 'the survey whose tally to write')
    .addOption(new Option('--out <file>', 'write the tally as a gemtext page of its own').conflicts(['append', 'touchDate']))
    .addOption(new Option('--append <post>', 'place the tally in a gemtext post, after its text and above its footer; later runs replace it there'))
    .addOption(new Option('--touch-date', "with --append: when the tally changes, set the post's [Last updated: …] line to today"))
    .description('write the tally of approved replies as gemtext for the capsule (a run with nothing new changes no byte)')
    .action(async (slug: string, options: { out?: string; append?: string; touchDate?: boolean }, command: Command) => {
      const target =
        options.out !== undefined
          ? { out: options.out }
          : options.append !== undefined
            ? { append: options.append, touchDate: options.touchDate === true }
            : null;
      if (target === null) command.error('error: give --out FILE.gmi (a page of its own) or --append POST.gmi (a section in a post)');
      const config = loadConfig(io.env);
      const [{ loadSurveys }, { openDatabase }, { exportTally }, { createLogger }] = await Promise.all([
        import('./surveys/load.ts'),
        import('./db/database.ts'),
        import('./tally/publish.ts'),
        import('./http/logging.ts'),
      ]);
      const surveys = await loadSurveys(config.surveysDir);
      const survey = surveys.get(slug);
      if (!survey) command.error(`error: no survey "${slug}" in ${config.surveysDir} (there are: ${[...surveys.keys()].join(', ') || 'none'})`);
      const database = await openDatabase(config, createLogger(config.logLevel));
      try {
        io.out(await exportTally(database.db, survey, target));
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
      const [{ purge, purgeOptions }, { openDatabase }, { createLogger }] = await Promise.all([
        import('./retention/purge.ts'),
        import('./db/database.ts'),
        import('./http/logging.ts'),
      ]);
      const config = loadConfig(io.env);
      const database = await openDatabase(config, createLogger(config.logLevel));
      try {
        const purged = await purge(database.db, purgeOptions(config, days === null ? config.purgeAfterDays : Number(days)));
        io.out(`Deleted ${purged.map(({ count, what }) => `${count} ${what}`).join(', ')}.`);
      } finally {
        await database.close();
      }
    });

  return program;
}
