// One app at a time on an embedded database: a second `npm start` on the same DATA_DIR would
// share (and at its exit stop) the first one's PostgreSQL. Several instances are for a shared
// PostgreSQL server (DATABASE_URL). The lock is a pid file that a killed app leaves stale;
// a pid that no longer names a serving Postbag does not hold it.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';

export class DataDirBusy extends UserError {}

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'postbag.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return async () => {
        if ((await readFile(file, 'utf8').catch(() => '')).trim() === String(process.pid)) await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && (await isServingPostbag(holder))) {
        throw new DataDirBusy(
          `Another Postbag (process ${holder}) is already serving from ${dataDir}. Stop it first, or set DATABASE_URL to run several instances on one PostgreSQL server.`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new DataDirBusy(`Could not take ${file}; remove it if no Postbag is running.`);
}

async function isServingPostbag(pid: number): Promise<boolean> {
  if (pid === process.pid) return false;
  const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  return command.includes('serve') && command.some((arg) => arg.endsWith('cli.ts') || arg.endsWith('postbag') || arg.endsWith('postbag.js'));
}
