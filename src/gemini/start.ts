// `postbag serve` starts the Gemini server beside the web server: its certificate, its routes,
// listening. A port already taken (the author's own capsule server on 1965, often) is said in
// one line, and Postbag goes on serving the web.
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { ClientKeys } from '../flood/client-key.ts';
import type { ReplyPolicy } from '../replies/policy.ts';
import type { Surveys } from '../surveys/registry.ts';
import { SurveyStates } from '../surveys/state.ts';
import { TallyCache } from '../tally/cache.ts';
import { serverCredentials } from './certificate.ts';
import { geminiClientHasher } from './client-id.ts';
import { geminiRoutes } from './routes.ts';
import { createGeminiServer, type GeminiServer } from './server.ts';

/** The running Gemini server, or null when GEMINI_PORT is 0 or its port cannot be had. */
export async function startGemini(config: Config, deps: { db: Db; surveys: Surveys; logger: Logger; replyPolicy: ReplyPolicy }): Promise<GeminiServer | null> {
  const { port, address, hostname } = config.gemini;
  if (port === 0) return null;
  const { logger } = deps;
  const credentials = await serverCredentials({ dataDir: config.dataDir, ...config.gemini });
  if (credentials.origin === 'made') logger.info(`Gemini: made a self-signed certificate for ${hostname}, kept in ${credentials.location}`);
  if (!credentials.coversHost) logger.warn(`Gemini: the certificate ${credentials.location} does not name ${hostname}; clients may warn`);

  const gemini = createGeminiServer({
    key: credentials.key,
    cert: credentials.cert,
    hostname,
    logger,
    handle: geminiRoutes({
      db: deps.db,
      surveys: deps.surveys,
      states: new SurveyStates(deps.db),
      tallies: new TallyCache(deps.db),
      clientHash: geminiClientHasher(deps.db),
      replyPolicy: deps.replyPolicy,
      clientKeys: new ClientKeys(deps.db),
    }),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      gemini.server.once('error', reject);
      gemini.server.listen(port, address, () => resolve());
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'is taken (by a capsule server?)' : `cannot be used (${code ?? (err as Error).message})`;
    logger.warn(`Gemini: port ${port} on ${address} ${why}; serving the web only. Set GEMINI_PORT to a free port, or 0 to turn Gemini off.`);
    return null;
  }
  gemini.server.on('error', (err) => logger.error({ err }, 'gemini: server error'));
  const host = isIP(hostname) === 6 ? `[${hostname}]` : hostname;
  const shown = port === 1965 ? host : `${host}:${port}`;
  logger.info(`Postbag is serving Gemini on gemini://${shown}/ (listening on ${address}:${port})`);
  return gemini;
}
