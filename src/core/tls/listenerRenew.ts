/**
 * Renewing MI's HTTPS listener certificate so it names the hosts its clients call (`[server] hostname`
 * and `localhost`, which MI calls itself): a new self-signed certificate for the same key, subject and
 * signature algorithm, as Renew does, whose subject alternative names add the missing ones. Once a
 * certificate has DNS names, clients ignore its CN, so every name it must answer to goes into the SAN.
 */
import { isIP } from 'node:net';
import { createSelfSignedCertificate, type SignatureAlgorithm } from '../keystore';
import { findEntry, InvalidInputError, openKey, type Keystore, type OpenKey } from '../keystore';
import { describeCertificate } from '../keystore';

/** Options of renewWithNames. */
export interface RenewWithNamesOptions {
  readonly validityDays: number;
  readonly now?: () => Date;
  readonly randomBytes?: (n: number) => Uint8Array;
}

/** The names a listener certificate must carry that it lacks, in `DNS:x` / `IP:y` form. */
export function missingSubjectAltNames(subjectAltNames: readonly string[], hosts: readonly string[]): string[] {
  const have = new Set(subjectAltNames.map((s) => s.toLowerCase()));
  const wanted = [...new Set(hosts.map((h) => h.trim().toLowerCase()).filter(Boolean))].map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`));
  return wanted.filter((w) => !have.has(w.toLowerCase()));
}

const RENEWABLE_ALGORITHMS: readonly string[] = ['SHA256withRSA', 'SHA384withRSA', 'SHA256withECDSA', 'SHA384withECDSA'];

/**
 * Re-issues the self-signed certificate of `alias` with the same key and subject, its SANs plus `hosts`
 * (the CN host too when the certificate had no SAN, since the new SAN makes clients ignore the CN).
 * A CA-signed certificate is refused: only its CA can add names.
 */
export async function renewWithNames(store: Keystore, alias: string, keyPassword: string, hosts: readonly string[], options: RenewWithNamesOptions): Promise<{ store: Keystore; added: string[] }> {
  const entry = findEntry(store, alias);
  if (!entry || entry.kind !== 'private-key' || entry.chain.length === 0) throw new InvalidInputError(`Alias "${alias}" is not a key entry with a certificate.`);
  const info = describeCertificate(entry.chain[0]);
  if (!info.selfSigned || entry.chain.length > 1) {
    throw new InvalidInputError(`The certificate of alias "${entry.alias}" is signed by a CA; ask that CA for a certificate naming ${hosts.join(' and ')} (Create CSR).`);
  }
  const cnHost = info.subjectAltNames.length === 0 ? /(?:^|,\s*)CN=([^,]+)/.exec(info.subject)?.[1]?.trim() : undefined;
  const added = missingSubjectAltNames(info.subjectAltNames, [...(cnHost && !/\s/.test(cnHost) ? [cnHost] : []), ...hosts]);
  if (added.length === 0) throw new InvalidInputError(`The certificate of alias "${entry.alias}" already names ${hosts.join(' and ')}.`);
  const pkcs8 = await openKey(entry, keyPassword);
  const now = options.now ? options.now() : new Date();
  // keytool's -ext SAN= form: lower-case type, as createSelfSignedCertificate takes it.
  const san = [...info.subjectAltNames, ...added].map((s) => {
    const i = s.indexOf(':');
    return i < 0 ? s : `${s.slice(0, i).toLowerCase()}:${s.slice(i + 1)}`;
  });
  const certificate = createSelfSignedCertificate({
    pkcs8,
    dname: info.subject,
    san,
    validityDays: options.validityDays,
    signatureAlgorithm: RENEWABLE_ALGORITHMS.includes(info.signatureAlgorithm) ? (info.signatureAlgorithm as SignatureAlgorithm) : undefined,
    now: () => now,
    ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
  });
  // The key goes back sealed with the password that opened it (the store password for PKCS12).
  const key: OpenKey = { sealed: 'open', pkcs8, password: keyPassword };
  return { store: { ...store, entries: store.entries.map((e) => (e === entry ? { ...entry, chain: [certificate], key, created: now } : e)) }, added };
}
