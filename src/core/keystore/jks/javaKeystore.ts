/**
 * JKS and JCEKS codec: bytes in, bytes out. Layout after OpenJDK 17
 * `sun/security/provider/JavaKeyStore.java` (engineLoad/engineStore) and
 * `com/sun/crypto/provider/JceKeyStore.java`:
 *
 *   u32 magic (FEEDFEED | CECECECE), u32 version (1 | 2), u32 count,
 *   count × { u32 tag, UTF alias, i64 date, tag-specific body },
 *   SHA-1(password UTF-16BE || "Mighty Aphrodite" || everything before) (20 bytes).
 *
 * Decoding parses the whole structure first and only then checks the digest, so a damaged layout is
 * reported as MalformedKeystoreError and a digest mismatch over a sound layout as WrongPasswordError
 * (after a deeper look at the certificates and keys, see `findDamage`). JDK engineLoad checks the
 * digest last too, but reports everything as IOException.
 */
import { createHash, randomBytes as nodeRandomBytes, X509Certificate } from 'crypto';
import { ByteReader, ByteWriter } from './dataStream';
import { bytesEqual, isWholeDer, peekTlv } from '../asn1/der';
import { decodeOid } from '../asn1/oid';
import {
  AliasExistsError,
  InvalidInputError,
  JavaRefusesError,
  KeystoreError,
  MalformedKeystoreError,
  UnsupportedOperationError,
  WrongPasswordError,
} from '../errors';
import {
  JKS_KEY_PROTECTOR_OID,
  parseEncryptedPrivateKeyInfo,
  protectJksKey,
  passwordUtf16Be,
  recoverJksKey,
  unsupportedProtector,
} from './javaKeyProtector';
import { JCEKS_KEY_PROTECTOR_OID, parseParams, protectJceksKey, recoverJceksKey } from './jceksKeyProtector';
import type { EncodeOptions, Entry, Keystore, SealedKey } from '../model';
import { whyJavaCannotParse } from '../x509/javaParseLimits';
import { readSealedSecretKey, sealJceksSecretKey } from './jceksSecretKey';

/** The two formats this codec handles. */
export type JavaKeystoreFormat = 'JKS' | 'JCEKS';

const MAGIC_JKS = 0xfeedfeed;
const MAGIC_JCEKS = 0xcececece;
const DIGEST_LEN = 20;
/** JavaKeyStore.getPreKeyedHash: the "whitener" appended to the password. */
const WHITENER = Buffer.from('Mighty Aphrodite', 'latin1');
/** The smallest possible entry: tag(4) + empty alias(2) + date(8) + a 4-byte length or count. */
const MIN_ENTRY_LEN = 18;
/** Longest stretch of the post-mismatch damage search before yielding to the event loop. */
const SLICE_MS = 10;
/** ±100,000,000 days around 1970 is all a JavaScript Date can hold. */
const MAX_DATE_MS = 8_640_000_000_000_000n;

/** SHA-1 over password, whitener and body: the store-password check of both formats. */
function integrityDigest(password: string, body: Uint8Array): Buffer {
  return createHash('sha1').update(passwordUtf16Be(password)).update(WHITENER).update(body).digest();
}

/**
 * Decodes a JKS or JCEKS store and checks its integrity digest with `password`. Synchronous when the
 * digest matches (the common case, well under a millisecond); a Promise only on a mismatch, while the
 * certificates are examined in slices to tell damage from a wrong password.
 */
export function decodeJavaKeystore(bytes: Uint8Array, password: string): Keystore | Promise<Keystore> {
  try {
    const result = decode(bytes, password);
    return result instanceof Promise ? result.catch((e: unknown) => Promise.reject(atBoundary(e))) : result;
  } catch (e) {
    throw atBoundary(e);
  }
}

/** Low-level faults (a RangeError from a DataView, stack overflow in a crafted stream) are damage too. */
function atBoundary(e: unknown): unknown {
  return e instanceof KeystoreError ? e : new MalformedKeystoreError('unexpected structure', undefined, { cause: e });
}

/** Where a decoded certificate or key sits in the file, kept for the post-mismatch damage search. */
interface Located {
  readonly alias: string;
  readonly what: 'certificate' | 'key';
  readonly der: Uint8Array;
  readonly offset: number;
}

function decode(bytes: Uint8Array, password: string): Keystore | Promise<never> {
  const r = new ByteReader(bytes);
  const magic = r.u32('magic');
  if (magic !== MAGIC_JKS && magic !== MAGIC_JCEKS) throw new MalformedKeystoreError('not a JKS or JCEKS magic number', 0);
  const format: JavaKeystoreFormat = magic === MAGIC_JKS ? 'JKS' : 'JCEKS';
  const version = r.u32('version');
  if (version !== 1 && version !== 2) throw new MalformedKeystoreError(`unsupported version ${version}`, 4);
  const countAt = r.offset;
  const count = r.u32('entry count');
  // Cap the count by the bytes that remain, so a huge count fails here instead of looping.
  if (count > (r.remaining - DIGEST_LEN) / MIN_ENTRY_LEN) {
    throw new MalformedKeystoreError(`entry count ${count} exceeds what the file can hold`, countAt);
  }
  const entries = new Map<string, Entry>();
  const located: Located[] = [];
  let refusal: JavaRefusesError | null = null;

  const readCert = (alias: string): Uint8Array => {
    if (version === 2) {
      const typeAt = r.offset;
      const type = r.utf('certificate type');
      if (type !== 'X.509') throw new MalformedKeystoreError(`unsupported certificate type "${type}"`, typeAt);
    }
    const at = r.offset;
    const der = r.u32Prefixed('certificate');
    if (!isWholeDer(der, 0x30)) throw new MalformedKeystoreError(`certificate of alias "${alias}" is not one DER SEQUENCE`, at + 4);
    located.push({ alias, what: 'certificate', der, offset: at + 4 });
    // The JDK parses every certificate as it loads the store; one it cannot parse fails the whole load.
    const why = whyJavaCannotParse(der);
    if (why !== null) refusal ??= new JavaRefusesError(`a certificate of alias "${alias}" holds ${why}`);
    return der;
  };

  for (let i = 0; i < count; i++) {
    const tagAt = r.offset;
    const tag = r.u32('entry tag');
    const alias = r.utf('alias');
    const dateAt = r.offset;
    const ms = r.i64('creation date');
    if (ms > MAX_DATE_MS || ms < -MAX_DATE_MS) throw new MalformedKeystoreError('creation date out of range', dateAt);
    const created = new Date(Number(ms));
    let entry: Entry;
    if (tag === 1) {
      const keyAt = r.offset;
      const der = r.u32Prefixed('protected key');
      if (!isWholeDer(der, 0x30)) throw new MalformedKeystoreError(`protected key of alias "${alias}" is not one DER SEQUENCE`, keyAt + 4);
      located.push({ alias, what: 'key', der, offset: keyAt + 4 });
      const chainAt = r.offset;
      const chainLen = r.u32('chain length');
      if (chainLen > r.remaining / 4) throw new MalformedKeystoreError(`chain length ${chainLen} exceeds what the file can hold`, chainAt);
      const chain: Uint8Array[] = [];
      for (let c = 0; c < chainLen; c++) chain.push(readCert(alias));
      entry = { kind: 'private-key', alias, created, chain, key: { sealed: 'sealed', format, der } };
    } else if (tag === 2) {
      entry = { kind: 'trusted-cert', alias, created, certificate: readCert(alias) };
    } else if (tag === 3 && format === 'JCEKS') {
      const sealed = readSealedSecretKey(r, alias);
      refusal ??= sealed.refusal;
      entry = { kind: 'secret-key', alias, created, secret: { sealed: 'sealed', format, der: sealed.der } };
    } else {
      throw new MalformedKeystoreError(`unknown entry tag ${tag}`, tagAt);
    }
    // Both JDK stores keep entries in a Hashtable: a repeated alias replaces the earlier entry.
    entries.delete(alias);
    entries.set(alias, entry);
  }

  if (r.remaining < DIGEST_LEN) throw new MalformedKeystoreError('the file ends before the integrity digest', r.offset);
  if (r.remaining > DIGEST_LEN) {
    throw new MalformedKeystoreError(`${r.remaining - DIGEST_LEN} trailing bytes after the integrity digest`, r.offset + DIGEST_LEN);
  }
  const bodyEnd = r.offset;
  const actual = integrityDigest(password, bytes.subarray(0, bodyEnd));
  if (!bytesEqual(actual, bytes.subarray(bodyEnd))) {
    // The digest covers every byte, so damage inside a certificate also lands here; look for it
    // before blaming the password.
    return findDamage(located).then((damage) => Promise.reject(damage ?? new WrongPasswordError()));
  }
  if (refusal) throw refusal;
  return { format, integrity: 'verified', entries: [...entries.values()] };
}

/** Signature algorithms OpenSSL verifies (PKCS#1 RSA, RSASSA-PSS, ECDSA, EdDSA): only these can prove damage. */
const VERIFIABLE_SIGNATURES = new Set([
  '1.2.840.113549.1.1.5', '1.2.840.113549.1.1.10', '1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12',
  '1.2.840.113549.1.1.13', '1.2.840.113549.1.1.14', '1.2.840.10045.4.1', '1.2.840.10045.4.3.2',
  '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4', '1.3.101.112', '1.3.101.113',
]);

/** The signatureAlgorithm OID of a DER certificate (the second element of the outer SEQUENCE), or ''. */
function signatureOid(der: Uint8Array): string {
  const outer = peekTlv(der, 0);
  const tbs = outer && peekTlv(der, outer.vStart, outer.end);
  const alg = tbs && peekTlv(der, tbs.end, outer.end);
  const oid = alg && peekTlv(der, alg.vStart, alg.end);
  return oid && oid.tag === 0x06 ? (decodeOid(der.subarray(oid.vStart, oid.end)) ?? '') : '';
}

/**
 * Only after a digest mismatch: walks every DER value fully, parses every certificate and checks the
 * signature of each one whose issuer is in the store (self-signed roots, chain links), so damage that
 * kept the outer lengths intact is told apart from a wrong password. A certificate whose signature
 * algorithm OpenSSL cannot verify is never counted as damage. A flip inside an encrypted key, an
 * alias or a date cannot be seen by anything but the digest, and reads as a wrong password.
 * Runs in slices (yielding between them), since verifying a truststore's worth of RSA signatures is long
 * enough to be felt on the extension host's thread.
 */
async function findDamage(located: readonly Located[]): Promise<MalformedKeystoreError | null> {
  const damaged = (l: Located): MalformedKeystoreError =>
    new MalformedKeystoreError(`the ${l.what} of alias "${l.alias}" is damaged`, l.offset);
  let sliceEnd = Date.now() + SLICE_MS;
  const maybeYield = async (): Promise<void> => {
    if (Date.now() < sliceEnd) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceEnd = Date.now() + SLICE_MS;
  };
  // Distinct certificates only, each parsed once and each subject's list in file order: a store of a few
  // certificates copied thousands of times under other aliases once cost millions of issuer checks here.
  const distinct: { l: Located; cert: X509Certificate }[] = [];
  const bySubject = new Map<string, X509Certificate[]>();
  const seen = new Set<string>();
  for (const l of located) {
    if (!isWholeDer(l.der, 0x30, true)) return damaged(l);
    if (l.what !== 'certificate') continue;
    const key = Buffer.from(l.der.buffer, l.der.byteOffset, l.der.byteLength).toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(l.der);
    } catch {
      return damaged(l);
    }
    distinct.push({ l, cert });
    const list = bySubject.get(cert.subject);
    if (list) list.push(cert);
    else bySubject.set(cert.subject, [cert]);
    await maybeYield();
  }
  let checksLeft = MAX_SIGNATURE_CHECKS;
  for (const { l, cert } of distinct) {
    await maybeYield();
    if (!VERIFIABLE_SIGNATURES.has(signatureOid(l.der))) continue;
    const named = bySubject.get(cert.issuer) ?? [];
    // Too many certificates of the issuer's name to try them all: only a self-signed certificate is
    // checked (against itself), and a failure then proves nothing, as an untried one might be the issuer.
    const partial = named.length > MAX_ISSUER_CANDIDATES;
    // A self-issued certificate is always tried against itself: OpenSSL's checkIssued refuses a
    // certificate whose key usage lacks keyCertSign as its own issuer, and trying only another certificate
    // of the same name (MI's wso2carbon.jks holds two self-signed CN=localhost) would read as damage.
    const selfIssued = cert.issuer === cert.subject;
    const byName = partial ? [] : named.filter((issuer) => issuer !== cert && cert.checkIssued(issuer));
    const issuers = selfIssued ? [cert, ...byName] : byName;
    if (issuers.length === 0) continue;
    // Out of budget: a store this odd is not told apart from a wrong password (keytool never tries).
    if (checksLeft < issuers.length) return null;
    checksLeft -= issuers.length;
    const verified = issuers.some((issuer) => {
      try {
        return cert.verify(issuer.publicKey);
      } catch {
        return true; // an issuer key OpenSSL cannot use proves nothing
      }
    });
    if (!verified && !partial) return damaged(l);
  }
  return null;
}

/**
 * Bounds of the damage search, in work rather than time so the verdict never depends on machine load:
 * a real store's certificates have one or two candidate issuers each, so a store needs about one
 * signature check per entry.
 */
const MAX_ISSUER_CANDIDATES = 8;
const MAX_SIGNATURE_CHECKS = 400;

// ---- Encoding ---------------------------------------------------------------------------------------

/** Encodes a JKS or JCEKS store (`store.format`), sealing open keys with their own passwords. */
export async function encodeJavaKeystore(store: Keystore, password: string, options: EncodeOptions = {}): Promise<Uint8Array> {
  if (store.format !== 'JKS' && store.format !== 'JCEKS') {
    throw new UnsupportedOperationError(`The Java keystore codec cannot write ${store.format}.`);
  }
  const format = store.format;
  const now = options.now ?? (() => new Date());
  const w = new ByteWriter();
  w.u32(format === 'JKS' ? MAGIC_JKS : MAGIC_JCEKS).u32(2).u32(store.entries.length);
  const seen = new Set<string>();
  for (const entry of store.entries) {
    // JavaKeyStore.JKS.convertAlias and JceKeyStore both store `alias.toLowerCase(Locale.ENGLISH)`.
    const alias = entry.alias.toLowerCase();
    if (seen.has(alias)) throw new AliasExistsError(entry.alias);
    seen.add(alias);
    const date = BigInt((entry.created ?? now()).getTime());
    const tag = entry.kind === 'private-key' ? 1 : entry.kind === 'trusted-cert' ? 2 : 3;
    w.u32(tag);
    try {
      w.utf(alias);
    } catch (e) {
      throw new InvalidInputError(`Alias "${alias.slice(0, 40)}…" is too long for a ${format} store.`, { cause: e });
    }
    w.i64(date);
    if (entry.kind === 'private-key') {
      const key = entry.key;
      let der: Uint8Array;
      if (key.sealed === 'open') der = (await sealJavaKey(format, key.pkcs8, key.password, options)).der;
      else if (key.format === format) der = key.der;
      else {
        throw new UnsupportedOperationError(
          `The key of alias "${entry.alias}" is sealed for ${key.format}; it must be opened first to be written to ${format}.`,
        );
      }
      w.u32(der.length).bytes(der).u32(entry.chain.length);
      for (const cert of entry.chain) w.utf('X.509').u32(cert.length).bytes(cert);
    } else if (entry.kind === 'trusted-cert') {
      w.utf('X.509').u32(entry.certificate.length).bytes(entry.certificate);
    } else {
      if (format !== 'JCEKS') throw new UnsupportedOperationError(`Secret key "${entry.alias}" cannot be stored in JKS; use JCEKS or PKCS12.`);
      const secret = entry.secret;
      if (secret.sealed === 'open') {
        const random = options.randomBytes ?? ((n: number) => new Uint8Array(nodeRandomBytes(n)));
        w.bytes(await sealJceksSecretKey(secret, secret.password, random(8)));
      } else if (secret.format === 'JCEKS') {
        w.bytes(secret.der);
      } else {
        throw new UnsupportedOperationError(`The secret key of alias "${entry.alias}" is sealed for ${secret.format}; it must be opened first to be written to JCEKS.`);
      }
    }
  }
  const body = w.toBytes();
  const out = new Uint8Array(body.length + DIGEST_LEN);
  out.set(body, 0);
  out.set(integrityDigest(password, body), body.length);
  return out;
}

/** Seals a PKCS#8 private key with `password` by the key protector of `format` (JKS: Sun KeyProtector; JCEKS: PBEWithMD5AndTripleDES). */
export async function sealJavaKey(
  format: JavaKeystoreFormat,
  pkcs8: Uint8Array,
  password: string,
  options: EncodeOptions = {},
): Promise<SealedKey> {
  const random = options.randomBytes ?? ((n: number) => new Uint8Array(nodeRandomBytes(n)));
  const der = format === 'JKS' ? protectJksKey(pkcs8, password, random(20)) : await protectJceksKey(pkcs8, password, random(8));
  return { sealed: 'sealed', format, der };
}

/** Recovers the PKCS#8 DER of a JKS/JCEKS protected key; WrongKeyPasswordError when `password` does not open it. */
/** How many PBE iterations recovering a JKS/JCEKS key costs, read without recovering it (JKS's protector: none). */
export function javaKeyIterations(der: Uint8Array, alias: string): number {
  const info = parseEncryptedPrivateKeyInfo(der, alias);
  return bytesEqual(info.oid, JCEKS_KEY_PROTECTOR_OID) ? parseParams(info.params, alias).iterations : 0;
}

export async function recoverJavaKey(format: JavaKeystoreFormat, der: Uint8Array, password: string, alias: string): Promise<Uint8Array> {
  const info = parseEncryptedPrivateKeyInfo(der, alias);
  // Dispatch on the OID the key carries; JceKeyStore reads JKS-protected keys too (KeyProtector.recover).
  if (bytesEqual(info.oid, JKS_KEY_PROTECTOR_OID)) return recoverJksKey(info.encrypted, password, alias);
  if (bytesEqual(info.oid, JCEKS_KEY_PROTECTOR_OID) && format === 'JCEKS') {
    return recoverJceksKey(info.params, info.encrypted, password, alias);
  }
  throw unsupportedProtector(info.oid);
}
