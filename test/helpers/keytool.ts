/**
 * The one way the tests run the real JDK 17 keytool and read what it prints: `-list -v` parsed into
 * entries (alias, entry type, chain length, certificate SHA-256s) and certificate sections, and our
 * decoded stores and certificates put in the same vocabulary so one `deepEqual` compares them.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { formatJavaDate, type CertificateInfo, type Keystore } from '../../src/core/keystore';

/**
 * The real keytool (JDK 17). MI_KEYSTORES_TEST_KEYTOOL points elsewhere, e.g. at a path that does not exist to
 * check that `npm run test:unit` passes, skipping what needs a JDK, on a machine without one.
 */
export const KEYTOOL = process.env.MI_KEYSTORES_TEST_KEYTOOL ?? '/usr/bin/keytool';

/**
 * The environment of keytool and openssl: a UTF-8 locale because their output is parsed and aliases may be
 * non-ASCII, and UTC because keytool prints dates in the JVM's zone.
 */
export const TOOL_ENV: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', TZ: 'UTC' };

/** What one keytool run did. */
export interface KeytoolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs keytool in TOOL_ENV and returns its exit status and output, whatever they are. */
export function runKeytool(args: readonly string[]): KeytoolRun {
  // WSO2's stores list at several MB; the default 1 MB buffer would cut them.
  const r = spawnSync(KEYTOOL, args, { env: TOOL_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs keytool and returns its stdout, asserting exit code 0: keytool is judged by its exit code, since it
 * prints warnings (JKS migration, weak algorithms) on stderr even when it succeeds.
 */
export function keytool(args: readonly string[]): string {
  const r = runKeytool(args);
  assert.equal(r.status, 0, `keytool ${args[0]} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** `keytool -list -v` of a store, as text (`storetype` when keytool cannot tell it from the file). */
export function keytoolListText(file: string, password: string, storetype?: string): string {
  return keytool(['-list', '-v', '-keystore', file, '-storepass', password, ...(storetype ? ['-storetype', storetype] : [])]);
}

/** `keytool -list -v` of a store, parsed. */
export function keytoolList(file: string, password: string, storetype?: string): KeytoolListing {
  return parseKeytoolList(keytoolListText(file, password, storetype));
}

/**
 * Copies a store's entries (or one alias) with `keytool -importkeystore`; exit code 0 proves keytool
 * opened every key it copied with the passwords given.
 */
export function keytoolImportKeystore(o: {
  from: string;
  fromType?: string;
  fromPassword: string;
  alias?: string;
  keyPassword?: string;
  to: string;
  toType: string;
  toPassword: string;
  toKeyPassword?: string;
}): void {
  const optional = (flag: string, value: string | undefined): string[] => (value === undefined ? [] : [flag, value]);
  keytool([
    '-importkeystore', '-noprompt',
    '-srckeystore', o.from, ...optional('-srcstoretype', o.fromType), '-srcstorepass', o.fromPassword,
    ...optional('-srcalias', o.alias), ...optional('-srckeypass', o.keyPassword),
    '-destkeystore', o.to, '-deststoretype', o.toType, '-deststorepass', o.toPassword, ...optional('-destkeypass', o.toKeyPassword),
  ]);
}

/** One entry as `keytool -list -v` prints it. */
export interface KeytoolEntry {
  readonly alias: string;
  /** `PrivateKeyEntry`, `trustedCertEntry` or `SecretKeyEntry`. */
  readonly entryType: string;
  /** keytool's "Certificate chain length" of a key entry; 0 for the others, which print none. */
  readonly chainLength: number;
  /** The SHA-256 fingerprint of each certificate, leaf first (`AB:CD:...`). */
  readonly sha256s: readonly string[];
}

/** `keytool -list -v` parsed: the entry count keytool states and its entries, sorted by alias. */
export interface KeytoolListing {
  readonly count: number;
  readonly entries: readonly KeytoolEntry[];
}

/** Parses `keytool -list -v` output. */
export function parseKeytoolList(text: string): KeytoolListing {
  const count = Number(/^Your keystore contains (\d+) entr/m.exec(text)?.[1]);
  const entries = text
    .split(/^Alias name: /m)
    .slice(1)
    .map((block) => ({
      alias: block.slice(0, block.indexOf('\n')),
      entryType: /^Entry type: (.*)$/m.exec(block)?.[1] ?? '',
      chainLength: Number(/^Certificate chain length: (\d+)$/m.exec(block)?.[1] ?? 0),
      sha256s: [...block.matchAll(/^\s+SHA256: ([0-9A-F:]+)$/gm)].map((m) => m[1]),
    }));
  return { count, entries: byAlias(entries) };
}

/** Entries sorted by alias (by UTF-16 code unit: a total order, whatever the locale). */
export function byAlias(entries: readonly KeytoolEntry[]): KeytoolEntry[] {
  return [...entries].sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
}

/** The SHA-256 of a DER certificate as keytool prints it (`AB:CD:...`). */
export function keytoolFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/**
 * A decoded store as keytool would list it, sorted by alias; `lowercaseAliases` where keytool shows
 * aliases lowercased (PKCS12 always, and JKS/JCEKS aliases our encoder writes).
 */
export function keytoolView(store: Keystore, options: { lowercaseAliases?: boolean } = {}): KeytoolEntry[] {
  return byAlias(
    store.entries.map((e) => ({
      alias: options.lowercaseAliases ? e.alias.toLowerCase() : e.alias,
      entryType: e.kind === 'private-key' ? 'PrivateKeyEntry' : e.kind === 'trusted-cert' ? 'trustedCertEntry' : 'SecretKeyEntry',
      chainLength: e.kind === 'private-key' ? e.chain.length : 0,
      sha256s: e.kind === 'private-key' ? e.chain.map(keytoolFingerprint) : e.kind === 'trusted-cert' ? [keytoolFingerprint(e.certificate)] : [],
    })),
  );
}

/** What keytool prints about one certificate, in the fields the tests compare. */
export interface KeytoolCertificate {
  readonly owner: string;
  readonly issuer: string;
  readonly serial: string;
  readonly sha1: string;
  readonly sha256: string;
  readonly sigalg: string;
  readonly keyalg: string;
  readonly from: string;
  readonly until: string;
}

/** Splits `keytool -list -v` / `-printcert` output into its certificate sections, keyed by SHA-256. */
export function certificateSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of text.split(/^(?=Owner: )/m).slice(1)) {
    const sha = /SHA256: (\S+)/.exec(s)?.[1];
    if (sha) out.set(sha, s);
  }
  return out;
}

/** The fields of one certificate section of keytool's `-list -v` / `-printcert` text ('' where absent). */
export function parseCertificateSection(section: string): KeytoolCertificate {
  // keytool flags weak algorithms after the value, e.g. "SHA1withRSA (weak)".
  const get = (k: string): string => (new RegExp(`^\\s*${k}: (.*)$`, 'm').exec(section)?.[1] ?? '').replace(/ \((weak|disabled)\)$/, '');
  const valid = /^Valid from: (.*) until: (.*)$/m.exec(section);
  return {
    owner: get('Owner'),
    issuer: get('Issuer'),
    serial: get('Serial number'),
    sha1: get('SHA1'),
    sha256: get('SHA256'),
    sigalg: get('Signature algorithm name'),
    keyalg: get('Subject Public Key Algorithm').replace(/ \(\w+\)/, ''), // keytool adds the curve name to EC
    from: valid?.[1] ?? '',
    until: valid?.[2] ?? '',
  };
}

/** describeCertificate's answer in keytool's fields and formats. */
export function keytoolCertificateView(info: CertificateInfo): KeytoolCertificate {
  return {
    owner: info.subject,
    issuer: info.issuer,
    serial: info.serialNumber,
    sha1: info.sha1,
    sha256: info.sha256,
    sigalg: info.signatureAlgorithm,
    keyalg: `${info.publicKeySize}-bit ${info.publicKeyAlgorithm} key`,
    from: formatJavaDate(new Date(info.notBefore)),
    until: formatJavaDate(new Date(info.notAfter)),
  };
}

/** The subject alternative names of keytool's extension dump, in describeCertificate's `DNS:x` / `IP:y` form. */
export function keytoolSubjectAltNames(section: string): string[] {
  const block = /SubjectAlternativeName \[([\s\S]*?)\]/.exec(section)?.[1] ?? '';
  return [...block.matchAll(/^\s*(DNSName|IPAddress): (.*)$/gm)].map((m) => `${m[1] === 'DNSName' ? 'DNS' : 'IP'}:${m[2]}`);
}
