/**
 * Keystores built to cost work rather than to hold keys: each was once a denial of service (minutes of
 * key derivation, a stalled event loop, a thread pool full of PBKDF2). Built with the engine's own DER
 * writer, so no hostile binary is committed; the unit tests and the fuzz mutators share them.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { TAG, explicit, integer, oid, octetString, seq, set, tlv } from '../../src/core/keystore/asn1/der';
import { certBag, keyBag } from '../../src/core/keystore/pkcs12/safeBags';

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const OID_PBE_SHA1_3DES = '1.2.840.113549.1.12.1.3';
const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';
const OID_HMAC_SHA256 = '1.2.840.113549.2.9';
const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
const OID_ED25519 = '1.3.101.112';
const OID_CN = '2.5.4.3';

/** A PFX (RFC 7292) around `safes` (ContentInfo DER), with no MacData. */
function pfxWithoutMac(safes: readonly Buffer[]): Buffer {
  return seq(integer(3), seq(oid(OID_DATA), explicit(0, octetString(seq(...safes)))));
}

/** A data safe holding `bags` in the clear. */
function dataSafe(bags: readonly Buffer[]): Buffer {
  return seq(oid(OID_DATA), explicit(0, octetString(seq(...bags))));
}

/** An encryptedData safe of `cipherText` under a password-based AlgorithmIdentifier. */
function encryptedSafe(algorithm: Buffer, cipherText: Buffer): Buffer {
  const eci = seq(oid(OID_DATA), algorithm, tlv(TAG.CTX0_PRIMITIVE, cipherText));
  return seq(oid(OID_ENCRYPTED_DATA), explicit(0, seq(integer(0), eci)));
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 C) parameters. */
function pkcs12Pbe(salt: Buffer, iterations: number): Buffer {
  return seq(oid(OID_PBE_SHA1_3DES), seq(octetString(salt), integer(iterations)));
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (RFC 8018 A.4) parameters. */
function pbes2(salt: Buffer, iterations: number, iv: Buffer): Buffer {
  const kdf = seq(oid(OID_PBKDF2), seq(octetString(salt), integer(iterations), seq(oid(OID_HMAC_SHA256))));
  return seq(oid(OID_PBES2), seq(kdf, seq(oid(OID_AES256_CBC), octetString(iv))));
}

/** Options of manySafesPkcs12. */
export interface ManySafesOptions {
  readonly safes: number;
  readonly iterations: number;
  /** The PKCS#12 KDF with 3DES (as in the 1.7 KB file) or PBES2/PBKDF2 (what fills a thread pool). */
  readonly scheme: 'pkcs12' | 'pbes2';
  /** Bytes of random data: seeds the salts and ciphertexts so a fuzz case is reproducible. */
  readonly random?: (n: number) => Buffer;
}

/**
 * A PKCS12 with no MAC and `safes` encrypted safes of random bytes, each at `iterations`: nothing proves the
 * password, so every safe is a key derivation, and none of them decrypts. 20 safes at 5,000,000 is 1.7 KB.
 */
export function manySafesPkcs12(o: ManySafesOptions): Buffer {
  const random = o.random ?? randomBytes;
  const safes: Buffer[] = [];
  for (let i = 0; i < o.safes; i++) {
    const alg = o.scheme === 'pkcs12' ? pkcs12Pbe(random(8), o.iterations) : pbes2(random(8), o.iterations, random(16));
    safes.push(encryptedSafe(alg, random(16)));
  }
  return pfxWithoutMac(safes);
}

/** A Name of one CN. */
function cn(value: string): Buffer {
  return seq(set(seq(oid(OID_CN), tlv(TAG.UTF8_STRING, Buffer.from(value, 'utf8')))));
}

/** A signed Ed25519 X.509 v3 certificate with no extensions: small (about 200 bytes) and real to every parser. */
export function tinyCertificate(subject: string, issuer: string, serial: number, key: KeyObject, spki: Buffer): Buffer {
  const algorithm = seq(oid(OID_ED25519));
  const validity = seq(tlv(TAG.UTC_TIME, Buffer.from('250101000000Z')), tlv(TAG.UTC_TIME, Buffer.from('350101000000Z')));
  const tbs = seq(explicit(0, integer(2)), integer(serial + 1), algorithm, cn(issuer), validity, cn(subject), spki);
  const signature = sign(null, tbs, key);
  return seq(tbs, algorithm, tlv(TAG.BIT_STRING, Buffer.from([0]), signature));
}

/** An Ed25519 key pair for tinyCertificate. */
export function tinyKey(): { key: KeyObject; spki: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { key: privateKey, spki: publicKey.export({ format: 'der', type: 'spki' }) };
}

/**
 * A PKCS12 (no MAC, everything in the clear) of `keys` key entries and `certs` certificates, where
 * certificate i is issued by certificate i + 1 and the last by the first: every key's chain could run
 * through all of them. 8 keys and 4,000 certificates once stalled the event loop for 8.7 s.
 */
export function manyCertsPkcs12(keys: number, certs: number): Buffer {
  const { key, spki } = tinyKey();
  const bags: Buffer[] = [];
  const step = Math.max(1, Math.floor(certs / keys));
  for (let k = 0; k < keys; k++) {
    // Never decrypted by a listing: a sealed key of random bytes is enough.
    const epki = seq(pkcs12Pbe(randomBytes(8), 2048), octetString(randomBytes(16)));
    bags.push(keyBag(epki, `key${k}`, `Time ${k}`));
  }
  for (let i = 0; i < certs; i++) {
    const cert = tinyCertificate(`c${i}`, `c${(i + 1) % certs}`, i, key, spki);
    const k = i % step === 0 ? i / step : -1;
    bags.push(k >= 0 && k < keys ? certBag(cert, `key${k}`, `Time ${k}`, false) : certBag(cert, null, null, false));
  }
  return pfxWithoutMac([dataSafe(bags)]);
}

/**
 * A JKS of `entries` trusted certificates, `distinct` of them different, all self-signed under one subject,
 * so every certificate is a candidate issuer of every other. Opened with another password, the codec looks
 * for damage before it blames the password. About 240 bytes an entry: 7,000 entries is 1.6 MB.
 * Written here rather than by the (async) engine so fuzz mutators, which are synchronous, can use it;
 * the layout is JavaKeyStore.engineStore's: magic, version 2, count, entries, SHA-1 integrity digest.
 */
export function sameSubjectJks(entries: number, distinct: number, password: string): Buffer {
  const certs: Buffer[] = [];
  for (let i = 0; i < distinct; i++) {
    const { key, spki } = tinyKey();
    certs.push(tinyCertificate('same', 'same', i, key, spki));
  }
  const u16 = (n: number): Buffer => Buffer.from([n >>> 8, n & 0xff]);
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const utf = (text: string): Buffer => Buffer.concat([u16(Buffer.byteLength(text, 'latin1')), Buffer.from(text, 'latin1')]);
  const date = Buffer.alloc(8);
  date.writeBigInt64BE(BigInt(Date.UTC(2025, 0, 1)));
  const parts: Buffer[] = [u32(0xfeedfeed), u32(2), u32(entries)];
  for (let i = 0; i < entries; i++) {
    const cert = certs[i % distinct];
    parts.push(u32(2), utf(`ca${i}`), date, utf('X.509'), u32(cert.length), cert);
  }
  const body = Buffer.concat(parts);
  const pw = Buffer.from(password, 'utf16le').swap16();
  const digest = createHash('sha1').update(pw).update('Mighty Aphrodite', 'latin1').update(body).digest();
  return Buffer.concat([body, digest]);
}
