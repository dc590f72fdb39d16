/** `mi-keystores list`: the entries of a keystore, as a keytool-like summary or as JSON. */
import { flag, positionals } from '../args';
import type { CliCommand } from '../command';
import type { CertificateInfo, Entry, Keystore } from '../../core/keystore';
import { passwordFromFlags } from '../passwords';
import { BLOCKING, STORE_AND_KEY_OPTIONS, explained, load, resolveIn, storePassword } from './common';

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
      const leaf = e.kind === 'private-key' ? e.chain[0] : e.kind === 'trusted-cert' ? e.certificate : undefined;
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
interface CertificateSummary {
  readonly notAfter: string;
  readonly sha256: string;
}

/**
 * Opens each secret key to say what it is: PKCS12 with the store password, JCEKS with the key password
 * (default: the store password). A key that does not open is listed without algorithm, not as an error:
 * keytool lists such stores too.
 */
async function describeSecrets(store: Keystore, storePassword: string, keyPassword: string | undefined): Promise<Map<Entry, SecretKeySummary>> {
  const out = new Map<Entry, SecretKeySummary>();
  const secrets = store.entries.filter((e) => e.kind === 'secret-key');
  if (secrets.length === 0) return out;
  const keystore = await load.keystore();
  for (const e of secrets) {
    const password = store.format === 'PKCS12' ? storePassword : keyPassword ?? storePassword;
    try {
      out.set(e, keystore.describeSecretKey(await keystore.openSecretKey(e, password)));
    } catch (err) {
      if (!(err instanceof keystore.WrongKeyPasswordError)) throw err;
    }
  }
  return out;
}

/** One line per entry like keytool's `-list` summary: alias, kind, chain length, expiry, SHA-256. */
function formatHuman(store: Keystore, summarize: (der: Uint8Array) => CertificateSummary, secrets: ReadonlyMap<Entry, SecretKeySummary>): string {
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
    const leaf = e.kind === 'private-key' ? e.chain[0] : e.kind === 'trusted-cert' ? e.certificate : undefined;
    if (leaf) {
      const c = summarize(leaf);
      parts.push(`expires ${c.notAfter}`, `SHA-256 ${c.sha256}`);
    }
    lines.push(parts.join(', '));
  }
  return `${lines.join('\n')}\n`;
}

/** `list <keystore> [--json]`. */
export const listCommand: CliCommand = {
  name: 'list',
  summary: 'List the entries of a keystore (alias, kind, expiry, SHA-256 fingerprint).',
  usage: 'list <keystore> [--json] [--password-env VAR | --password-file PATH]',
  options: [{ name: 'json', type: 'boolean', help: 'Print JSON: file, format, integrity and every entry with its certificate details.' }, ...STORE_AND_KEY_OPTIONS],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    const password = await storePassword(args, io, file);
    const json = flag(args, 'json');
    const text = await explained({ display: file, storePassword: password }, async () => {
      const [store, x509] = await Promise.all([load.store(), load.x509()]);
      const loaded = await store.loadKeystore(resolveIn(io, file), password.value, BLOCKING);
      const secrets = await describeSecrets(loaded.store, password.value, passwordFromFlags(args, io, 'key-password')?.value);
      if (json) return `${JSON.stringify(listKeystore(file, loaded.store, x509.describeCertificate, secrets), null, 2)}\n`;
      // The summary needs only expiry and fingerprint: skip the full description (names, extensions) of each certificate.
      return formatHuman(loaded.store, (der) => ({
        notAfter: x509.formatJavaDate(x509.certificateNotAfter(der)),
        sha256: x509.sha256Fingerprint(der),
      }), secrets);
    });
    io.stdout(text);
    return 0;
  },
};
