/**
 * The secure vault's cipher, compatible with WSO2's cipher tool (`bin/ciphertool.sh -Dconfigure`):
 * a secret is encrypted with the RSA public key of the internal keystore's certificate, then base64.
 * The transformation is the JVM property `org.wso2.CipherTransformation`, which MI 4.x sets to
 * RSA/ECB/OAEPwithSHA1andMGF1Padding (see ./transformation.ts); `RSA` (= RSA/ECB/PKCS1Padding, the JDK
 * default) applies only where it is configured. Carbon may also write a "self-contained" ciphertext:
 * base64 of a JSON object whose `c` is the base64 ciphertext and `t` the transformation.
 */
import * as crypto from 'node:crypto';
import { NotRsaKeyError, UnsupportedTransformationError } from '../errors';

/** The transformation MI 4.x uses when nothing overrides it (its default.json and shipped carbon.properties). */
export const MI_DEFAULT_TRANSFORMATION = 'RSA/ECB/OAEPwithSHA1andMGF1Padding';

/** The transformations WSO2 documents for the cipher tool. */
export type CipherTransformation = 'RSA' | 'RSA/ECB/PKCS1Padding' | 'RSA/ECB/OAEPwithSHA1andMGF1Padding';

/** How a ciphertext was made, as recognised by `decryptSecret`. */
export type CiphertextForm = 'pkcs1' | 'oaep-sha1' | 'envelope-pkcs1' | 'envelope-oaep-sha1';

/** True for the transformations that mean RSA-OAEP with SHA-1 and MGF1-SHA-1 (Java's naming is case-insensitive). */
export function isOaep(transformation: string): boolean {
  return /^RSA\/ECB\/OAEPWithSHA-?1AndMGF1Padding$/i.test(transformation.trim());
}

/** True for the transformations that mean RSA with PKCS#1 v1.5 padding. */
export function isPkcs1(transformation: string): boolean {
  const t = transformation.trim();
  return /^RSA$/i.test(t) || /^RSA\/ECB\/PKCS1Padding$/i.test(t);
}

/**
 * Encrypts `plaintext` (UTF-8) with the certificate's RSA public key as the cipher tool does, and returns base64.
 * Throws NotRsaKeyError for a non-RSA certificate, UnsupportedTransformationError for an unknown transformation: MI could not decrypt the result.
 */
export function encryptSecret(plaintext: string, certificateDer: Uint8Array, transformation: string = MI_DEFAULT_TRANSFORMATION): string {
  const publicKey = new crypto.X509Certificate(certificateDer).publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new NotRsaKeyError(publicKey.asymmetricKeyType);
  }
  const data = Buffer.from(plaintext, 'utf8');
  if (isOaep(transformation)) {
    return crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, data).toString('base64');
  }
  if (isPkcs1(transformation)) {
    return crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, data).toString('base64');
  }
  throw new UnsupportedTransformationError(transformation);
}

/** The result of trying every known form; the plaintext stays in memory only as long as the caller keeps it. */
export type DecryptResult = { readonly ok: true; readonly plaintext: string; readonly form: CiphertextForm } | { readonly ok: false };

/**
 * Tries to decrypt a `[secrets]` value with the internal private key (PKCS#8 DER) in every form MI accepts:
 * PKCS#1 v1.5, OAEP-SHA1, and the JSON envelope around either. Never throws for a bad ciphertext.
 */
export function decryptSecret(value: string, pkcs8: Uint8Array): DecryptResult {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    return { ok: false };
  }
  if (key.asymmetricKeyType !== 'rsa') return { ok: false };
  const raw = decodeBase64(value);
  if (!raw) return { ok: false };
  const envelope = parseEnvelope(raw);
  if (envelope) {
    const inner = decryptRaw(envelope.ciphertext, key, envelope.transformation);
    if (!inner) return { ok: false };
    return { ok: true, plaintext: inner.plaintext, form: inner.form === 'pkcs1' ? 'envelope-pkcs1' : 'envelope-oaep-sha1' };
  }
  const plain = decryptRaw(raw, key);
  return plain ? { ok: true, ...plain } : { ok: false };
}

/**
 * What a `[secrets]` value holds before any key is tried: the raw RSA ciphertext (unwrapped from Carbon's
 * JSON envelope, whose transformation is then given), or null when it is not base64 at all.
 */
export function ciphertextBytes(value: string): { bytes: Buffer; envelopeTransformation?: string; envelope: boolean } | null {
  const raw = decodeBase64(value);
  if (!raw) return null;
  const envelope = parseEnvelope(raw);
  return envelope ? { bytes: envelope.ciphertext, envelopeTransformation: envelope.transformation, envelope: true } : { bytes: raw, envelope: false };
}

/** Strict base64 (standard alphabet, padding optional, whitespace ignored); null when it is not base64. */
function decodeBase64(value: string): Buffer | null {
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}

/** Carbon's self-contained ciphertext: base64(JSON{ c: base64 ciphertext, t: transformation, ... }). */
function parseEnvelope(raw: Buffer): { ciphertext: Buffer; transformation?: string } | null {
  if (raw[0] !== 0x7b /* { */) return null;
  try {
    const json = JSON.parse(raw.toString('utf8')) as { c?: unknown; t?: unknown };
    if (typeof json.c !== 'string') return null;
    const ciphertext = decodeBase64(json.c);
    if (!ciphertext) return null;
    return { ciphertext, transformation: typeof json.t === 'string' ? json.t : undefined };
  } catch {
    return null;
  }
}

/**
 * Raw RSA decryption tried with each padding. Node 20 refuses PKCS#1 v1.5 private decryption (the Marvin
 * attack fix, CVE-2023-46809), so v1.5 is unpadded here from a raw RSA operation; this tool decrypts only
 * local secrets for a local user, so the padding oracle does not apply.
 */
function decryptRaw(ciphertext: Buffer, key: crypto.KeyObject, transformation?: string): { plaintext: string; form: 'pkcs1' | 'oaep-sha1' } | null {
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (ciphertext.length !== modulusBytes) return null;
  const tryOaep = transformation === undefined || isOaep(transformation);
  const tryPkcs1 = transformation === undefined || isPkcs1(transformation);
  // OAEP first: its padding check (a 20-byte hash) cannot pass by chance, while about 1 OAEP ciphertext in
  // 500 also unpads as PKCS#1 v1.5 (00 02, eight non-zero bytes, a 00) into garbage.
  if (tryOaep) {
    try {
      const message = crypto.privateDecrypt({ key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ciphertext);
      return { plaintext: message.toString('utf8'), form: 'oaep-sha1' };
    } catch {
      // not OAEP with this key
    }
  }
  if (tryPkcs1) {
    const message = unpadPkcs1Type2(rawRsa(ciphertext, key));
    if (message) return { plaintext: message.toString('utf8'), form: 'pkcs1' };
  }
  return null;
}

/** m = c^d mod n, left-padded to the modulus length. */
function rawRsa(ciphertext: Buffer, key: crypto.KeyObject): Buffer | null {
  try {
    return crypto.privateDecrypt({ key, padding: crypto.constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    return null;
  }
}

/** EME-PKCS1-v1_5 decoding (RFC 8017 §7.2.2): 00 02 PS(≥ 8 non-zero bytes) 00 M. */
function unpadPkcs1Type2(em: Buffer | null): Buffer | null {
  if (!em || em.length < 11 || em[0] !== 0x00 || em[1] !== 0x02) return null;
  const separator = em.indexOf(0x00, 2);
  if (separator < 10) return null;
  return em.subarray(separator + 1);
}
