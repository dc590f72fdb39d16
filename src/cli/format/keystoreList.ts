/**
 * `mi-keystores list` output: a keytool-like summary (one line per entry: alias, kind, chain length, expiry,
 * SHA-256), or the JSON document other tools parse.
 */
import { certificatesOf, type CertificateInfo, type Entry, type Keystore } from '../../core/keystore';

/** One entry of `list --json` (other tools parse this shape). */
export interface ListedEntry {
  readonly alias: string;
  readonly kind: Entry['kind'];
  readonly created: string | null;
  readonly chainLength: number;
  readonly certificate: CertificateInfo | null;
  /** A secret key's algorithm and strength in bits; null for other entries and for a key the password given does not open. */
  readonly secretKey: SecretKeySummary | null;
}

/** What `list` shows of a secret key. */
export interface SecretKeySummary {
  readonly algorithm: string;
  readonly size: number;
}

/** The whole `list --json` document. */
export interface ListedKeystore {
  readonly file: string;
  readonly format: Keystore['format'];
  readonly integrity: Keystore['integrity'];
  readonly entries: readonly ListedEntry[];
}

/** Builds the `list --json` document of a decoded store (`secrets`: what describeSecrets found). */
export function listKeystore(
  file: string,
  store: Keystore,
  describe: (der: Uint8Array) => CertificateInfo,
  secrets: ReadonlyMap<Entry, SecretKeySummary> = new Map(),
): ListedKeystore {
  return {
    file,
    format: store.format,
    integrity: store.integrity,
    entries: store.entries.map((e) => {
      const leaf = certificatesOf(e)[0];
      return {
        alias: e.alias,
        kind: e.kind,
        created: e.created ? e.created.toISOString() : null,
        chainLength: e.kind === 'private-key' ? e.chain.length : 0,
        certificate: leaf ? describe(leaf) : null,
        secretKey: secrets.get(e) ?? null,
      };
    }),
  };
}

/** What the human summary shows of a certificate: expiry and fingerprint. */
export interface CertificateSummary {
  readonly notAfter: string;
  readonly sha256: string;
}

/** One line per entry like keytool's `-list` summary: alias, kind, chain length, expiry, SHA-256. */
export function formatKeystoreText(store: Keystore, summarize: (der: Uint8Array) => CertificateSummary, secrets: ReadonlyMap<Entry, SecretKeySummary>): string {
  const n = store.entries.length;
  const lines = [
    `Keystore type: ${store.format}`,
    store.integrity === 'verified'
      ? 'Keystore integrity: verified with the password given'
      : 'Keystore integrity: not verifiable (no integrity check in the file; only opening a key proves the password)',
    `Your keystore contains ${n} ${n === 1 ? 'entry' : 'entries'}`,
    '',
  ];
  for (const e of store.entries) {
    const parts: string[] = [e.alias, e.kind];
    if (e.kind === 'private-key') parts.push(`chain length ${e.chain.length}`);
    if (e.kind === 'secret-key') {
      const secret = secrets.get(e);
      parts.push(secret ? `${secret.algorithm}, ${secret.size} bits` : 'algorithm unknown (the key password given does not open it)');
    }
    const leaf = certificatesOf(e)[0];
    if (leaf) {
      const c = summarize(leaf);
      parts.push(`expires ${c.notAfter}`, `SHA-256 ${c.sha256}`);
    }
    lines.push(parts.join(', '));
  }
  return `${lines.join('\n')}\n`;
}
