// The Gemini server's certificate. Clients trust on first use: they pin the certificate they
// saw first and warn when it changes. So Postbag makes a self-signed one on first start, for
// the configured host name and valid for good, keeps it under the data folder and reuses it;
// or it uses the author's own files (GEMINI_CERT, GEMINI_KEY).
//
// Node cannot make an X.509 certificate by itself. @peculiar/x509 (PeculiarVentures, actively
// maintained, typed, no native code) builds and signs one over WebCrypto, with an ECDSA P-256 key
// from node's own WebCrypto: no openssl program needed. (`selfsigned` wraps the same library but
// defaults to RSA and SHA-1.) Its version 2 expects the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { UserError } from '../errors.ts';

x509.cryptoProvider.set(webcrypto);

export interface Credentials {
  key: string;
  cert: string;
}

export interface ServerCredentials extends Credentials {
  /** Where they came from: the author's files, a folder Postbag made them in now, or kept from before. */
  origin: 'given' | 'made' | 'kept';
  /** The author's certificate file, or the folder holding Postbag's. */
  location: string;
  /** False when the certificate does not name the configured host: clients may warn. */
  coversHost: boolean;
}

/** A certificate or key that cannot be used, with the file at fault and what to do. */
export class GeminiCertificateError extends UserError {}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
/** RFC 5280, 4.1.2.5: "no well-defined expiration date". */
const FOREVER = new Date('9999-12-31T23:59:59Z');

/** A new ECDSA P-256 key and a self-signed certificate naming `hostname`, valid from yesterday for good. */
export async function makeSelfSigned(hostname: string, now = new Date()): Promise<Credentials> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // serial numbers are positive
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ CN: [hostname] }],
    notBefore: new Date(now.getTime() - 24 * 3600_000), // a client whose clock is behind still accepts it
    notAfter: FOREVER,
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: isIP(hostname) ? 'ip' : 'dns', value: hostname }])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { key, cert: certificate.toString('pem') };
}

/**
 * The author's certificate files when given, else the certificate kept under
 * `dataDir/gemini/<hostname>/`, made there on first start. One folder per host name, so
 * switching names back keeps each name's pins. Instances starting together make one between them.
 */
export async function serverCredentials(options: {
  dataDir: string;
  hostname: string;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}): Promise<ServerCredentials> {
  const { hostname, certFile, keyFile } = options;
  if (certFile !== undefined && keyFile !== undefined) {
    const given = checked(await readPem(certFile, 'certificate'), await readPem(keyFile, 'key'), certFile);
    return { ...given, origin: 'given', location: certFile, coversHost: covers(given.cert, hostname) };
  }
  const dir = path.join(options.dataDir, 'gemini', hostname);
  const kept = await readKept(dir);
  if (kept) return { ...kept, origin: 'kept', location: dir, coversHost: true };

  await mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
  const temp = await mkdtemp(path.join(path.dirname(dir), '.new-'));
  try {
    const made = await makeSelfSigned(hostname);
    await writeFile(path.join(temp, 'key.pem'), made.key, { mode: 0o600 });
    await writeFile(path.join(temp, 'cert.pem'), made.cert);
    await rename(temp, dir);
    return { ...made, origin: 'made', location: dir, coversHost: true };
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw err;
    // Another instance made its certificate first: use that one.
    return { ...(await readKept(dir))!, origin: 'kept', location: dir, coversHost: true };
  }
}

async function readKept(dir: string): Promise<Credentials | null> {
  const certFile = path.join(dir, 'cert.pem');
  const cert = await readFile(certFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new GeminiCertificateError(`Cannot read the Gemini certificate ${certFile}: ${err.message}`);
  });
  if (cert === null) return null;
  return checked(cert, await readPem(path.join(dir, 'key.pem'), 'key'), certFile);
}

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new GeminiCertificateError(`Cannot read the Gemini ${what} ${file}: ${(err as Error).message}`);
  }
}

/** The pair, once TLS has accepted it (a key that does not match the certificate is refused here). */
function checked(cert: string, key: string, certFile: string): Credentials {
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new GeminiCertificateError(`The Gemini certificate ${certFile} and its key cannot be used together: ${(err as Error).message}`);
  }
  return { cert, key };
}

function covers(cert: string, hostname: string): boolean {
  const certificate = new X509Certificate(cert);
  return (isIP(hostname) ? certificate.checkIP(hostname) : certificate.checkHost(hostname)) !== undefined;
}
