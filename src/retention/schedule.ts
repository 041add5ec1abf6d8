// The running app purges by itself (./purge.ts): at start, then every hour. The timer never
// keeps the process alive, and a failed run (the database away) is logged and tried again
// at the next hour, never thrown.
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { purge, type PurgeOptions } from './purge.ts';

const HOUR_MS = 60 * 60 * 1000;

export interface PurgeSchedule {
  /** Stops the timer; resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

export function schedulePurge(db: Db, options: PurgeOptions, logger: Logger): PurgeSchedule {
  let running = Promise.resolve();
  const run = () => {
    running = purge(db, options).then(
      (purged) => {
        const removed = purged.filter(({ count }) => count > 0);
        if (removed.length > 0) logger.info({ purged: removed }, 'old data purged');
      },
      (err: unknown) => logger.error({ err }, 'purging old data failed; it is tried again in an hour'),
    );
  };
  run();
  const timer = setInterval(run, HOUR_MS).unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
