/**
 * Renewing MI's HTTPS listener certificate so it names the hosts its clients call (`[server] hostname`
 * and `localhost`, which MI calls itself): Renew (a new self-signed certificate for the same key), whose
 * subject alternative names add the missing ones. Once a certificate has DNS names, clients ignore its
 * CN, so every name it must answer to goes into the SAN.
 */
import { isIP } from 'node:net';
import { describeCertificate, findEntry, InvalidInputError, renewSelfSignedCertificate, type Keystore, type RenewOptions } from '../keystore';

/** The names a listener certificate must carry that it lacks, in `DNS:x` / `IP:y` form. */
export function missingSubjectAltNames(subjectAltNames: readonly string[], hosts: readonly string[]): string[] {
  const have = new Set(subjectAltNames.map((s) => s.toLowerCase()));
  const wanted = [...new Set(hosts.map((h) => h.trim().toLowerCase()).filter(Boolean))].map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`));
  return wanted.filter((w) => !have.has(w.toLowerCase()));
}

/**
 * Re-issues the self-signed certificate of `alias` (Renew: same key, subject and signature algorithm) with
 * its SANs plus `hosts` (the CN host too when the certificate had no SAN, since the new SAN makes clients
 * ignore the CN). A CA-signed certificate is refused: only its CA can add names.
 */
export async function renewWithNames(store: Keystore, alias: string, keyPassword: string, hosts: readonly string[], options: Omit<RenewOptions, 'addSubjectAltNames'>): Promise<{ store: Keystore; added: string[] }> {
  const entry = findEntry(store, alias);
  if (!entry || entry.kind !== 'private-key' || entry.chain.length === 0) throw new InvalidInputError(`Alias "${alias}" is not a key entry with a certificate.`);
  const info = describeCertificate(entry.chain[0]);
  if (!info.selfSigned || entry.chain.length > 1) {
    throw new InvalidInputError(`The certificate of alias "${entry.alias}" is signed by a CA; ask that CA for a certificate naming ${hosts.join(' and ')} (Create CSR).`);
  }
  const cnHost = info.subjectAltNames.length === 0 ? /(?:^|,\s*)CN=([^,]+)/.exec(info.subject)?.[1]?.trim() : undefined;
  const added = missingSubjectAltNames(info.subjectAltNames, [...(cnHost && !/\s/.test(cnHost) ? [cnHost] : []), ...hosts]);
  if (added.length === 0) throw new InvalidInputError(`The certificate of alias "${entry.alias}" already names ${hosts.join(' and ')}.`);
  return { store: await renewSelfSignedCertificate(store, alias, keyPassword, { ...options, addSubjectAltNames: added }), added };
}
