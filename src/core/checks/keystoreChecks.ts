/**
 * The checks that read the keystores a workspace's deployment.toml points at (issue 7 §4): the file is
 * there, it is the configured type, the passwords open it and its key, the alias names a private key,
 * the certificates are current and strong, and the stores agree with each other.
 *
 * Every consumer of a store is checked, but a finding about a store is reported once: by the first
 * consumer that uses it (the primary before the transports that inherit it), and again only where
 * another consumer writes the value at fault on its own line. Problems sit on the value a person
 * would change (see the anchor rules in ../workspace/effectiveConfig.ts).
 */
import { describeSecretReference } from '../secrets/references';
import * as path from 'node:path';
import type { Fix, Problem, Range, Severity, TextEdit } from '../problem';
import type { Keystore, KeystoreFormat, PrivateKeyEntry } from '../keystore/model';
import { findEntry } from '../keystore/index';
import { describeCertificate, parseCertificate, sha256Fingerprint } from '../keystore/x509';
import type { CertificateInfo } from '../keystore/model';
import { setValueEdits, tomlString } from '../config/edit';
import type { EffectiveConfig, EffectiveStore, PasswordValue, Sourced } from '../workspace/effectiveConfig';
import { displayPath } from '../workspace/effectiveConfig';
import type { KeystoreReader, StoreError, StoreRead } from '../workspace/keystoreCache';
import { LEGACY_SECURITY_DIR, fileNameFor, isInside } from '../workspace/resolvePath';
import { severityOf, type ProblemCode } from './codes';

/** The codes this module reports (issue 7 §4); their severities and docs live in ./codes.ts. */
const CODES = [
  'store-type-mismatch',
  'keystore-not-found',
  'keystore-in-legacy-folder',
  'keystore-unreadable',
  'wrong-store-password',
  'integrity-unverifiable',
  'password-unresolved',
  'alias-not-found',
  'alias-not-private-key',
  'wrong-key-password',
  'key-password-differs',
  'certificate-expired',
  'certificate-expiring',
  'weak-key',
  'weak-signature',
  'self-signed-primary',
  'internal-same-as-primary',
  'truststore-missing-primary-cert',
  'project-keystore-mismatch',
] as const satisfies readonly ProblemCode[];

/** A code of this module. */
export type KeystoreCode = (typeof CODES)[number];

/** The codes of this module with their severities, from ./codes.ts. */
export const KEYSTORE_CODES: Readonly<Record<KeystoreCode, Severity>> = Object.fromEntries(CODES.map((c) => [c, severityOf(c)])) as Record<KeystoreCode, Severity>;

/**
 * Actions a fix may ask the adapter to run (`Fix.run.action`); args never hold a password.
 * - `createKeystore` {file, consumer}: create the missing store at `file`.
 * - `changeKeyPassword` {file, alias, consumer}: give the key the store password.
 * - `renewCertificate` {file, alias}: a new self-signed certificate (or a CSR) for the key.
 * - `createCsr` {file, alias}: start getting a CA-signed certificate.
 * - `separateInternalKeystore` {root}: create an internal keystore and write `[keystore.internal]`.
 * - `importCertificate` {from, alias, into}: import the certificate of `from`/`alias` into the store `into`.
 */
export const FIX_ACTIONS = ['createKeystore', 'changeKeyPassword', 'renewCertificate', 'createCsr', 'separateInternalKeystore', 'importCertificate'] as const;

/** Options of the keystore checks. */
export interface KeystoreCheckOptions {
  /** The store reader: a KeystoreCache, or a session of one (each file stat'ed once per run). */
  readonly cache: KeystoreReader;
  /** `certificate-expiring` within this many days (default 30). */
  readonly expiryDays?: number;
  readonly now?: Date;
  /** Absolute store path → its password, for stores whose configured password cannot be resolved here. */
  readonly storePasswords?: Readonly<Record<string, string>>;
  /** false: an untrusted workspace; read nothing outside `workspaceFolder`. */
  readonly readOutside?: boolean;
  /** The folder of the (VS Code) workspace; defaults to the MI workspace root. */
  readonly workspaceFolder?: string;
}

/** A problem with the key that makes it "the same finding" for deduplication. */
interface Candidate {
  readonly problem: Problem;
  readonly subject: string;
  /** The value at fault is written on the consumer's own line: report it there even if reported elsewhere. */
  readonly ownLine: boolean;
}

const DAY_MS = 86_400_000;

/** MI's and the JDK's words for a wrong store password, by format (domain.md §6). */
function wrongPasswordWords(format: KeystoreFormat | null): string {
  return format === 'PKCS12' ? 'keystore password was incorrect' : 'Keystore was tampered with, or password was incorrect';
}

function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/** Whether a value is written on a line of the consumer's own table (not inherited). */
function isOwnLine(store: EffectiveStore, v: { origin: Sourced['origin'] } | null | undefined): boolean {
  return !!v && v.origin.kind === 'line' && !v.origin.via && v.origin.key.startsWith(`${store.table}.`);
}

/** Edits that set the value of `v` (a consumer's value) to `rawToml`, where a person would set it. */
function valueEdits(config: EffectiveConfig, store: EffectiveStore, v: Sourced | PasswordValue, rawToml: string): TextEdit[] {
  const doc = config.document;
  if (v.origin.kind === 'line') return [{ file: doc.file, range: v.origin.range, newText: rawToml }];
  if (v.origin.via) {
    // An inherited default: set it where it is inherited from (`keystore.primary.type`).
    const parts = v.origin.via.split('.');
    return setValueEdits(doc, parts.slice(0, -1).join('.'), parts[parts.length - 1], rawToml);
  }
  const rel = v.key.slice(store.table.length + 1);
  return setValueEdits(doc, store.tableNode ?? store.table, rel, rawToml);
}

const describeCache = new WeakMap<Uint8Array, { info: CertificateInfo; notAfter: Date } | null>();

/** Certificate details, once per DER object (stores are cached, so their DER objects are too). */
function certDetails(der: Uint8Array): { info: CertificateInfo; notAfter: Date } | null {
  let hit = describeCache.get(der);
  if (hit === undefined) {
    try {
      hit = { info: describeCertificate(der), notAfter: parseCertificate(der).notAfter };
    } catch {
      hit = null; // A certificate the reader cannot parse: nothing to say about its dates or key.
    }
    describeCache.set(der, hit);
  }
  return hit;
}

const fingerprintCache = new WeakMap<Keystore, Set<string>>();

/** SHA-256 fingerprints of every certificate a store holds (trusted entries and key chains). */
function storeFingerprints(store: Keystore): Set<string> {
  let set = fingerprintCache.get(store);
  if (!set) {
    set = new Set();
    for (const e of store.entries) {
      if (e.kind === 'trusted-cert') set.add(sha256Fingerprint(e.certificate));
      else if (e.kind === 'private-key') for (const c of e.chain) set.add(sha256Fingerprint(c));
    }
    fingerprintCache.set(store, set);
  }
  return set;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The first CN of a DN, else the DN: enough for a person to recognise the certificate. */
function shortName(dn: string): string {
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(dn);
  return cn ? `CN=${cn[1]}` : dn;
}

/** Runs every keystore check of an effective configuration. */
export async function checkKeystores(config: EffectiveConfig, options: KeystoreCheckOptions): Promise<Problem[]> {
  const ws = config.workspace;
  const doc = config.document;
  const now = options.now ?? new Date();
  const expiryDays = options.expiryDays ?? 30;
  const folder = options.workspaceFolder ?? ws.root;
  const candidates: Candidate[] = [];
  const reads = new Map<string, StoreRead>();

  const add = (code: KeystoreCode, anchor: Range, message: string, subject: string, ownLine: boolean, fixes: Fix[] = [], file = doc.file) => {
    candidates.push({ problem: { code, severity: KEYSTORE_CODES[code], message, file, range: anchor, fixes }, subject: `${code}|${subject}`, ownLine });
  };

  for (const s of config.stores) {
    if (s.path === null) continue; // A path only the container has: nothing here to read.
    if (options.readOutside === false && !isInside(folder, s.path)) continue;
    const shown = displayPath(ws, s.path);
    const ownFile = isOwnLine(s, s.file);
    const fileSubject = s.path;

    const sniff = await options.cache.sniff(s.path);
    if (!sniff.ok) {
      if (sniff.kind === 'not-found') {
        notFound(s, shown, ownFile);
      } else {
        add('keystore-unreadable', s.file.anchor, `The ${s.label} ${shown} cannot be read: ${sniff.message}`, fileSubject, ownFile);
      }
      continue;
    }
    const format = sniff.format;
    if (format === null) {
      add('keystore-unreadable', s.file.anchor, `The ${s.label} ${shown} is not a keystore (neither JKS, JCEKS nor PKCS12): MI cannot load it.`, fileSubject, ownFile);
      continue;
    }
    if (s.type && s.type.value.toUpperCase() !== format) {
      add(
        'store-type-mismatch',
        s.type.anchor,
        `The ${s.label} is configured as type ${s.type.value}, but ${shown} is ${format}` +
          (format === 'PKCS12' && s.type.value.toUpperCase() === 'JKS'
            ? ' (the JDK\'s keystore compatibility mode still loads it, but tools that trust `type` do not).'
            : '.'),
        `${fileSubject}|${s.type.value}`,
        isOwnLine(s, s.type),
        [{ title: `Set type to "${format}"`, preferred: true, safe: true, edits: valueEdits(config, s, s.type, tomlString(format)) }],
      );
    }

    const password = s.password?.value ?? options.storePasswords?.[s.path];
    if (password === undefined) {
      unresolved(s, s.password, 'store');
      continue;
    }
    const pwSubject = `${fileSubject}|${options.cache.passwordTag(password)}`;
    const read = await options.cache.read(s.path, password);
    if (!read.ok) {
      storeFailure(s, shown, read, pwSubject);
      continue;
    }
    reads.set(s.id, read);
    if (read.store.integrity === 'unverifiable') {
      add(
        'integrity-unverifiable',
        s.file.anchor,
        `${shown} is a PKCS12 store without an integrity MAC: any password lists it, so only recovering a key proves the password.`,
        fileSubject,
        ownFile,
      );
    }
    if (s.role === 'keystore') await checkKeys(s, shown, read.store, password, pwSubject);
  }

  crossChecks();

  // Report each finding once, plus where a consumer writes the faulty value on its own line.
  const seen = new Set<string>();
  const seenAt = new Set<string>();
  const out: Problem[] = [];
  for (const c of candidates) {
    const at = `${c.subject}@${c.problem.file}:${rangeKey(c.problem.range)}`;
    if (seenAt.has(at)) continue;
    if (seen.has(c.subject) && !c.ownLine) continue;
    seen.add(c.subject);
    seenAt.add(at);
    out.push(c.problem);
  }
  return out;

  function notFound(s: EffectiveStore, shown: string, ownFile: boolean): void {
    const legacy = s.resolved.legacyPath;
    if (legacy && s.path) {
      add(
        'keystore-in-legacy-folder',
        s.file.anchor,
        `The ${s.label} is not at ${shown} but in ${LEGACY_SECURITY_DIR}/, the folder of MI 1.x: MI 4.x does not look there ("Error opening Key store").`,
        s.path,
        ownFile,
        [
          { title: `Move ${path.basename(legacy)} to ${path.dirname(shown)}/`, preferred: true, moveFile: { from: legacy, to: s.path } },
          { title: `Point ${s.file.key.split('.').pop()} at ${LEGACY_SECURITY_DIR}/${path.basename(legacy)}`, edits: valueEdits(config, s, s.file, tomlString(fileNameFor(ws, legacy))) },
        ],
      );
      return;
    }
    const fixes: Fix[] = [];
    if (s.resolved.securityDirPath) {
      const value = fileNameFor(ws, s.resolved.securityDirPath);
      fixes.push({ title: `Point ${s.file.key.split('.').pop()} at ${value}`, preferred: true, edits: valueEdits(config, s, s.file, tomlString(value)) });
    }
    fixes.push({ title: `Create a keystore at ${shown}`, run: { action: 'createKeystore', args: { file: s.path, consumer: s.id } } });
    const mi =
      s.consumer === 'internal'
        ? `"Internal keystore file does not exist in the path as configured in 'Security.InternalKeyStore.Location'"`
        : `"Error opening Key store : ${s.file.value}"`;
    add('keystore-not-found', s.file.anchor, `The ${s.label} ${shown} does not exist; MI will fail to start (${mi}).`, s.path as string, ownFile, fixes);
  }

  function unresolved(s: EffectiveStore, pw: PasswordValue | null | undefined, which: 'store' | 'key'): void {
    const what = which === 'store' ? 'password' : 'key password';
    const tail = which === 'store' ? 'its contents are not checked.' : 'its key is not checked.';
    let message: string;
    if (!pw) message = `The ${s.label} has no ${what} configured, so ${tail}`;
    else if (pw.state === 'secret')
      message = `The ${what} of the ${s.label} is ${describeSecretReference(config.document, pw.secretAlias as string)}; supply it (mi-keystores check --secret-env ${pw.secretAlias}=VAR, or the extension's stored secret) to check the store: ${tail}`;
    else if (pw.state === 'env') message = `The ${what} of the ${s.label} comes from the environment variable ${pw.envVar}, which is not set here, so ${tail}`;
    else message = `The ${what} of the ${s.label} comes from the system property ${pw.sysProperty}, which is only known at runtime, so ${tail}`;
    const anchor = pw?.anchor ?? s.tableNode?.headerRange ?? s.file.anchor;
    add('password-unresolved', anchor, message, `${s.path}|${which}|${pw?.raw ?? ''}`, isOwnLine(s, pw ?? null));
  }

  function storeFailure(s: EffectiveStore, shown: string, err: StoreError, pwSubject: string): void {
    if (err.kind === 'wrong-password') {
      const pw = s.password as PasswordValue | null;
      add(
        'wrong-store-password',
        pw?.anchor ?? s.file.anchor,
        `The password of the ${s.label} does not open ${shown}; MI will fail with "${wrongPasswordWords(err.format)}".`,
        pwSubject,
        isOwnLine(s, pw),
      );
      return;
    }
    add('keystore-unreadable', s.file.anchor, `The ${s.label} ${shown} cannot be loaded: ${err.message}`, s.path as string, isOwnLine(s, s.file));
  }

  async function checkKeys(s: EffectiveStore, shown: string, store: Keystore, password: string, pwSubject: string): Promise<void> {
    const path0 = s.path as string;
    const privateKeys = store.entries.filter((e): e is PrivateKeyEntry => e.kind === 'private-key');
    const aliasFixes = (alias: string): Fix[] =>
      s.alias
        ? privateKeys
            .filter((k) => k.alias.toLowerCase() !== alias.toLowerCase())
            .map((k, i) => ({
              title: `Use alias "${k.alias}"`,
              preferred: privateKeys.length === 1 && i === 0,
              edits: valueEdits(config, s, s.alias as Sourced, tomlString(k.alias)),
            }))
        : [];
    let keys: PrivateKeyEntry[];
    if (s.alias) {
      const alias = s.alias.value;
      const found = findEntry(store, alias);
      const ownAlias = isOwnLine(s, s.alias);
      if (!found) {
        const list = privateKeys.length ? ` Its private keys: ${privateKeys.map((k) => `"${k.alias}"`).join(', ')}.` : ' It holds no private key.';
        add('alias-not-found', s.alias.anchor, `${shown} has no entry "${alias}" (MI: "Cannot find key for alias: ${alias}").${list}`, `${path0}|${alias.toLowerCase()}`, ownAlias, aliasFixes(alias));
        return;
      }
      if (found.kind !== 'private-key') {
        add(
          'alias-not-private-key',
          s.alias.anchor,
          `"${alias}" in ${shown} is a ${found.kind === 'trusted-cert' ? 'trusted certificate' : 'secret key'}, not a private key (MI: "Key is not a private key, alias: ${alias}").`,
          `${path0}|${alias.toLowerCase()}`,
          ownAlias,
          aliasFixes(alias),
        );
        return;
      }
      keys = [found];
    } else {
      keys = privateKeys;
      if (keys.length === 0) {
        add('alias-not-found', s.file.anchor, `The ${s.label} ${shown} holds no private key, so it cannot serve TLS.`, `${path0}|*`, isOwnLine(s, s.file));
        return;
      }
    }

    // key-password-differs: primary/internal only (MI's KeyStoreManager reads the key with the store password).
    const kp = s.keyPassword;
    if ((s.consumer === 'primary' || s.consumer === 'internal') && kp && kp.value !== undefined && kp.value !== password && s.password) {
      add(
        'key-password-differs',
        kp.anchor,
        `key_password of the ${s.label} differs from its password; MI reads the private key with the store password, so both must be the same.`,
        `${pwSubject}|${options.cache.passwordTag(kp.value)}`,
        isOwnLine(s, kp),
        [{ title: 'Set key_password to the same value as password', preferred: true, edits: valueEdits(config, s, kp, s.password.raw) }],
      );
    }

    let keyPassword: string | undefined;
    if (s.keyRead === 'store-password') keyPassword = password;
    else if (s.keyRead === 'key-password') {
      keyPassword = kp ? kp.value : password;
      if (keyPassword === undefined) unresolved(s, kp, 'key');
    }

    for (const key of keys) {
      if (keyPassword !== undefined) {
        const opened = await options.cache.key(path0, password, key.alias, keyPassword);
        if (!opened.ok && opened.kind === 'wrong-key-password') keyFailure(s, shown, key.alias, password, keyPassword, store, pwSubject);
      }
      checkCertificates(s, key);
    }
  }

  function keyFailure(s: EffectiveStore, shown: string, alias: string, password: string, keyPassword: string, store: Keystore, pwSubject: string): void {
    const kp = s.keyPassword;
    // Without a MAC the store password is only proven by a key: keytool gives PKCS12 keys the store password.
    if (store.integrity === 'unverifiable' && keyPassword === password) {
      const pw = s.password as PasswordValue;
      add('wrong-store-password', pw.anchor, `The password of the ${s.label} does not recover the key "${alias}" of ${shown}; MI will fail with "Cannot recover key".`, pwSubject, isOwnLine(s, pw));
      return;
    }
    const anchorValue = kp ?? s.password;
    const message =
      s.keyRead === 'store-password'
        ? `MI reads the key "${alias}" of the ${s.label} with the store password, which does not recover it (MI: "Cannot recover key"); give the key the store password.`
        : `The key password of the ${s.label} does not recover the key "${alias}" of ${shown} (MI: "Cannot recover key").`;
    add(
      'wrong-key-password',
      anchorValue?.anchor ?? s.file.anchor,
      message,
      `${pwSubject}|${alias.toLowerCase()}|${options.cache.passwordTag(keyPassword)}`,
      isOwnLine(s, anchorValue ?? null),
      [{ title: `Change the password of key "${alias}"`, run: { action: 'changeKeyPassword', args: { file: s.path, alias, consumer: s.id } } }],
    );
  }

  function checkCertificates(s: EffectiveStore, key: PrivateKeyEntry): void {
    const path0 = s.path as string;
    const anchorValue: Sourced = s.alias ?? s.file;
    const own = isOwnLine(s, anchorValue);
    key.chain.forEach((der, i) => {
      const d = certDetails(der);
      if (!d) return;
      const who = i === 0 ? `The certificate of key "${key.alias}"` : `The chain certificate ${shortName(d.info.subject)} of key "${key.alias}"`;
      const subject = `${path0}|${key.alias.toLowerCase()}|${d.info.sha256}`;
      const renew: Fix[] = i === 0 ? [{ title: `Renew the certificate of "${key.alias}"`, run: { action: 'renewCertificate', args: { file: path0, alias: key.alias } } }] : [];
      if (d.notAfter.getTime() < now.getTime()) {
        add('certificate-expired', anchorValue.anchor, `${who} (${shortName(d.info.subject)}) expired on ${isoDay(d.notAfter)}; TLS clients reject it.`, subject, own, renew);
      } else if (d.notAfter.getTime() < now.getTime() + expiryDays * DAY_MS) {
        const days = Math.ceil((d.notAfter.getTime() - now.getTime()) / DAY_MS);
        add('certificate-expiring', anchorValue.anchor, `${who} (${shortName(d.info.subject)}) expires on ${isoDay(d.notAfter)}, in ${days} day${days === 1 ? '' : 's'}.`, subject, own, renew);
      }
      // A self-signed CA at the end of a chain is trusted by identity, not by its own signature.
      const isRoot = i > 0 && d.info.selfSigned;
      if (i === 0 || !isRoot) {
        const alg = d.info.publicKeyAlgorithm.toUpperCase();
        const size = d.info.publicKeySize;
        const min = alg === 'RSA' || alg === 'DSA' ? 2048 : alg === 'EC' ? 256 : 0;
        if (size !== null && size < min) {
          add('weak-key', anchorValue.anchor, `${who} has a ${size}-bit ${alg} key; use at least ${min} bits.`, subject, own, renew);
        }
        if (/SHA1|SHA-1|MD5|MD2/i.test(d.info.signatureAlgorithm) && !isRoot) {
          add('weak-signature', anchorValue.anchor, `${who} is signed with ${d.info.signatureAlgorithm}, which clients reject; re-sign it with SHA-256.`, subject, own, renew);
        }
      }
      if (i === 0 && s.consumer === 'primary' && d.info.selfSigned) {
        add(
          'self-signed-primary',
          anchorValue.anchor,
          `The primary keystore's certificate "${key.alias}" is self-signed; a CA-signed certificate is recommended because it faces external parties.`,
          subject,
          own,
          [{ title: `Create a CSR for "${key.alias}"`, run: { action: 'createCsr', args: { file: path0, alias: key.alias } } }],
        );
      }
    });
  }

  function crossChecks(): void {
    const primary = config.stores.find((s) => s.id === 'primary');
    const internal = config.stores.find((s) => s.id === 'internal');
    const trust = config.stores.find((s) => s.id === 'truststore');
    if (primary?.path && internal?.path && primary.path === internal.path && (primary.alias?.value ?? '').toLowerCase() === (internal.alias?.value ?? '').toLowerCase()) {
      const anchor = internal.tableNode?.headerRange ?? primary.tableNode?.headerRange ?? primary.file.anchor;
      add(
        'internal-same-as-primary',
        anchor,
        'The internal keystore is the primary keystore (same file and alias); a separate internal keystore is recommended, because renewing the primary certificate would make every encrypted secret unusable.',
        primary.path,
        false,
        [{ title: 'Create a separate internal keystore', run: { action: 'separateInternalKeystore', args: { root: ws.root } } }],
      );
    }
    const pRead = primary && reads.get(primary.id);
    const tRead = trust && reads.get(trust.id);
    if (primary?.alias && pRead && trust && tRead) {
      const entry = findEntry(pRead.store, primary.alias.value);
      const leaf = entry?.kind === 'private-key' ? entry.chain[0] : undefined;
      if (leaf && !storeFingerprints(tRead.store).has(sha256Fingerprint(leaf))) {
        add(
          'truststore-missing-primary-cert',
          trust.file.anchor,
          `The truststore ${displayPath(ws, trust.path as string)} does not hold the certificate of the primary key "${entry?.alias}", so MI's calls to itself over TLS fail.`,
          `${trust.path}|${sha256Fingerprint(leaf)}`,
          false,
          [{ title: `Import the certificate of "${entry?.alias}" into the truststore`, preferred: true, run: { action: 'importCertificate', args: { from: primary.path, alias: entry?.alias, into: trust.path } } }],
        );
      }
    }
  }
}
