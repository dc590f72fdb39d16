/**
 * A small PKI for the TLS tests, made by the real tools: openssl signs a root CA, an intermediate and the
 * leaves (expired, wrong names, SHA-1 and MD5 signed, self-signed, a client CA and its client key), keytool
 * writes the truststore MI would use, and local TLS servers on 127.0.0.1 present them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { keytool, TOOL_ENV } from './keytool';

/** openssl with the tools' environment; throws with its output when it fails. */
export function openssl(args: readonly string[], cwd: string): string {
  const r = spawnSync('openssl', args, { cwd, env: TOOL_ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Key and certificate files of one identity (PEM). */
export interface Identity {
  readonly key: string;
  readonly cert: string;
}

/** Everything the TLS tests need, under one folder. */
export interface TestPki {
  readonly dir: string;
  readonly root: Identity;
  readonly intermediate: Identity;
  readonly clientCa: Identity;
  /** Leaves by name: good, expired, mismatch, selfSigned, sha1, md5, weakKey (768-bit RSA), client, stranger. */
  readonly leaves: Readonly<Record<string, Identity>>;
  /** JKS truststore (keytool) holding the root CA, alias `root`, password `trustpass`. */
  readonly truststore: string;
  /** PKCS12 keystore with the client key issued by the client CA (alias `client`, password `clientpass`). */
  readonly clientKeystore: string;
  /** PKCS12 keystore with a self-signed key the server does not accept (alias `stranger`, password `clientpass`). */
  readonly strangerKeystore: string;
}

const EXT = {
  ca: 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n',
  server: 'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  mismatch: 'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nsubjectAltName=DNS:other.example.com\n',
  client: 'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
};

function issue(dir: string, name: string, subject: string, issuer: Identity | null, ext: string, options: { days?: number; md?: string; bits?: number } = {}): Identity {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  const extFile = path.join(dir, `${name}.ext`);
  fs.writeFileSync(extFile, ext);
  const md = `-${options.md ?? 'sha256'}`;
  if (!issuer) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', subject, '-days', String(options.days ?? 30), md, '-extensions', 'v3', '-config', configWith(dir, name, ext)], dir);
    return { key, cert };
  }
  const csr = path.join(dir, `${name}.csr`);
  openssl(['req', '-newkey', `rsa:${options.bits ?? 2048}`, '-nodes', '-keyout', key, '-out', csr, '-subj', subject], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', issuer.cert, '-CAkey', issuer.key, '-CAcreateserial', '-out', cert, '-days', String(options.days ?? 30), md, '-extfile', extFile], dir);
  return { key, cert };
}

/** A config file whose `v3` section holds the extensions, for self-signed `req -x509`. */
function configWith(dir: string, name: string, ext: string): string {
  const file = path.join(dir, `${name}.cnf`);
  fs.writeFileSync(file, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${ext}`);
  return file;
}

/** Makes the PKI under `dir` (about a second: openssl for the certificates, keytool for the truststore). */
export function makeTestPki(dir: string): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  const root = issue(dir, 'root', '/O=Trust Map Tests/CN=Test Root CA', null, EXT.ca, { days: 365 });
  const intermediate = issue(dir, 'intermediate', '/O=Trust Map Tests/CN=Test Intermediate CA', root, EXT.ca, { days: 365 });
  const clientCa = issue(dir, 'clientca', '/O=Trust Map Tests/CN=Test Client CA', null, EXT.ca, { days: 365 });
  const leaves = {
    good: issue(dir, 'good', '/CN=127.0.0.1', intermediate, EXT.server),
    expired: issue(dir, 'expired', '/CN=127.0.0.1', intermediate, EXT.server, { days: -1 }),
    mismatch: issue(dir, 'mismatch', '/CN=other.example.com', intermediate, EXT.mismatch),
    selfSigned: issue(dir, 'selfsigned', '/CN=127.0.0.1', null, EXT.server),
    sha1: issue(dir, 'sha1', '/CN=127.0.0.1', intermediate, EXT.server, { md: 'sha1' }),
    md5: issue(dir, 'md5', '/CN=127.0.0.1', intermediate, EXT.server, { md: 'md5' }),
    weakKey: issue(dir, 'weakkey', '/CN=127.0.0.1', intermediate, EXT.server, { bits: 768 }),
    client: issue(dir, 'client', '/CN=MI client', clientCa, EXT.client),
    stranger: issue(dir, 'stranger', '/CN=Stranger', null, EXT.client),
  };
  const truststore = path.join(dir, 'truststore.jks');
  keytool(['-importcert', '-noprompt', '-alias', 'root', '-file', root.cert, '-keystore', truststore, '-storetype', 'JKS', '-storepass', 'trustpass']);
  const p12 = (id: Identity, alias: string, extra: string[]) => {
    const out = path.join(dir, `${alias}.p12`);
    openssl(['pkcs12', '-export', '-inkey', id.key, '-in', id.cert, ...extra, '-name', alias, '-out', out, '-passout', 'pass:clientpass'], dir);
    return out;
  };
  const clientKeystore = p12(leaves.client, 'client', ['-certfile', clientCa.cert]);
  const strangerKeystore = p12(leaves.stranger, 'stranger', []);
  return { dir, root, intermediate, clientCa, leaves, truststore, clientKeystore, strangerKeystore };
}

/** How a test server behaves. */
export interface ServerSpec {
  readonly leaf: Identity;
  /** Send the intermediate after the leaf (default true when the leaf is issued by it). */
  readonly sendIntermediate?: boolean;
  readonly minVersion?: tls.SecureVersion;
  readonly maxVersion?: tls.SecureVersion;
  /** Demand a client certificate issued by this CA. */
  readonly requireClientCa?: Identity;
  /** Let OpenSSL load weak certificates (SHA-1, MD5 signatures). */
  readonly weak?: boolean;
}

/** Starts a TLS server on 127.0.0.1 (a free port); it answers nothing beyond the handshake. */
export async function startTlsServer(pki: TestPki, spec: ServerSpec): Promise<{ port: number; close: () => Promise<void> }> {
  const read = (f: string) => fs.readFileSync(f, 'utf8');
  const chain = read(spec.leaf.cert) + (spec.sendIntermediate ? read(pki.intermediate.cert) : '');
  const server = tls.createServer({
    key: read(spec.leaf.key),
    cert: chain,
    minVersion: spec.minVersion ?? 'TLSv1.2',
    maxVersion: spec.maxVersion ?? 'TLSv1.3',
    ...(spec.weak ? { ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
    ...(spec.requireClientCa ? { requestCert: true, rejectUnauthorized: true, ca: read(spec.requireClientCa.cert) } : {}),
  });
  const sockets = new Set<tls.TLSSocket>();
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Compiles the JSSE oracle (test/oracle/TlsOracle.java) into `dir`, its class path; throws with javac's output. */
export function compileTlsOracle(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const javac = spawnSync('javac', ['-d', dir, path.resolve(__dirname, '../oracle/TlsOracle.java')], { encoding: 'utf8' });
  if (javac.status !== 0) throw new Error(`javac TlsOracle.java failed: ${javac.stderr}`);
  return dir;
}
