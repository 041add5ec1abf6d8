// `postbag serve`: load the surveys, open the database, listen, and shut down cleanly.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { adminSessions } from './admin/session.ts';
import { createApp } from './app.ts';
import { seedCatalog } from './catalog/service.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { UserError } from './errors.ts';
import { loadReplyPolicy } from './replies/policy.ts';
import { startGemini } from './gemini/start.ts';
import { loadSurveys } from './surveys/load.ts';

export async function serve(config: Config, logger: Logger): Promise<void> {
  const surveys = await loadSurveys(config.surveysDir);
  const database = await openDatabase(config, logger, true);
  await seedCatalog(database.db, surveys.values());

  const sessions = await adminSessions(database.db);
  const replyPolicy = await loadReplyPolicy(database.db, config);
  const app = createApp({ db: database.db, surveys, logger, sessions, replyPolicy, trustProxy: config.trustProxy });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(listening)));
  }).catch(async (err: Error) => {
    await database.close();
    throw new UserError(`Cannot listen on ${config.host}:${config.port}: ${err.message}. Set PORT (or HOST) to a free one.`);
  });
  logger.info(`Postbag is serving on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/`);
  const gemini = await startGemini(config, { db: database.db, surveys, logger, replyPolicy }).catch(async (err: unknown) => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
    throw err;
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.closeIdleConnections();
    await Promise.all([new Promise((resolve) => server.close(resolve)), gemini?.close()]);
    try {
      await database.close();
      logger.info('stopped');
    } catch (err) {
      logger.error({ err }, 'the database did not close cleanly');
      process.exitCode = 1;
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
