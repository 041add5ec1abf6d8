// `postbag serve`: load the surveys, open the database, listen, purge old data every hour, and
// shut down cleanly within SHUTDOWN_TIMEOUT.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { adminSessions } from './admin/session.ts';
import { createApp } from './app.ts';
import { seedCatalog } from './catalog/service.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { UserError } from './errors.ts';
import { loadReplyPolicy } from './replies/policy.ts';
import type { GeminiServer } from './gemini/server.ts';
import { startGemini } from './gemini/start.ts';
import { serverCloser } from './http/shutdown.ts';
import { purgeOptions } from './retention/purge.ts';
import { schedulePurge } from './retention/schedule.ts';
import { loadSurveys } from './surveys/load.ts';
import { recordTallyQuestions } from './tally/questions.ts';

export async function serve(config: Config, logger: Logger): Promise<void> {
  const surveys = await loadSurveys(config.surveysDir);
  const database = await openDatabase(config, logger, true);
  await seedCatalog(database.db, surveys.values());
  await recordTallyQuestions(database.db, surveys.values());

  const sessions = await adminSessions(database.db);
  const replyPolicy = await loadReplyPolicy(database.db, config);
  const app = createApp({ db: database.db, surveys, logger, sessions, replyPolicy, trustProxy: config.trustProxy, purgeAfterDays: config.purgeAfterDays });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(listening)));
  }).catch(async (err: Error) => {
    await database.close();
    throw new UserError(`Cannot listen on ${config.host}:${config.port}: ${err.message}. Set PORT (or HOST) to a free one.`);
  });
  const purging = schedulePurge(database.db, purgeOptions(config, config.purgeAfterDays), logger);
  const closer = serverCloser(server);
  let gemini: GeminiServer | null = null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // The bound covers the requests; the database then gets a little more to close, so that
    // a database that stopped answering cannot hold the process forever either.
    const seconds = config.shutdownTimeoutSeconds;
    setTimeout(
      () => {
        logger.error('the database did not close in time; exiting');
        process.exit(1);
      },
      (seconds + 5) * 1000,
    ).unref();
    const [cut] = await Promise.all([closer.close(seconds * 1000), gemini?.close()]);
    if (cut > 0) logger.warn(`cut ${cut} request${cut === 1 ? '' : 's'} still in flight after ${seconds} s`);
    try {
      await purging.stop();
      await database.close();
      logger.info('stopped');
    } catch (err) {
      logger.error({ err }, 'the database did not close cleanly');
      process.exitCode = 1;
    }
  };
  // Listening from here on: a signal must find its handler even while Gemini is still starting.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Announced only now: a supervisor (or a test) that signals as soon as it reads this line
  // must find the handlers in place, not Node's default of dying at once.
  logger.info(`Postbag is serving on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/`);
  gemini = await startGemini(config, { db: database.db, surveys, logger, replyPolicy }).catch(async (err: unknown) => {
    // Its certificate files cannot be read, say: nothing should keep serving half set up.
    await stop('the Gemini server could not start');
    throw err;
  });
}
