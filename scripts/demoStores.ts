// The keystores of the demo workspace, made by the product's own engine (no keytool, no copied files):
// what a default MI install has under repository/resources/security/, with values MI's documentation and
// shipped configuration name (docs/mi-configuration.md#the-default-stores):
//   wso2carbon.jks         JKS, password `wso2carbon`; one RSA-2048 key pair under alias `wso2carbon`,
//                          CN=localhost with SAN localhost, issued 2024-02-22 for 825 days, so it expired
//                          on 2026-05-27 like the default certificate WSO2 copies into new projects; and,
//                          as WSO2's shipped store does, the same root CAs as the truststore.
//   client-truststore.jks  JKS, password `wso2carbon`; the public root CAs (here Node's bundled ones,
//                          `tls.rootCertificates`, where MI ships the JDK's) plus the wso2carbon certificate.
// scripts/makeDemo.mjs loads this module through tsx and writes the bytes with writeKeystoreFile.
import * as tls from 'node:tls';
import { encodeKeystore, addKeyPair, createStore, importTrustedCertificate, decodeCertificates, describeCertificate, type Keystore } from '../src/core/keystore';

/** The password of both demo stores and of the key: MI's default, which the checks flag. */
export const DEMO_PASSWORD = 'wso2carbon';

/** The alias of the primary key pair, as MI's `[keystore.primary] alias` defaults to. */
export const DEMO_KEY_ALIAS = 'wso2carbon';

/** The subject of the default certificate (keytool `-dname` syntax). */
export const DEMO_DNAME = 'CN=localhost, OU=WSO2, O=WSO2, L=Mountain View, ST=CA, C=US';

/** When the default certificate was issued; with DEMO_VALIDITY_DAYS it ends on 2026-05-27. */
export const DEMO_NOT_BEFORE = new Date('2024-02-22T05:30:00Z');

/** Validity of the default certificate in days (2024-02-22 + 825 days = 2026-05-27). */
export const DEMO_VALIDITY_DAYS = 825;

/** The two demo stores, encoded, and what went into them. */
export interface DemoStores {
  /** wso2carbon.jks: the primary (and, by default, internal) keystore. */
  readonly primary: Uint8Array;
  /** client-truststore.jks. */
  readonly truststore: Uint8Array;
  /** How many root CAs each store holds besides the wso2carbon key or certificate. */
  readonly rootCount: number;
}

/**
 * A truststore alias for a root CA: its CN (else O, else the SHA-256) lowercased to letters and digits,
 * as the aliases of the JDK's cacerts read; a clash gets a numeric suffix.
 */
function rootAlias(der: Uint8Array, taken: Set<string>): string {
  const info = describeCertificate(der);
  const name = /(?:^|,\s*)CN=([^,]+)/.exec(info.subject)?.[1] ?? /(?:^|,\s*)O=([^,]+)/.exec(info.subject)?.[1] ?? info.sha256;
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'root';
  let alias = base;
  for (let n = 2; taken.has(alias); n++) alias = `${base}${n}`;
  taken.add(alias);
  return alias;
}

/** Makes both demo stores; `roots` (PEM texts) defaults to Node's bundled root CAs. */
export async function makeDemoStores(roots: readonly string[] = tls.rootCertificates): Promise<DemoStores> {
  const now = () => DEMO_NOT_BEFORE;
  const primary = await addKeyPair(createStore('JKS'), {
    alias: DEMO_KEY_ALIAS,
    keyAlgorithm: 'RSA',
    keySize: 2048,
    dname: DEMO_DNAME,
    san: ['dns:localhost'],
    validityDays: DEMO_VALIDITY_DAYS,
    signatureAlgorithm: 'SHA256withRSA',
    keyPassword: DEMO_PASSWORD,
    now,
  });
  const key = primary.entries[0];
  if (key.kind !== 'private-key') throw new Error('the demo key pair was not created');

  // WSO2's shipped wso2carbon.jks holds the JDK's root CAs beside its key, as its truststore does.
  let keystore: Keystore = primary;
  let truststore: Keystore = createStore('JKS');
  const taken = new Set<string>([DEMO_KEY_ALIAS]);
  let rootCount = 0;
  for (const pem of roots) {
    for (const der of decodeCertificates(pem)) {
      const alias = rootAlias(der, taken);
      keystore = importTrustedCertificate(keystore, alias, der, { now }).store;
      truststore = importTrustedCertificate(truststore, alias, der, { now }).store;
      rootCount++;
    }
  }
  // MI's truststore trusts the server's own certificate, so its TLS clients accept its own listeners.
  truststore = importTrustedCertificate(truststore, DEMO_KEY_ALIAS, key.chain[0], { now }).store;

  return {
    primary: await encodeKeystore(keystore, DEMO_PASSWORD),
    truststore: await encodeKeystore(truststore, DEMO_PASSWORD),
    rootCount,
  };
}
