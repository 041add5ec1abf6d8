// A PostgreSQL server for throwaway databases (the test suite's, the benchmark's): the one at
// `url` when given, else an embedded one in a temporary folder that `stop` removes again.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';

export interface ScratchServer {
  serverUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function scratchServer(url: string | undefined, label: string): Promise<ScratchServer> {
  if (url) return { serverUrl: url, embedded: false, stop: async () => {} };
  const dir = await mkdtemp(path.join(os.tmpdir(), `postbag-${label}-`));
  const server = await startEmbeddedPostgres(dir);
  return {
    serverUrl: server.serverUrl,
    embedded: true,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
