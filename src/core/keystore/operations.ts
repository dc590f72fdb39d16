/**
 * What keytool does to a keystore, as pure functions over the `Keystore` model: each takes a store and
 * returns a new one (plus results), never mutates its input and never touches the file system.
 * Behaviour follows OpenJDK 17 `sun/security/tools/keytool/Main.java` where it matters (alias rules,
 * password rules, CA-reply chain completion, duplicate-certificate notice).
 */
import { createHash } from 'node:crypto';
import { findEntry, openKey, openSecretKey } from './keystoreCodec';
import { secretKeyAlgorithmOid } from './secretKeyInfo';
import { javaAcceptsPkcs12Password } from './pkcs12/pkcs12Keystore';
import { namesMatch } from './x509/distinguishedName';
import {
  AliasExistsError,
  AliasNotFoundError,
  IncompleteChainError,
  InvalidInputError,
  InvalidPasswordError,
  KeyMismatchError,
  UnsupportedEntriesError,
  UnsupportedOperationError,
  WrongEntryKindError,
  WrongKeyPasswordError,
  WrongPasswordError,
} from './errors';
import { certificatesOf, type Entry, type Keystore, type KeystoreFormat, type OpenKey, type PrivateKeyEntry, type TrustedCertEntry } from './model';
import { certificatesMatchKey, describeCertificate, isIssuedBy, parseCertificate, publicKeyOfPkcs8 } from './x509/certificate';
import { generateKeyPair } from './keygen';
import { whyJavaCannotParse } from './x509/javaParseLimits';
import { createSelfSignedCertificate, type SignatureAlgorithm } from './x509/certBuilder';
import { createCsr } from './x509/csr';

/** keytool's minimum password length (Main.java: "Password is too short - must be at least 6 characters"). */
export const MIN_PASSWORD_LENGTH = 6;

/**
 * Refuses a new password keytool would refuse: shorter than 6 characters, or non-ASCII for PKCS12
 * (Java 17's PBE key derivation rejects it: "Password is not ASCII").
 */
export function checkNewPassword(format: KeystoreFormat, password: string, what = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidPasswordError(`The ${what} is too short: keytool requires at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (format === 'PKCS12' && !javaAcceptsPkcs12Password(password)) {
    throw new InvalidPasswordError(`The ${what} must be printable ASCII for a PKCS12 keystore: Java 17 refuses other characters.`);
  }
}

/**
 * Proves the store password of a store whose integrity could not be verified (PKCS12 without a MAC,
 * where any password "opens" it) by opening its first key with it; WrongPasswordError when it does not.
 * Do this before rewriting such a store, or the new MAC would seal a wrong password over keys that
 * stay encrypted with the right one. Returns false when the store has no key to prove it with.
 */
export async function proveStorePassword(store: Keystore, password: string): Promise<boolean> {
  if (store.integrity === 'verified') return true;
  const entry = store.entries.find((e): e is PrivateKeyEntry => e.kind === 'private-key' && e.key.sealed === 'sealed');
  if (!entry) return false;
  try {
    await openKey(entry, password);
    return true;
  } catch (err) {
    if (err instanceof WrongKeyPasswordError) throw new WrongPasswordError({ cause: err });
    throw err;
  }
}

/** An empty store of `format`. */
export function createStore(format: KeystoreFormat): Keystore {
  return { format, integrity: 'verified', entries: [] };
}

/** The alias as the format stores it: JKS and JCEKS lowercase aliases (`alias.toLowerCase(Locale.ENGLISH)`). */
export function normalizeAlias(format: KeystoreFormat, alias: string): string {
  const trimmed = alias.trim();
  if (trimmed === '') throw new InvalidInputError('The alias is empty; give a name for the entry.');
  return format === 'PKCS12' ? trimmed : trimmed.toLowerCase();
}

/** Throws AliasExistsError when `alias` is taken (case-insensitively). */
function refuseExisting(store: Keystore, alias: string): void {
  const existing = findEntry(store, alias);
  if (existing) throw new AliasExistsError(existing.alias);
}

/** The entry with `alias`, or AliasNotFoundError. */
function requireEntry(store: Keystore, alias: string): Entry {
  const entry = findEntry(store, alias);
  if (!entry) throw new AliasNotFoundError(alias);
  return entry;
}

/** The private-key entry with `alias`, or AliasNotFoundError / WrongEntryKindError. */
function requireKeyEntry(store: Keystore, alias: string): PrivateKeyEntry {
  const entry = requireEntry(store, alias);
  if (entry.kind !== 'private-key') throw new WrongEntryKindError(entry.alias, 'private-key', entry.kind);
  return entry;
}

/** A copy of `store` with `entry` in place of the entry named like it (or appended when none is). */
function withEntry(store: Keystore, entry: Entry, replacing?: Entry): Keystore {
  const entries = replacing ? store.entries.map((e) => (e === replacing ? entry : e)) : [...store.entries, entry];
  return { ...store, entries };
}

/** The time source of an operation. */
function clock(now?: () => Date): Date {
  return now ? now() : new Date();
}

/**
 * Whether `cert` holds the public half of `pkcs8`, a certificate that cannot be parsed simply not matching
 * (certificatesMatchKey itself returns false for another key type, but throws InvalidInputError for bad DER).
 * Call publicKeyOfPkcs8 first so an invalid key is still reported as such.
 */
function matchesKey(cert: Uint8Array, pkcs8: Uint8Array): boolean {
  try {
    return certificatesMatchKey(cert, pkcs8);
  } catch {
    return false;
  }
}

/** SHA-256 of a DER certificate, for byte-exact comparisons. */
function certId(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Options of addKeyPair. */
export interface AddKeyPairOptions {
  readonly alias: string;
  readonly keyAlgorithm: 'RSA' | 'EC';
  readonly keySize?: number;
  readonly curve?: 'P-256' | 'P-384';
  /** Distinguished name as keytool's `-dname` takes it, e.g. `CN=localhost,O=WSO2,C=US`. */
  readonly dname: string;
  /** Subject alternative names as keytool's `-ext SAN=` takes them: `dns:x`, `ip:y`, `uri:z`, `email:w`. */
  readonly san?: readonly string[];
  readonly validityDays: number;
  readonly signatureAlgorithm?: SignatureAlgorithm;
  /** Ignored for PKCS12 (the store password seals keys); pass the store password there. */
  readonly keyPassword: string;
  readonly now?: () => Date;
  readonly randomBytes?: (n: number) => Uint8Array;
}

/** Generates a key pair and a self-signed certificate (keytool -genkeypair) and adds them as a new key entry. */
export async function addKeyPair(store: Keystore, options: AddKeyPairOptions): Promise<Keystore> {
  const alias = normalizeAlias(store.format, options.alias);
  refuseExisting(store, alias);
  checkNewPassword(store.format, options.keyPassword, 'key password');
  if (!Number.isInteger(options.validityDays) || options.validityDays < 1) {
    throw new InvalidInputError('The validity must be a whole number of days, at least 1.');
  }
  const now = clock(options.now);
  const { pkcs8 } = await generateKeyPair({ keyAlgorithm: options.keyAlgorithm, keySize: options.keySize, curve: options.curve });
  const certificate = createSelfSignedCertificate({
    pkcs8,
    dname: options.dname,
    san: options.san ? [...options.san] : undefined,
    validityDays: options.validityDays,
    signatureAlgorithm: options.signatureAlgorithm,
    now: () => now,
    randomBytes: options.randomBytes,
  });
  const key: OpenKey = { sealed: 'open', pkcs8, password: options.keyPassword };
  return withEntry(store, { kind: 'private-key', alias, created: now, chain: [certificate], key });
}

/** Result of importTrustedCertificate: the new store and, when the certificate was already there, under which alias. */
export interface ImportCertResult {
  readonly store: Keystore;
  readonly duplicateOf?: string;
}

/**
 * Adds a trusted certificate (keytool -importcert of a single certificate). Like keytool, a certificate
 * already present under another alias (trusted, or the leaf of a key entry) is reported in `duplicateOf`.
 */
export function importTrustedCertificate(
  store: Keystore,
  alias: string,
  der: Uint8Array,
  options: { now?: () => Date } = {},
): ImportCertResult {
  const name = normalizeAlias(store.format, alias);
  if (findEntry(store, name)?.kind === 'private-key') {
    // keytool -importcert onto a key's alias installs a CA reply; "delete it first" would delete the key.
    throw new InvalidInputError(`Alias "${name}" is a key entry: install the certificate as its CA reply (import-reply), or trust it under another alias.`);
  }
  refuseExisting(store, name);
  // Parse it now so garbage is refused here rather than written into the store.
  describeCertificate(der);
  refuseUnparsableByJava([der]);
  const id = certId(der);
  const duplicate = store.entries.find((e) => {
    const leaf = certificatesOf(e)[0];
    return leaf !== undefined && certId(leaf) === id;
  });
  const entry: TrustedCertEntry = { kind: 'trusted-cert', alias: name, created: clock(options.now), certificate: der };
  return { store: withEntry(store, entry), duplicateOf: duplicate?.alias };
}

/**
 * Orders a chain from `leaf` upwards: each next certificate is the issuer of the previous one, taken
 * first from `candidates` (the reply) then from `trusted` (the store's trusted entries), until a
 * self-signed root. Throws IncompleteChainError when an issuer is missing (keytool's establishCertChain).
 */
function completeChain(leaf: Uint8Array, candidates: readonly Uint8Array[], trusted: readonly Uint8Array[]): Uint8Array[] {
  const chain = [leaf];
  const used = new Set([certId(leaf)]);
  let current = leaf;
  for (;;) {
    if (isIssuedBy(current, current)) return chain;
    const pick = (pool: readonly Uint8Array[]) => pool.find((c) => !used.has(certId(c)) && isIssuedBy(current, c));
    const issuer = pick(candidates) ?? pick(trusted);
    if (!issuer) throw new IncompleteChainError(describeCertificate(current).subject);
    chain.push(issuer);
    used.add(certId(issuer));
    current = issuer;
  }
}

/** The DER certificates of every trusted-cert entry. */
function trustedCertificates(store: Keystore): Uint8Array[] {
  return store.entries.flatMap((e) => (e.kind === 'trusted-cert' ? [e.certificate] : []));
}

/**
 * Installs a CA reply on a key entry (keytool -importcert into a key alias): the reply's leaf must match
 * the entry's private key (KeyMismatchError); the chain is completed from the reply and the store's
 * trusted certificates up to a self-signed root (IncompleteChainError otherwise).
 */
export async function importCaReply(
  store: Keystore,
  alias: string,
  keyPassword: string,
  replyCerts: readonly Uint8Array[],
  options: { now?: () => Date } = {},
): Promise<Keystore> {
  const entry = requireKeyEntry(store, alias);
  if (replyCerts.length === 0) throw new InvalidInputError('The CA reply holds no certificate.');
  refuseUnparsableByJava(replyCerts);
  const pkcs8 = await openKey(entry, keyPassword);
  publicKeyOfPkcs8(pkcs8);
  const leaf = replyCerts.find((c) => matchesKey(c, pkcs8));
  if (!leaf) throw new KeyMismatchError(entry.alias);
  if (entry.chain.length === 1 && replyCerts.length === 1 && certId(entry.chain[0]) === certId(leaf)) {
    // keytool: "Certificate reply and certificate in keystore are identical".
    throw new InvalidInputError(`The CA reply is the certificate alias "${entry.alias}" already holds; nothing to import.`);
  }
  // keytool puts the reply in a set first: a certificate given twice (the leaf, an intermediate) counts once.
  const seen = new Set([certId(leaf)]);
  const rest: Uint8Array[] = [];
  for (const c of replyCerts) {
    const id = certId(c);
    if (seen.has(id)) continue;
    seen.add(id);
    rest.push(c);
  }
  const chain = rest.length > 0 ? replyChain(leaf, rest, trustedCertificates(store)) : completeChain(leaf, [], trustedCertificates(store));
  const updated: PrivateKeyEntry = { ...entry, chain, created: clock(options.now) };
  return withEntry(store, updated, entry);
}

/**
 * keytool's validateReply for a reply of several certificates (certbot's fullchain.pem, a CA's PKCS#7): ordered
 * from the leaf as the reply links them, every reply certificate in the chain, then completed from the store's
 * trusted certificates. A top that nothing in the store issued is kept: a server sends its chain without the
 * root, and keytool -noprompt installs such a reply after "Top-level certificate in reply ... is not trusted"
 * (untrustedChainTop says so).
 */
function replyChain(leaf: Uint8Array, rest: readonly Uint8Array[], trusted: readonly Uint8Array[]): Uint8Array[] {
  const chain = orderPartialChain(leaf, rest);
  // keytool's ordering loop does not check that the last certificate issued the one below it: a spare copy of
  // the top's issuer (a root beside its cross-signed twin) goes on top. An unrelated one is refused below.
  const loose = rest.filter((c) => !chain.includes(c));
  const top = chain[chain.length - 1];
  if (loose.length === 1 && !isIssuedBy(top, top) && sameName(issuerOf(top), subjectOf(loose[0]))) chain.push(loose[0]);
  const unchained = rest.filter((c) => !chain.includes(c));
  if (unchained.length > 0) {
    const names = unchained.map((c) => describeCertificate(c).subject).join('; ');
    throw new InvalidInputError(`The CA reply holds certificates that do not chain from the key's certificate (${names}); keytool refuses it as an incomplete chain.`);
  }
  const ids = new Set(chain.map(certId));
  let current = chain[chain.length - 1];
  while (!isIssuedBy(current, current)) {
    const issuer = trusted.find((c) => !ids.has(certId(c)) && isIssuedBy(current, c));
    if (!issuer) break;
    chain.push(issuer);
    ids.add(certId(issuer));
    current = issuer;
  }
  return chain;
}

/** The DER issuer Name of a certificate. */
function issuerOf(der: Uint8Array): Uint8Array {
  const { issuer } = parseCertificate(der);
  return der.subarray(issuer.start, issuer.end);
}

/** The DER subject Name of a certificate. */
function subjectOf(der: Uint8Array): Uint8Array {
  const { subject } = parseCertificate(der);
  return der.subarray(subject.start, subject.end);
}

/** Whether two DER Names are the same bytes. */
function sameName(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/**
 * The subject of the top certificate of a key entry's chain when it is not a root and no trusted certificate of
 * the store issued it (clients must get that root elsewhere), else null.
 */
export function untrustedChainTop(store: Keystore, alias: string): string | null {
  const entry = requireKeyEntry(store, alias);
  const top = entry.chain[entry.chain.length - 1];
  if (!top || isIssuedBy(top, top) || trustedCertificates(store).some((c) => isIssuedBy(top, c))) return null;
  return describeCertificate(top).subject;
}

/** The certificate of an entry (keytool -exportcert): the leaf of a key entry, or the trusted certificate. */
export function exportCertificate(store: Keystore, alias: string): Uint8Array {
  const entry = requireEntry(store, alias);
  if (entry.kind === 'trusted-cert') return entry.certificate;
  if (entry.kind === 'private-key' && entry.chain.length > 0) return entry.chain[0];
  throw new WrongEntryKindError(entry.alias, 'private-key or trusted-cert', entry.kind);
}

/**
 * A PKCS#10 request for the key of `alias` (keytool -certreq), subject taken from its leaf.
 * SANs default to the leaf's, so the CA is asked for the names the self-signed certificate already had.
 */
export async function createCsrFor(
  store: Keystore,
  alias: string,
  keyPassword: string,
  options: { san?: readonly string[]; signatureAlgorithm?: SignatureAlgorithm } = {},
): Promise<Uint8Array> {
  const entry = requireKeyEntry(store, alias);
  if (entry.chain.length === 0) throw new InvalidInputError(`Alias "${entry.alias}" has no certificate to take the subject from.`);
  const pkcs8 = await openKey(entry, keyPassword);
  const leaf = entry.chain[0];
  const info = describeCertificate(leaf);
  const { subject, extensions } = parseCertificate(leaf);
  // Without --san the leaf's own names are requested, byte for byte (whatever their kinds and spelling).
  const leafSan = extensions.get('2.5.29.17')?.value;
  return createCsr({
    pkcs8,
    dname: info.subject,
    // The subject's bytes as the certificate holds them (string types included), as keytool -certreq copies them.
    subjectDer: leaf.subarray(subject.start, subject.end),
    ...(options.san ? { san: [...options.san] } : leafSan ? { sanDer: leaf.subarray(leafSan.vStart, leafSan.end) } : {}),
    // keytool -certreq signs with the key's default algorithm, not the one of the self-signed leaf.
    signatureAlgorithm: options.signatureAlgorithm,
  });
}

/** `DNS:x` (as keytool prints a SAN) → `dns:x` (as keytool's -ext SAN= takes it). */
function sanFromKeytoolPrint(printed: string): string {
  const i = printed.indexOf(':');
  return i < 0 ? printed : `${printed.slice(0, i).toLowerCase()}:${printed.slice(i + 1)}`;
}

/**
 * Adds a private key with its chain (keytool has no such command; openssl pkcs12 -export does): the key
 * must match one certificate, which becomes the leaf; the others are ordered by issuer after it.
 */
export function importKeyAndChain(
  store: Keystore,
  alias: string,
  pkcs8: Uint8Array,
  chain: readonly Uint8Array[],
  keyPassword: string,
  options: { now?: () => Date } = {},
): Keystore {
  const name = normalizeAlias(store.format, alias);
  refuseExisting(store, name);
  checkNewPassword(store.format, keyPassword, 'key password');
  if (chain.length === 0) throw new InvalidInputError('The certificate chain is empty; give at least the certificate of the key.');
  refuseUnparsableByJava(chain);
  publicKeyOfPkcs8(pkcs8); // throws InvalidInputError for a key that is not PKCS#8
  const leaf = chain.find((c) => matchesKey(c, pkcs8));
  if (!leaf) throw new KeyMismatchError(name);
  const ordered = orderPartialChain(
    leaf,
    chain.filter((c) => c !== leaf),
  );
  const key: OpenKey = { sealed: 'open', pkcs8, password: keyPassword };
  return withEntry(store, { kind: 'private-key', alias: name, created: clock(options.now), chain: ordered, key });
}

/** Refuses certificates JDK 17 cannot parse: a store holding one could no longer be loaded by keytool or MI. */
function refuseUnparsableByJava(certs: readonly Uint8Array[]): void {
  for (const der of certs) {
    const why = whyJavaCannotParse(der);
    if (why !== null) throw new InvalidInputError(`The certificate holds ${why}; a store holding it could not be loaded by Java, so it is not imported.`);
  }
}

/** Orders certificates from `leaf` by issuer as far as `rest` allows; unlike completeChain it accepts a chain that stops short of a root. */
function orderPartialChain(leaf: Uint8Array, rest: readonly Uint8Array[]): Uint8Array[] {
  const chain = [leaf];
  const pool = [...rest];
  let current = leaf;
  while (!isIssuedBy(current, current)) {
    const i = pool.findIndex((c) => isIssuedBy(current, c));
    if (i < 0) break;
    current = pool.splice(i, 1)[0];
    chain.push(current);
  }
  return chain;
}

/** Removes the entry `alias` (keytool -delete). */
export function deleteEntry(store: Keystore, alias: string): Keystore {
  const entry = requireEntry(store, alias);
  return { ...store, entries: store.entries.filter((e) => e !== entry) };
}

/** Renames an entry (keytool -changealias); refuses a target alias that is taken by another entry. */
export function renameAlias(store: Keystore, alias: string, newAlias: string): Keystore {
  const entry = requireEntry(store, alias);
  const name = normalizeAlias(store.format, newAlias);
  const clash = findEntry(store, name);
  if (clash && clash !== entry) throw new AliasExistsError(clash.alias);
  return withEntry(store, { ...entry, alias: name }, entry);
}

/**
 * Changes the store password (keytool -storepasswd). For PKCS12 the key and secret bags are sealed with the
 * store password, so every key is opened with the old one and re-sealed with the new one; JKS/JCEKS keys keep
 * their own key passwords and stay sealed. The caller encodes the result with `newPassword`.
 */
export async function changeStorePassword(store: Keystore, oldPassword: string, newPassword: string): Promise<Keystore> {
  checkNewPassword(store.format, newPassword, 'new store password');
  if (store.format !== 'PKCS12') return { ...store, integrity: 'verified' };
  const entries: Entry[] = [];
  for (const entry of store.entries) {
    if (entry.kind === 'secret-key') {
      // PKCS12 seals secret keys with the store password too: carried over as they were, they would no longer open.
      const material = await openSecretKey(entry, oldPassword);
      entries.push({ ...entry, secret: { sealed: 'open', algorithm: material.algorithm, key: material.key, password: newPassword } });
    } else if (entry.kind === 'private-key') {
      const pkcs8 = await openKey(entry, oldPassword);
      entries.push({ ...entry, key: { sealed: 'open', pkcs8, password: newPassword } });
    } else {
      entries.push(entry);
    }
  }
  return { ...store, integrity: 'verified', entries };
}

/**
 * The store password changed, and for JKS/JCEKS the keys that opened with the old store password follow it to the
 * new one: MI opens its keys with key_password, which its stores keep equal to the store password, so a key left
 * behind breaks MI (keytool -storepasswd leaves them). `kept` names the keys with a password of their own.
 */
export async function changeStorePasswordWithKeys(store: Keystore, oldPassword: string, newPassword: string): Promise<{ store: Keystore; followed: string[]; kept: string[] }> {
  let current = await changeStorePassword(store, oldPassword, newPassword);
  const followed: string[] = [];
  const kept: string[] = [];
  if (store.format === 'PKCS12') return { store: current, followed, kept };
  for (const entry of store.entries) {
    if (entry.kind !== 'private-key') continue;
    try {
      current = await changeKeyPassword(current, entry.alias, oldPassword, newPassword);
      followed.push(entry.alias);
    } catch (err) {
      if (!(err instanceof WrongKeyPasswordError)) throw err;
      kept.push(entry.alias);
    }
  }
  return { store: current, followed, kept };
}

/**
 * Changes the password of one key (keytool -keypasswd). Refused for PKCS12, where keytool seals keys
 * with the store password and ignores a separate key password.
 */
export async function changeKeyPassword(
  store: Keystore,
  alias: string,
  oldKeyPassword: string,
  newKeyPassword: string,
): Promise<Keystore> {
  if (store.format === 'PKCS12') {
    throw new UnsupportedOperationError(
      'PKCS12 keystores protect keys with the store password; change the store password instead (passwd).',
    );
  }
  const entry = requireKeyEntry(store, alias);
  checkNewPassword(store.format, newKeyPassword, 'new key password');
  const pkcs8 = await openKey(entry, oldKeyPassword);
  return withEntry(store, { ...entry, key: { sealed: 'open', pkcs8, password: newKeyPassword } }, entry);
}

/** Passwords for convert: the source store password, key passwords by alias (default: the store password). */
export interface ConvertOptions {
  readonly storePassword: string;
  readonly keyPasswords?: Readonly<Record<string, string>>;
  /** The password the converted store will be encoded with (default: `storePassword`); PKCS12 keys are sealed with it. */
  readonly targetStorePassword?: string;
  /** Leave out the entries the target format cannot hold (listed in the result) instead of refusing. */
  readonly skipUnsupported?: boolean;
}

/** An entry a conversion left out, and why the target format cannot hold it. */
export interface SkippedEntry {
  readonly alias: string;
  readonly reason: string;
}

/** What convertKeystore returns: the converted store and the entries it left out (only with `skipUnsupported`). */
export interface ConvertResult {
  readonly store: Keystore;
  readonly skipped: readonly SkippedEntry[];
}

/**
 * PKCS12KeyStore.validateChain: each certificate's issuer Name equals the next one's subject, and no
 * certificate repeats. keytool refuses any other chain for a PKCS12 key ("Certificate chain is not valid"),
 * and the JDK's PKCS12 reader could not rebuild it anyway (it follows issuers from the leaf).
 */
export function chainIsValid(chain: readonly Uint8Array[]): boolean {
  for (let i = 0; i + 1 < chain.length; i++) {
    const cert = parseCertificate(chain[i]);
    const next = parseCertificate(chain[i + 1]);
    if (!namesMatch(chain[i], cert.issuer, chain[i + 1], next.subject)) return false;
  }
  return new Set(chain.map(certId)).size === chain.length;
}

/** Why a keystore of `format` cannot hold `entry` as keytool writes it, or null when it can. */
export function whyUnsupported(entry: Entry, format: KeystoreFormat): string | null {
  if (entry.kind === 'secret-key' && format === 'JKS') return 'a secret key; JKS holds only private keys and certificates';
  if (entry.kind !== 'private-key') return null;
  if (entry.chain.length === 0 && format !== 'PKCS12') return 'a private key without a certificate, which JKS and JCEKS refuse';
  if (format === 'PKCS12' && !chainIsValid(entry.chain)) {
    return `its ${entry.chain.length} certificates are not a chain where each is issued by the next, which keytool also refuses as "Certificate chain is not valid"`;
  }
  return null;
}

/**
 * Converts a store to `targetFormat` (keytool -importkeystore): every key and secret key is opened and
 * re-sealed for the target (PKCS12: with the target store password; JKS/JCEKS: with its own key password).
 * An entry the target cannot hold is never dropped silently: UnsupportedEntriesError names them all, or,
 * with `skipUnsupported`, they are left out and listed in `skipped`.
 */
export async function convertKeystore(store: Keystore, targetFormat: KeystoreFormat, options: ConvertOptions): Promise<ConvertResult> {
  const target = options.targetStorePassword ?? options.storePassword;
  checkNewPassword(targetFormat, target, 'store password');
  const entries: Entry[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  for (const entry of store.entries) {
    const alias = normalizeAlias(targetFormat, entry.alias);
    if (seen.has(alias.toLowerCase())) throw new AliasExistsError(alias);
    seen.add(alias.toLowerCase());
    const reason = whyUnsupported(entry, targetFormat);
    if (reason !== null) {
      skipped.push({ alias: entry.alias, reason });
      continue;
    }
    const keyPassword = lookupKeyPassword(options.keyPasswords, entry.alias) ?? options.storePassword;
    const sealWith = targetFormat === 'PKCS12' ? target : keyPassword;
    if (entry.kind === 'secret-key') {
      const material = await openSecretKey(entry, entry.secret.sealed === 'sealed' && entry.secret.format === 'PKCS12' ? options.storePassword : keyPassword);
      if (targetFormat === 'PKCS12' && secretKeyAlgorithmOid(material.algorithm) === null) {
        skipped.push({ alias: entry.alias, reason: `a ${material.algorithm} secret key, an algorithm with no OID for PKCS12` });
        continue;
      }
      entries.push({ ...entry, alias, secret: { sealed: 'open', algorithm: material.algorithm, key: material.key, password: sealWith } });
    } else if (entry.kind === 'trusted-cert') {
      entries.push({ ...entry, alias });
    } else {
      const pkcs8 = await openKey(entry, keyPassword);
      entries.push({ ...entry, alias, key: { sealed: 'open', pkcs8, password: sealWith } });
    }
  }
  if (skipped.length > 0 && !options.skipUnsupported) throw new UnsupportedEntriesError(targetFormat, skipped);
  return { store: { format: targetFormat, integrity: 'verified', entries }, skipped };
}

/** convertKeystore without skipping: the converted store, or UnsupportedEntriesError naming what it cannot hold. */
export async function convert(store: Keystore, targetFormat: KeystoreFormat, options: ConvertOptions): Promise<Keystore> {
  return (await convertKeystore(store, targetFormat, { ...options, skipUnsupported: false })).store;
}

/** The key password given for `alias`, matched case-insensitively. */
function lookupKeyPassword(passwords: Readonly<Record<string, string>> | undefined, alias: string): string | undefined {
  if (!passwords) return undefined;
  if (alias in passwords) return passwords[alias];
  const lower = alias.toLowerCase();
  const key = Object.keys(passwords).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : passwords[key];
}

/** Options of renewSelfSignedCertificate. */
export interface RenewOptions {
  readonly validityDays: number;
  /** Names to add to the certificate's SANs, as describeCertificate prints them (`DNS:x`, `IP:y`). */
  readonly addSubjectAltNames?: readonly string[];
  readonly now?: () => Date;
  readonly randomBytes?: (n: number) => Uint8Array;
}

const RENEWABLE_ALGORITHMS: readonly string[] = ['SHA256withRSA', 'SHA384withRSA', 'SHA256withECDSA', 'SHA384withECDSA'];

/**
 * Re-issues the self-signed certificate of `alias` with the same private key, subject and SANs (plus
 * `addSubjectAltNames`) and a new validity (keytool -selfcert). The key is kept, so whatever was encrypted
 * for it stays readable; a CA-signed certificate is refused (renew it through a CSR instead).
 */
export async function renewSelfSignedCertificate(
  store: Keystore,
  alias: string,
  keyPassword: string,
  options: RenewOptions,
): Promise<Keystore> {
  const entry = requireKeyEntry(store, alias);
  if (entry.chain.length === 0) throw new InvalidInputError(`Alias "${entry.alias}" has no certificate to renew.`);
  if (!Number.isInteger(options.validityDays) || options.validityDays < 1) {
    throw new InvalidInputError('The validity must be a whole number of days, at least 1.');
  }
  const info = describeCertificate(entry.chain[0]);
  if (!info.selfSigned || entry.chain.length > 1) {
    throw new InvalidInputError(`The certificate of alias "${entry.alias}" is signed by a CA; renew it with a CSR to that CA.`);
  }
  const pkcs8 = await openKey(entry, keyPassword);
  const now = clock(options.now);
  const san = [...info.subjectAltNames, ...(options.addSubjectAltNames ?? [])].map(sanFromKeytoolPrint);
  const certificate = createSelfSignedCertificate({
    pkcs8,
    dname: info.subject,
    san: san.length > 0 ? san : undefined,
    validityDays: options.validityDays,
    // Keep the signature algorithm when the builder can write it; otherwise keytool's default for the key.
    signatureAlgorithm: RENEWABLE_ALGORITHMS.includes(info.signatureAlgorithm) ? (info.signatureAlgorithm as SignatureAlgorithm) : undefined,
    now: () => now,
    randomBytes: options.randomBytes,
  });
  // The key goes back sealed with the password that opened it (the store password for PKCS12).
  const key: OpenKey = { sealed: 'open', pkcs8, password: keyPassword };
  return withEntry(store, { ...entry, chain: [certificate], key, created: now }, entry);
}
