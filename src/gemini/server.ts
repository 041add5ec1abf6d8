// The Gemini protocol over node:tls: read one request line within a byte limit and a time
// limit, hand it to `handle`, write its response, close. Written here rather than taken from
// npm, where Gemini servers use outdated status codes, SHA-1 fingerprints, unbounded buffers,
// or cut an over-long request short instead of refusing it.
import tls, { type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { readTarget, RequestLineReader, type GeminiTarget } from './request.ts';
import { badRequest, encodeResponse, temporaryFailure, type GeminiResponse } from './response.ts';

export interface GeminiRequest extends GeminiTarget {
  /** SHA-256 fingerprint of the client certificate, when one was presented. Never log it. */
  clientFingerprint: string | null;
  /** The client's address, for flood limits only. Never log it. */
  remoteAddress: string;
}

/** What `handle` answered, and the route it matched, for the log line (never the path: it holds tokens). */
export interface Handled {
  response: GeminiResponse;
  route: string;
}

export interface GeminiLimits {
  /** Time to finish the TLS handshake. */
  handshakeMs: number;
  /** Time from the handshake to the end of the request line. */
  requestMs: number;
  /** Time a connection may sit without any traffic, response included. */
  idleMs: number;
  /** Connections open at once; more are closed at once. */
  connections: number;
}

export const defaultLimits: GeminiLimits = { handshakeMs: 10_000, requestMs: 10_000, idleMs: 30_000, connections: 100 };

export interface GeminiServerOptions {
  key: string;
  cert: string;
  /** The host name requests must name (lowercase ASCII); others are refused with 53. */
  hostname: string;
  handle: (request: GeminiRequest) => Promise<Handled>;
  logger: Logger;
  limits?: Partial<GeminiLimits>;
}

export interface GeminiServer {
  server: tls.Server;
  /** Stops accepting, drops connections still waiting for their request, waits for the rest. */
  close(): Promise<void>;
}

export function createGeminiServer({ key, cert, hostname, handle, logger, limits: given = {} }: GeminiServerOptions): GeminiServer {
  const limits = { ...defaultLimits, ...given };
  const server = tls.createServer({
    key,
    cert,
    minVersion: 'TLSv1.2',
    // No ALPNProtocols: offering ALPN made Kristall time out.
    // Ask for a client certificate, accept any (self-signed is the norm) and none.
    requestCert: true,
    rejectUnauthorized: false,
    handshakeTimeout: limits.handshakeMs,
  });
  server.maxConnections = limits.connections;
  const waiting = new Set<TLSSocket>();

  server.on('tlsClientError', (err: Error) => logger.debug({ err: err.message }, 'gemini: TLS handshake failed'));
  server.on('secureConnection', (socket) => {
    socket.on('error', (err: Error) => logger.debug({ err: err.message }, 'gemini: connection error'));
    socket.setTimeout(limits.idleMs, () => socket.destroy());
    waiting.add(socket);
    const reader = new RequestLineReader();
    const respond = (response: GeminiResponse) => socket.end(encodeResponse(response));
    const stopReading = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      waiting.delete(socket);
    };
    const onData = (chunk: Buffer) => {
      const line = reader.push(chunk);
      if (line === null) return;
      stopReading();
      if (line === 'too long') respond(badRequest('The request is longer than 1024 bytes'));
      else void answer(socket, line).then(respond);
    };
    const timer = setTimeout(() => {
      stopReading();
      respond(badRequest('No request arrived in time'));
    }, limits.requestMs);
    socket.on('data', onData);
    socket.on('close', stopReading);
  });

  async function answer(socket: TLSSocket, line: Buffer): Promise<GeminiResponse> {
    const started = Date.now();
    try {
      const read = readTarget(line, hostname);
      if (!read.ok) {
        logger.info({ status: read.response.status }, 'gemini request refused');
        return read.response;
      }
      const request: GeminiRequest = {
        ...read.target,
        clientFingerprint: socket.getPeerCertificate().fingerprint256 || null,
        remoteAddress: socket.remoteAddress ?? '',
      };
      const { response, route } = await handle(request);
      logger.info({ route, status: response.status, ms: Date.now() - started }, 'gemini request');
      return response;
    } catch (err) {
      logger.error({ err }, 'gemini: unexpected error');
      return temporaryFailure('Postbag could not answer this request; please try again later');
    }
  }

  return {
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of waiting) socket.destroy();
      }),
  };
}
