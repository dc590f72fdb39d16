/**
 * The PKCS12 codec (RFC 7292) as JDK 17's keytool reads and writes it
 * (OpenJDK sun/security/pkcs12/PKCS12KeyStore.java). Bytes in, bytes out; native crypto throughout.
 * Decoding parses the whole structure first, then checks the MAC, then decrypts: a damaged file is
 * reported as damaged and a wrong password as a wrong password, never the other way round.
 */
import { X509Certificate, createHmac, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import {
  InvalidPasswordError,
  KeystoreError,
  MalformedKeystoreError,
  UnsupportedAlgorithmError,
  WrongKeyPasswordError,
  WrongPasswordError,
  AliasExistsError,
  ExcessiveWorkError,
  JavaRefusesError,
  UnsupportedOperationError,
} from '../errors';
import type { EncodeOptions, Entry, Keystore } from '../model';
import { whyJavaCannotParse } from '../x509/javaParseLimits';
import { DerReader, TAG, NULL, explicit, integer, octetString, oid, seq, tlv, type Tlv } from '../asn1/der';
import { berToDer } from '../asn1/ber';
import { MAX_ITERATIONS, OID_PBES2, Pbes2Params, parsePbes2Params, pbes2Decrypt, pbes2Encrypt } from './pbes2';
import {
  BadDecryptError,
  KDF_ID,
  PBE_SHA1_3DES,
  PBE_SHA1_RC2_40,
  PKCS12_PBE,
  bmpPassword,
  pkcs12Kdf,
  pkcs12PbeDecrypt,
  pkcs12PbeEncrypt,
} from './rfc7292KeyDerivation';
import { Bag, CertBag, KeyBag, certBag, certLinks, keyBag, linksOf, parseSafeContents, secretBag } from './safeBags';
import { decodeSecretKeyInfo, encodeSecretKeyInfo, secretKeyAlgorithmOid, type SecretKeyMaterial } from '../secretKeyInfo';

/** PKCS#7 data content type (RFC 2315 §14). */
const OID_DATA = '1.2.840.113549.1.7.1';
/** PKCS#7 encryptedData content type (RFC 2315 §13). */
const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';

/** MAC digest algorithms the JDK accepts in MacData (PKCS12KeyStore `macAlgorithm` values), by OID. */
const MAC_HASHES: Readonly<Record<string, { name: string; size: number }>> = {
  '1.3.14.3.2.26': { name: 'sha1', size: 20 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', size: 28 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', size: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', size: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', size: 64 },
  '2.16.840.1.101.3.4.2.5': { name: 'sha512-224', size: 28 },
  '2.16.840.1.101.3.4.2.6': { name: 'sha512-256', size: 32 },
};
const OID_SHA1 = '1.3.14.3.2.26';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

/** What Java 17 writes (PKCS12KeyStore defaults and `keystore.pkcs12.legacy`); salts are 20 bytes (`SALT_LEN`). */
const SALT_LEN = 20;
const DEFAULT_ITERATIONS = 10000;
const LEGACY_PBE_ITERATIONS = 50000;
const LEGACY_MAC_ITERATIONS = 100000;

/** A password-based cipher found in an AlgorithmIdentifier, ready to run once the password is known. */
type Cipher =
  | { kind: 'pbes2'; params: Pbes2Params }
  | { kind: 'pkcs12'; oid: string; salt: Buffer; iterations: number };

/** Parses a password-based encryption AlgorithmIdentifier: PBES2 (RFC 8018) or a PKCS#12 PBE (RFC 7292 C). */
function parseCipher(der: DerReader, alg: Tlv): Cipher {
  if (alg.tag !== TAG.SEQUENCE) der.fail('encryption algorithm: expected an AlgorithmIdentifier', alg.start);
  const [idNode, params] = der.children(alg, 'encryption algorithm');
  if (!idNode) der.fail('encryption algorithm: empty', alg.start);
  const id = der.oid(idNode, 'encryption algorithm');
  if (id === OID_PBES2) {
    if (!params) der.fail('PBES2: missing parameters', alg.start);
    return { kind: 'pbes2', params: parsePbes2Params(der, params) };
  }
  if (PKCS12_PBE[id]) {
    // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER } (RFC 7292 Appendix C)
    if (!params || params.tag !== TAG.SEQUENCE) der.fail('PKCS#12 PBE parameters: expected a SEQUENCE', alg.start);
    const [saltNode, itNode] = der.children(params, 'PKCS#12 PBE parameters');
    if (!saltNode || !itNode) der.fail('PKCS#12 PBE parameters: missing salt or iteration count', params.start);
    const salt = der.octets(saltNode, 'PKCS#12 PBE salt');
    const iterations = der.smallInt(itNode, 'PKCS#12 PBE iteration count');
    if (iterations < 1 || iterations > MAX_ITERATIONS) der.fail(`PBE iteration count ${iterations} out of range`, itNode.start);
    return { kind: 'pkcs12', oid: id, salt, iterations };
  }
  throw new UnsupportedAlgorithmError(id, 'encryption algorithm');
}

/** Checks that ciphertext fills whole cipher blocks: anything else is damage, whatever the password. */
function checkBlocks(der: DerReader, cipher: Cipher, data: Buffer, pos: number): void {
  const block = cipher.kind === 'pbes2' ? cipher.params.iv.length : 8;
  if (data.length === 0 || data.length % block !== 0) der.fail(`encrypted data of ${data.length} bytes is not whole ${block}-byte blocks`, pos);
}

/** Runs a parsed cipher; a padding failure becomes BadDecryptError whichever scheme it came from. */
async function runDecrypt(cipher: Cipher, password: string, data: Uint8Array, cache: Map<string, Promise<Buffer>>): Promise<Buffer> {
  if (cipher.kind === 'pkcs12') {
    return pkcs12PbeDecrypt(PKCS12_PBE[cipher.oid], password, cipher.salt, cipher.iterations, data, cache);
  }
  try {
    return await pbes2Decrypt(cipher.params, password, data, cache);
  } catch (e) {
    throw new BadDecryptError('bad decrypt', { cause: e });
  }
}

/** An EncryptedData safe (RFC 2315 §13) waiting for the password. */
interface PendingSafe {
  readonly cipher: Cipher;
  readonly data: Buffer;
  readonly offset: number | undefined;
}

/** MacData (RFC 7292 §4): digest algorithm, digest, salt, iterations. */
interface MacData {
  readonly hash: string;
  readonly size: number;
  readonly digest: Buffer;
  readonly salt: Buffer;
  readonly iterations: number;
}

/**
 * The most key-derivation iterations one file may ask for before its MAC and safes are checked: the MAC
 * and every encrypted safe, added up. The JDK caps each of them at 5,000,000 (PKCS12KeyStore
 * MAX_ITERATION_COUNT) but not their sum, so a 1.7 KB file of 20 safes at the cap kept keytool busy for
 * seconds and took this engine minutes. Twice the per-item cap lets through every layout keytool writes
 * (one MAC and one certificate safe, even with both raised to the cap by the `keystore.pkcs12.*IterationCount`
 * properties); real stores ask for 20,000 (Java 17) to 150,000 (Java 8). Keys are derived on demand, each
 * under the per-item cap, and are not counted here.
 */
export const MAX_TOTAL_ITERATIONS = 2 * MAX_ITERATIONS;

/** Refuses a store whose MAC and encrypted safes together ask for more than MAX_TOTAL_ITERATIONS. */
function checkWorkBudget(mac: MacData | null, safes: readonly (Bag[] | PendingSafe)[]): void {
  let total = mac?.iterations ?? 0;
  for (const s of safes) {
    if (Array.isArray(s)) continue;
    total += s.cipher.kind === 'pbes2' ? s.cipher.params.iterations : s.cipher.iterations;
  }
  if (total > MAX_TOTAL_ITERATIONS) throw new ExcessiveWorkError(total, MAX_TOTAL_ITERATIONS);
}

/** Reads ContentInfo { contentType, [0] EXPLICIT content } and returns the type and the content node. */
function contentInfo(der: DerReader, node: Tlv, what: string): { type: string; content: Tlv } {
  if (node.tag !== TAG.SEQUENCE) der.fail(`${what}: expected a ContentInfo SEQUENCE`, node.start);
  const [typeNode, wrap, extra] = der.children(node, what);
  if (!typeNode || !wrap || wrap.tag !== TAG.CTX0 || extra) der.fail(`${what}: expected contentType and [0] content`, node.start);
  const [content, extra2] = der.children(wrap, what);
  if (!content || extra2) der.fail(`${what}: [0] must hold exactly one value`, wrap.start);
  return { type: der.oid(typeNode, `${what} type`), content };
}

function parseMacData(der: DerReader, node: Tlv): MacData {
  if (node.tag !== TAG.SEQUENCE) der.fail('MacData: expected a SEQUENCE', node.start);
  const [digestInfo, saltNode, itNode, extra] = der.children(node, 'MacData');
  if (!digestInfo || !saltNode || extra || digestInfo.tag !== TAG.SEQUENCE) der.fail('MacData: expected DigestInfo and salt', node.start);
  const [alg, digestNode] = der.children(digestInfo, 'MAC DigestInfo');
  if (!alg || !digestNode || alg.tag !== TAG.SEQUENCE) der.fail('MAC DigestInfo: expected an algorithm and a digest', digestInfo.start);
  const [algId] = der.children(alg, 'MAC algorithm');
  if (!algId) der.fail('MAC algorithm: empty', alg.start);
  const id = der.oid(algId, 'MAC algorithm');
  const hash = MAC_HASHES[id];
  if (!hash) throw new UnsupportedAlgorithmError(id, 'MAC algorithm');
  const digest = der.octets(digestNode, 'MAC digest');
  if (digest.length !== hash.size) der.fail(`MAC digest has ${digest.length} bytes, expected ${hash.size}`, digestNode.start);
  const salt = der.octets(saltNode, 'MAC salt');
  // iterations INTEGER DEFAULT 1 (RFC 7292 §4)
  const iterations = itNode ? der.smallInt(itNode, 'MAC iteration count') : 1;
  if (iterations < 1 || iterations > MAX_ITERATIONS) der.fail(`MAC iteration count ${iterations} out of range`, itNode?.start ?? node.start);
  return { hash: hash.name, size: hash.size, digest, salt, iterations };
}

/** HMAC of the authenticated safe with a key from the PKCS#12 KDF, id 3 (RFC 7292 B.4; PKCS12KeyStore `calculateMac`). */
async function computeMac(hash: string, size: number, password: string, salt: Uint8Array, iterations: number, data: Uint8Array): Promise<Buffer> {
  const key = await pkcs12Kdf(hash, KDF_ID.MAC, bmpPassword(password), salt, iterations, size);
  return createHmac(hash, key).update(data).digest();
}

/** Parses "Time <ms>" localKeyIds the way PKCS12KeyStore restores creation dates; anything else has no date. */
function dateFromKeyId(keyId: Buffer | null): Date | null {
  if (!keyId) return null;
  const s = keyId.toString('latin1');
  const m = /^Time ([+-]?\d{1,18})$/.exec(s);
  if (!m) return null;
  const d = new Date(Number(m[1]));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** KeyStoreUtil.isSelfSigned: issuer = subject and the signature verifies with the certificate's own key. */
function isSelfSigned(c: CertBag): boolean {
  const links = linksOf(c);
  if (links.issuer !== links.subject) return false;
  try {
    const x = new X509Certificate(Buffer.from(c.cert));
    return x.verify(x.publicKey);
  } catch {
    return false;
  }
}

/** Certificates by subject Name (DER hex), each list in file order: findIssuer's candidates without a scan of every bag. */
type SubjectIndex = ReadonlyMap<string, readonly CertBag[]>;

/** Indexes `all` by subject, so building chains costs one pass over the bags instead of one per chain link. */
function indexBySubject(all: readonly CertBag[]): SubjectIndex {
  const index = new Map<string, CertBag[]>();
  for (const c of all) {
    const subject = linksOf(c).subject;
    const list = index.get(subject);
    if (list) list.push(c);
    else index.set(subject, [c]);
  }
  return index;
}

/**
 * PKCS12KeyStore.findIssuer: among all certificates in file order, a Name match whose SubjectKeyIdentifier
 * equals the AuthorityKeyIdentifier wins; without an AKI the first Name match; a Name match without SKI is
 * the fallback; a match with a different SKI is no issuer.
 */
function findIssuer(cert: CertBag, bySubject: SubjectIndex): CertBag | undefined {
  const { issuer, aki } = linksOf(cert);
  let fallback: CertBag | undefined;
  for (const c of bySubject.get(issuer) ?? []) {
    const links = linksOf(c);
    if (aki === null) return c;
    if (links.ski === null) fallback = c;
    else if (links.ski === aki) return c;
  }
  return fallback;
}

/**
 * The longest chain built for a key entry. The JDK has no limit, but a crafted store of thousands of
 * certificates, each issued by the next, would otherwise make chains thousands long; real chains have 2–5
 * links, and the JDK's own path builder stops at 5 intermediates by default (PKIXBuilderParameters).
 */
export const MAX_CHAIN_LENGTH = 16;

type PendingKey = { readonly pendingKey: KeyBag; readonly alias: string; readonly keyId: Buffer };
type CertEntryRecord = { readonly bag: CertBag; readonly keyId: Buffer | null; readonly alias: string | null };

/**
 * Turns bags into entries as PKCS12KeyStore.loadSafeContents and engineLoad do: key bags, secret bags and
 * trusted certBags are entries (alias = friendlyName, else "1", "2", … in bag order); other certBags only feed
 * chains. A key's leaf is the certBag with its localKeyId (preferring one whose friendlyName also
 * matches, else one matching by name only), and the chain follows findIssuer until a self-signed
 * certificate or a repeat. Aliases collide case-insensitively; the later entry wins, in the earlier place.
 */
function assemble(safes: readonly (readonly Bag[])[]): Entry[] {
  let privateKeyCount = 0; // counted as bags are met, as the JDK does: its "01" workaround depends on it
  let unfriendly = 0;
  const nextName = (): string => String(++unfriendly);
  const entries = new Map<string, Entry | PendingKey>();
  const certEntries: CertEntryRecord[] = [];
  const allCerts: CertBag[] = [];
  for (const bags of safes) {
    for (const bag of bags) {
      if (bag.type === 'secret') {
        // "keyId in a SecretKeyEntry is not significant": the JDK gives it "00" and keeps the entry.
        const alias = bag.attrs.friendlyName ?? nextName();
        const secret = { sealed: 'sealed', format: 'PKCS12', der: bag.epki } as const;
        entries.set(alias.toLowerCase(), { kind: 'secret-key', alias, created: dateFromKeyId(bag.attrs.localKeyId), secret });
      } else if (bag.type === 'key') {
        privateKeyCount++;
        let keyId = bag.attrs.localKeyId;
        // "a workaround to allow null localKeyID attribute in pkcs12 with one private key entry"
        if (!keyId) {
          if (privateKeyCount !== 1) continue;
          keyId = Buffer.from('01');
        }
        const alias = bag.attrs.friendlyName ?? nextName();
        entries.set(alias.toLowerCase(), { pendingKey: bag, alias, keyId });
      } else {
        let keyId = bag.attrs.localKeyId;
        if (!keyId && privateKeyCount === 1 && bag.index === 0) keyId = Buffer.from('01');
        if (bag.attrs.trusted) {
          const alias = bag.attrs.friendlyName ?? nextName();
          // CertEntry takes the load time as its date; the model says "none recorded" instead.
          entries.set(alias.toLowerCase(), { kind: 'trusted-cert', alias, created: null, certificate: bag.cert });
        } else {
          certEntries.push({ bag, keyId, alias: bag.attrs.friendlyName });
        }
        allCerts.push(bag);
      }
    }
  }
  const out: Entry[] = [];
  let bySubject: SubjectIndex | undefined;
  for (const e of entries.values()) {
    if (!('pendingKey' in e)) {
      out.push(e);
      continue;
    }
    const chain: CertBag[] = [];
    // Indexed on the first issuer search: a self-signed leaf (most keys) needs none, and a truststore's
    // certificates are then never parsed for their Names.
    const issuerOf = (c: CertBag): CertBag | undefined => findIssuer(c, (bySubject ??= indexBySubject(allCerts)));
    for (let cert = findMatchedCertificate(e, certEntries); cert && chain.length < MAX_CHAIN_LENGTH; cert = issuerOf(cert)) {
      const c = cert;
      if (chain.some((x) => Buffer.from(x.cert).equals(c.cert))) break; // a loop in the chain
      chain.push(c);
      if (isSelfSigned(c)) break;
    }
    out.push({
      kind: 'private-key',
      alias: e.alias,
      created: dateFromKeyId(e.keyId),
      chain: chain.map((c) => c.cert),
      key: { sealed: 'sealed', format: 'PKCS12', der: e.pendingKey.epki },
    });
  }
  return out;
}

/** PKCS12KeyStore.findMatchedCertificate: localKeyId and alias both match, else localKeyId, else alias. */
function findMatchedCertificate(key: PendingKey, certEntries: readonly CertEntryRecord[]): CertBag | undefined {
  let keyIdMatch: CertBag | undefined;
  let aliasMatch: CertBag | undefined;
  const lower = key.alias.toLowerCase();
  for (const ce of certEntries) {
    const aliasMatches = ce.alias !== null && ce.alias.toLowerCase() === lower;
    if (ce.keyId !== null && ce.keyId.equals(key.keyId)) {
      keyIdMatch = ce.bag;
      if (aliasMatches) return ce.bag;
    } else if (aliasMatches) aliasMatch = ce.bag;
  }
  return keyIdMatch ?? aliasMatch;
}

/**
 * PKCS12KeyStore.RetryWithZero: an empty password that fails is retried as "\0", which the KDF turns into
 * no password bytes at all (what OpenSSL writes for a NULL password).
 */
async function withZeroRetry<T>(password: string, f: (pw: string) => Promise<T>): Promise<T> {
  try {
    return await f(password);
  } catch (e) {
    if (password !== '') throw e;
    return f('\u0000');
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decodes a PKCS12 store (RFC 7292 PFX), verifying its MAC with `password` when it has one.
 * DER is read first; a store that fails as DER gets a second reading as BER (indefinite lengths,
 * constructed OCTET STRINGs), which the JDK also accepts. If both fail, the DER fault is reported.
 */
export async function decodePkcs12(bytes: Uint8Array, password: string): Promise<Keystore> {
  const buf = asBuffer(bytes);
  let derError: KeystoreError;
  try {
    return await decodeUnchecked(buf, password, false);
  } catch (e) {
    derError = asKeystoreError(e);
    if (!(derError instanceof MalformedKeystoreError)) throw derError;
  }
  try {
    return await decodeUnchecked(buf, password, true);
  } catch (e) {
    const berError = asKeystoreError(e);
    throw berError instanceof MalformedKeystoreError ? derError : berError;
  }
}

/** A RangeError or similar from a hostile file is still "damaged", with the cause kept for the log. */
function asKeystoreError(e: unknown): KeystoreError {
  return e instanceof KeystoreError ? e : new MalformedKeystoreError('unexpected structure', undefined, { cause: e });
}

/**
 * A reader over a node's value (ASN.1 nested in an OCTET STRING); with `ber` the bytes are first
 * re-encoded as DER (berToDer) and file offsets are dropped, since they would no longer apply.
 */
function nestedReader(der: DerReader, node: Tlv, ber: boolean): DerReader {
  return ber ? new DerReader(berToDer(der.value(node)), undefined) : der.nested(node);
}

/** The value of an OCTET STRING that BER may have split into a constructed [0] of segments (RFC 2315 §13). */
function implicitOctets(der: DerReader, node: Tlv, what: string): Buffer {
  if (node.tag === TAG.CTX0_PRIMITIVE) return der.value(node);
  if (node.tag !== TAG.CTX0) der.fail(`${what}: expected [0] IMPLICIT OCTET STRING`, node.start);
  return Buffer.concat(der.children(node, what).map((c) => der.octets(c, what)));
}

/**
 * An encrypted safe, checked but not yet decrypted (the password is proved first):
 * EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT content } }.
 */
function encryptedSafe(ader: DerReader, ed: Tlv): Bag[] | PendingSafe {
  if (ed.tag !== TAG.SEQUENCE) ader.fail('EncryptedData: expected a SEQUENCE', ed.start);
  const [edVersion, eci] = ader.children(ed, 'EncryptedData');
  if (!edVersion || !eci || eci.tag !== TAG.SEQUENCE) ader.fail('EncryptedData: expected version and EncryptedContentInfo', ed.start);
  ader.smallInt(edVersion, 'EncryptedData version');
  const [ctype, alg, enc] = ader.children(eci, 'EncryptedContentInfo');
  if (!ctype || !alg) ader.fail('EncryptedContentInfo: expected contentType and algorithm', eci.start);
  ader.oid(ctype, 'EncryptedContentInfo type');
  const cipher = parseCipher(ader, alg);
  if (!enc) return []; // no encryptedContent: an empty safe
  const data = implicitOctets(ader, enc, 'encryptedContent');
  checkBlocks(ader, cipher, data, enc.start);
  return { cipher, data, offset: ader.offsetOf(enc.start) };
}

async function decodeUnchecked(file: Buffer, password: string, ber: boolean): Promise<Keystore> {
  const der = ber ? new DerReader(berToDer(file), undefined) : new DerReader(file, 0);
  const buf = der.buf;
  const pfx = der.expect(0, buf.length, TAG.SEQUENCE, 'PFX');
  if (pfx.end !== buf.length) der.fail('trailing bytes after the PFX', pfx.end);
  const [versionNode, authSafeNode, macNode, extra] = der.children(pfx, 'PFX');
  if (!versionNode || !authSafeNode || extra) der.fail('PFX: expected version, authSafe and optional MacData', pfx.start);
  const version = der.smallInt(versionNode, 'PFX version');
  if (version !== 3) der.fail(`PFX version ${version}, expected 3`, versionNode.start);

  // authSafe: ContentInfo of type data (signedData, public-key integrity mode, is not used by keytool).
  const authSafe = contentInfo(der, authSafeNode, 'authSafe');
  if (authSafe.type !== OID_DATA) throw new UnsupportedAlgorithmError(authSafe.type, 'integrity mode');
  const authOctets = der.octets(authSafe.content, 'authSafe content');
  const ader = nestedReader(der, authSafe.content, ber);
  const safesNode = ader.expect(0, ader.buf.length, TAG.SEQUENCE, 'AuthenticatedSafe');
  if (safesNode.end !== ader.buf.length) ader.fail('trailing bytes after the AuthenticatedSafe', safesNode.end);

  // Structure first: every plain safe is parsed and every encrypted one checked before any crypto runs.
  const safes: (Bag[] | PendingSafe)[] = [];
  for (const ciNode of ader.children(safesNode, 'AuthenticatedSafe')) {
    const ci = contentInfo(ader, ciNode, 'safe ContentInfo');
    if (ci.type === OID_DATA) {
      const octets = ci.content;
      if (octets.tag !== TAG.OCTET_STRING) ader.fail('data safe: expected an OCTET STRING', octets.start);
      const sder = nestedReader(ader, octets, ber);
      const sc = sder.expect(0, sder.buf.length, TAG.SEQUENCE, 'SafeContents');
      if (sc.end !== sder.buf.length) sder.fail('trailing bytes after SafeContents', sc.end);
      safes.push(parseSafeContents(sder, sc));
    } else if (ci.type === OID_ENCRYPTED_DATA) {
      safes.push(encryptedSafe(ader, ci.content));
    } else {
      // envelopedData (public-key privacy mode): keytool never writes it.
      throw new UnsupportedAlgorithmError(ci.type, 'safe content type');
    }
  }
  const mac = macNode ? parseMacData(der, macNode) : null;
  checkWorkBudget(mac, safes);

  // Then the password: the MAC, when there is one, proves it.
  if (mac) {
    password = await withZeroRetry(password, async (pw) => {
      const actual = await computeMac(mac.hash, mac.size, pw, mac.salt, mac.iterations, authOctets);
      if (!timingSafeEqual(actual, mac.digest)) throw new WrongPasswordError();
      return pw;
    });
  }
  const verified = mac !== null;

  // Then decryption, one safe at a time so the first failure ends the work. Behind a verified MAC a
  // failure is damage; without a MAC it is the only password check.
  const cache = new Map<string, Promise<Buffer>>();
  const decrypted: Bag[][] = [];
  for (const s of safes) {
    if (Array.isArray(s)) {
      decrypted.push(s);
      continue;
    }
    try {
      const plain0 = await withZeroRetry(password, (pw) => runDecrypt(s.cipher, pw, s.data, cache));
      const plain = ber ? berToDer(plain0) : plain0;
      const inner = new DerReader(plain, undefined);
      const sc = inner.expect(0, plain.length, TAG.SEQUENCE, 'encrypted SafeContents');
      if (sc.end !== plain.length) inner.fail('trailing bytes after encrypted SafeContents', sc.end);
      decrypted.push(parseSafeContents(inner, sc));
    } catch (e) {
      if (e instanceof BadDecryptError || e instanceof MalformedKeystoreError) {
        if (!verified) throw new WrongPasswordError({ cause: e });
        throw new MalformedKeystoreError('an encrypted safe does not decrypt to SafeContents', s.offset, { cause: e });
      }
      throw e;
    }
  }
  refuseWhatJavaCannotParse(decrypted, safes.map((x) => !Array.isArray(x)));
  return { format: 'PKCS12', integrity: verified ? 'verified' : 'unverifiable', entries: assemble(decrypted) };
}

/**
 * Throws JavaRefusesError for a certificate JDK 17 fails to parse: PKCS12KeyStore.engineLoad parses every
 * certBag, and a failure inside an encrypted safe reaches keytool as "keystore password was incorrect".
 */
function refuseWhatJavaCannotParse(safes: readonly Bag[][], encrypted: readonly boolean[]): void {
  safes.forEach((bags, i) => {
    for (const bag of bags) {
      if (bag.type !== 'cert') continue;
      const why = whyJavaCannotParse(bag.cert);
      if (why === null) continue;
      const name = bag.attrs.friendlyName ? `a certificate of alias "${bag.attrs.friendlyName}"` : 'a certificate';
      const keytoolSays = encrypted[i] ? '; keytool reports it as "keystore password was incorrect"' : '';
      throw new JavaRefusesError(`${name} holds ${why}${keytoolSays}`);
    }
  });
}

/** Decrypts an EncryptedPrivateKeyInfo (RFC 5208 §6) of a key or secret bag; WrongKeyPasswordError on bad padding. */
async function decryptBag(der: Uint8Array, password: string, alias: string): Promise<Buffer> {
  const buf = asBuffer(der);
  const r = new DerReader(buf, undefined);
  let cipher: Cipher;
  let data: Buffer;
  try {
    const epki = r.expect(0, buf.length, TAG.SEQUENCE, 'EncryptedPrivateKeyInfo');
    const [alg, dataNode] = r.children(epki, 'EncryptedPrivateKeyInfo');
    if (!alg || !dataNode) r.fail('EncryptedPrivateKeyInfo: expected algorithm and data', epki.start);
    cipher = parseCipher(r, alg);
    data = r.octets(dataNode, 'encrypted key');
    checkBlocks(r, cipher, data, dataNode.start);
  } catch (e) {
    if (e instanceof KeystoreError) throw e;
    throw new MalformedKeystoreError('unexpected key structure', undefined, { cause: e });
  }
  try {
    return await withZeroRetry(password, (pw) => runDecrypt(cipher, pw, data, new Map()));
  } catch (e) {
    if (e instanceof BadDecryptError) throw new WrongKeyPasswordError(alias, { cause: e });
    throw e;
  }
}

/** Decrypts a shrouded key bag's EncryptedPrivateKeyInfo (RFC 5208 §6) to PKCS#8 PrivateKeyInfo DER. */
/** How many key-derivation iterations opening a PKCS12 key or secret bag costs, read without opening it. */
export function pkcs12BagIterations(der: Uint8Array): number {
  const buf = asBuffer(der);
  const r = new DerReader(buf, undefined);
  try {
    const epki = r.expect(0, buf.length, TAG.SEQUENCE, 'EncryptedPrivateKeyInfo');
    const [alg] = r.children(epki, 'EncryptedPrivateKeyInfo');
    if (!alg) r.fail('EncryptedPrivateKeyInfo: expected algorithm and data', epki.start);
    const cipher = parseCipher(r, alg);
    return cipher.kind === 'pbes2' ? cipher.params.iterations : cipher.iterations;
  } catch (e) {
    if (e instanceof KeystoreError) throw e;
    throw new MalformedKeystoreError('unexpected key structure', undefined, { cause: e });
  }
}

export async function decryptPkcs12Key(der: Uint8Array, password: string, alias: string): Promise<Uint8Array> {
  const plain = await decryptBag(der, password, alias);
  // A wrong password passes the padding check 1 time in 256: PrivateKeyInfo's shape catches those.
  if (!looksLikePrivateKeyInfo(plain)) throw new WrongKeyPasswordError(alias);
  return new Uint8Array(plain);
}

/** Decrypts a secret bag's sealed SecretKeyInfo (PKCS12KeyStore.engineGetKey) to the key's algorithm and bytes. */
export async function decryptPkcs12Secret(der: Uint8Array, password: string, alias: string): Promise<SecretKeyMaterial> {
  const material = decodeSecretKeyInfo(await decryptBag(der, password, alias));
  if (material === null) throw new WrongKeyPasswordError(alias);
  return material;
}

/** PrivateKeyInfo (RFC 5208 §5) = SEQUENCE { INTEGER version, AlgorithmIdentifier, OCTET STRING, … } spanning all bytes. */
function looksLikePrivateKeyInfo(plain: Buffer): boolean {
  try {
    const r = new DerReader(plain, undefined);
    const top = r.expect(0, plain.length, TAG.SEQUENCE, 'PrivateKeyInfo');
    if (top.end !== plain.length) return false;
    const [v, alg, key] = r.children(top, 'PrivateKeyInfo');
    return v?.tag === TAG.INTEGER && alg?.tag === TAG.SEQUENCE && key?.tag === TAG.OCTET_STRING;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Java 17 refuses PKCS12 passwords outside printable ASCII (com.sun.crypto.provider.PBEKey: "Password is not ASCII"). */
/** Whether Java 17 opens a PKCS12 with this password: javax.crypto's PBEKey takes printable ASCII only. */
export function javaAcceptsPkcs12Password(password: string): boolean {
  return /^[\x20-\x7e]*$/.test(password);
}

function checkPassword(password: string): void {
  if (!javaAcceptsPkcs12Password(password)) {
    throw new InvalidPasswordError('PKCS12 passwords must be printable ASCII: Java 17 refuses other characters.');
  }
}

/** Seals a PKCS#8 key as Java 17 does (PBES2 AES-256 / PBKDF2-HMAC-SHA256), or with 3DES for the legacy layout. */
async function sealKey(pkcs8: Uint8Array, password: string, legacy: boolean, random: (n: number) => Buffer): Promise<Buffer> {
  if (legacy) {
    const salt = random(SALT_LEN);
    const ct = await pkcs12PbeEncrypt(PKCS12_PBE[PBE_SHA1_3DES], password, salt, LEGACY_PBE_ITERATIONS, pkcs8);
    return seq(seq(oid(PBE_SHA1_3DES), seq(octetString(salt), integer(LEGACY_PBE_ITERATIONS))), octetString(ct));
  }
  const { algorithm, ciphertext } = await pbes2Encrypt(password, pkcs8, random(SALT_LEN), random(16), DEFAULT_ITERATIONS);
  return seq(algorithm, octetString(ciphertext));
}

/**
 * The certificates after the leaf, in the order they are written. PKCS12KeyStore.findIssuer takes the first
 * certificate of a Name when a link has no AuthorityKeyIdentifier: where two certificates of the chain share a
 * Name (an intermediate named like its root, as in a real self-run CA's fullchain.pem), the higher one must come
 * first, or the JDK (and MI) would read the chain short.
 */
function issuersInWritingOrder(chain: readonly Uint8Array[]): readonly Uint8Array[] {
  const rest = chain.slice(1);
  if (rest.length < 2) return rest;
  const names = new Set(rest.map((c) => certLinks(Buffer.from(c.buffer, c.byteOffset, c.byteLength)).subject));
  return names.size < rest.length ? [...rest].reverse() : rest;
}

/** The safe of all certificates: in the clear, or encrypted as keytool 17 (PBES2) or Java 8 (RC2-40) does. */
async function certificateSafe(plain: Buffer, password: string, protection: 'none' | 'legacy' | 'pbes2', random: (n: number) => Buffer): Promise<Buffer> {
  if (protection === 'none') return seq(oid(OID_DATA), explicit(0, octetString(plain)));
  let algorithm: Buffer;
  let ciphertext: Buffer;
  if (protection === 'legacy') {
    const salt = random(SALT_LEN);
    ciphertext = await pkcs12PbeEncrypt(PKCS12_PBE[PBE_SHA1_RC2_40], password, salt, LEGACY_PBE_ITERATIONS, plain);
    algorithm = seq(oid(PBE_SHA1_RC2_40), seq(octetString(salt), integer(LEGACY_PBE_ITERATIONS)));
  } else {
    ({ algorithm, ciphertext } = await pbes2Encrypt(password, plain, random(SALT_LEN), random(16), DEFAULT_ITERATIONS));
  }
  const encryptedData = seq(integer(0), seq(oid(OID_DATA), algorithm, tlv(TAG.CTX0_PRIMITIVE, ciphertext)));
  return seq(oid(OID_ENCRYPTED_DATA), explicit(0, encryptedData));
}

/**
 * Encodes `store` as the PKCS12 layout keytool 17 writes (or its legacy layout with `options.legacy`):
 * key bags in a plain data safe, all certificates in one encrypted safe, and an HMAC over both; a store read
 * without integrity protection keeps none (certificates in the clear, no MAC).
 */
export async function encodePkcs12(store: Keystore, password: string, options: EncodeOptions = {}): Promise<Uint8Array> {
  checkPassword(password);
  const legacy = options.legacy === true;
  const randomBytes = options.randomBytes ?? ((n: number): Uint8Array => nodeRandomBytes(n));
  const random = (n: number): Buffer => {
    const b = randomBytes(n);
    if (b.length !== n) throw new KeystoreError(`randomBytes returned ${b.length} bytes instead of ${n}.`);
    return Buffer.from(b);
  };
  const now = options.now ?? ((): Date => new Date());

  const aliases = new Set<string>();
  const usedKeyIds = new Set<number>();
  const keyJobs: Promise<Buffer>[] = [];
  const certBags: Buffer[] = [];
  for (const entry of store.entries) {
    const lower = entry.alias.toLowerCase();
    if (aliases.has(lower)) throw new AliasExistsError(entry.alias);
    aliases.add(lower);
    // keytool's localKeyId is "Time <ms>" (PKCS12KeyStore.setKeyEntry); it must be unique to pair key and leaf.
    const nextKeyId = (): string => {
      let ms = (entry.created ?? now()).getTime();
      while (usedKeyIds.has(ms)) ms++;
      usedKeyIds.add(ms);
      return `Time ${ms}`;
    };
    if (entry.kind === 'private-key') {
      const key = entry.key;
      let epki: Promise<Buffer>;
      if (key.sealed === 'open') epki = sealKey(key.pkcs8, password, legacy, random);
      else if (key.format === 'PKCS12') epki = Promise.resolve(Buffer.from(key.der));
      else throw new UnsupportedOperationError(`The key of alias "${entry.alias}" is sealed by ${key.format}; open the key first.`);
      const keyId = nextKeyId();
      keyJobs.push(epki.then((der) => keyBag(der, entry.alias, keyId)));
      // A key without certificates (as the JDK loads a key whose localKeyId matches none) keeps its bag alone.
      if (entry.chain.length > 0) certBags.push(certBag(entry.chain[0], entry.alias, keyId, false));
      for (const c of issuersInWritingOrder(entry.chain)) certBags.push(certBag(c, null, null, false));
    } else if (entry.kind === 'trusted-cert') {
      certBags.push(certBag(entry.certificate, entry.alias, null, true));
    } else {
      const secret = entry.secret;
      let epki: Promise<Buffer>;
      if (secret.sealed === 'open') {
        if (secretKeyAlgorithmOid(secret.algorithm) === null) {
          throw new UnsupportedOperationError(`The secret key of alias "${entry.alias}" is a ${secret.algorithm} key, which has no OID for a PKCS12 store.`);
        }
        epki = sealKey(encodeSecretKeyInfo(secret), password, legacy, random);
      } else if (secret.format === 'PKCS12') {
        epki = Promise.resolve(Buffer.from(secret.der));
      } else {
        throw new UnsupportedOperationError(`The secret key of alias "${entry.alias}" is sealed by ${secret.format}; open it first.`);
      }
      const keyId = nextKeyId();
      // Secret keys go into the plain safe with the key bags, as PKCS12KeyStore.createSafeContent writes them.
      keyJobs.push(epki.then((der) => secretBag(der, entry.alias, keyId)));
    }
  }
  const keyBags = await Promise.all(keyJobs);

  const safes: Buffer[] = [];
  if (keyBags.length) safes.push(seq(oid(OID_DATA), explicit(0, octetString(seq(...keyBags)))));
  // A store read without a MAC (WSO2's shipped client-truststore.jks) is written back the same way, as keytool
  // does: its password could not be proven, so sealing the file with it would lock MI out after one typo.
  const unprotected = store.integrity === 'unverifiable';
  if (certBags.length) safes.push(await certificateSafe(seq(...certBags), password, unprotected ? 'none' : legacy ? 'legacy' : 'pbes2', random));
  const authSafe = seq(...safes);
  if (unprotected) return seq(integer(3), seq(oid(OID_DATA), explicit(0, octetString(authSafe))));

  const macSalt = random(SALT_LEN);
  const macIterations = legacy ? LEGACY_MAC_ITERATIONS : DEFAULT_ITERATIONS;
  const macOid = legacy ? OID_SHA1 : OID_SHA256;
  const macHash = MAC_HASHES[macOid];
  const digest = await computeMac(macHash.name, macHash.size, password, macSalt, macIterations, authSafe);
  const macData = seq(seq(seq(oid(macOid), NULL), octetString(digest)), octetString(macSalt), integer(macIterations));
  return seq(integer(3), seq(oid(OID_DATA), explicit(0, octetString(authSafe))), macData);
}
