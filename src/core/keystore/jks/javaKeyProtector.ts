/**
 * The JKS private-key protector, Sun's proprietary algorithm (OID 1.3.6.1.4.1.42.2.17.1.1), after
 * OpenJDK `sun/security/provider/KeyProtector.java`:
 * `R = salt(20) || (P XOR K) || SHA1(pw || P)`, `K = D1 || D2 || ...`, `D1 = SHA1(pw || salt)`,
 * `Di = SHA1(pw || D(i-1))`, pw = the password as UTF-16BE code units.
 * It is fast (one SHA-1 per 20 bytes of key), so it runs synchronously.
 */
import { createHash } from 'crypto';
import { TAG, bytesEqual, peekTlv, tlv } from '../asn1/der';
import { decodeOid } from '../asn1/oid';
import { MalformedKeystoreError, UnsupportedAlgorithmError, WrongKeyPasswordError } from '../errors';

/** DER of OBJECT IDENTIFIER 1.3.6.1.4.1.42.2.17.1.1 (KeyProtector.KEY_PROTECTOR_OID). */
export const JKS_KEY_PROTECTOR_OID = Uint8Array.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x11, 0x01, 0x01]);

const SALT_LEN = 20;
const DIGEST_LEN = 20;

/** The password as the JDK feeds it to the digests: each UTF-16 code unit big-endian. */
export function passwordUtf16Be(password: string): Buffer {
  const b = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

/** XORs `data` with the SHA-1 keystream seeded by `salt`, as KeyProtector.protect/recover do. */
function xorKeystream(pw: Buffer, salt: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  let digest: Uint8Array = salt;
  for (let at = 0; at < data.length; at += DIGEST_LEN) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    const n = Math.min(DIGEST_LEN, data.length - at);
    for (let i = 0; i < n; i++) out[at + i] = data[at + i] ^ digest[i];
  }
  return out;
}

/** Seals a PKCS#8 PrivateKeyInfo as keytool does: `SEQ{SEQ{OID, NULL}, OCTET STRING R}` (EncryptedPrivateKeyInfo). */
export function protectJksKey(pkcs8: Uint8Array, password: string, salt: Uint8Array): Uint8Array {
  if (salt.length !== SALT_LEN) throw new RangeError('JKS key protector needs a 20-byte salt');
  const pw = passwordUtf16Be(password);
  const encrypted = xorKeystream(pw, salt, pkcs8);
  const check = createHash('sha1').update(pw).update(pkcs8).digest();
  const r = new Uint8Array(SALT_LEN + encrypted.length + DIGEST_LEN);
  r.set(salt, 0);
  r.set(encrypted, SALT_LEN);
  r.set(check, SALT_LEN + encrypted.length);
  const algorithm = tlv(TAG.SEQUENCE, JKS_KEY_PROTECTOR_OID, Uint8Array.from([0x05, 0x00]));
  return tlv(TAG.SEQUENCE, algorithm, tlv(TAG.OCTET_STRING, r));
}

/**
 * Recovers the PKCS#8 key from the protected bytes R (the OCTET STRING of the EncryptedPrivateKeyInfo);
 * a mismatching trailing SHA-1 means the password is wrong (KeyProtector: "Cannot recover key").
 */
export function recoverJksKey(r: Uint8Array, password: string, alias: string): Uint8Array {
  if (r.length < SALT_LEN + DIGEST_LEN) {
    throw new MalformedKeystoreError(`the protected key of alias "${alias}" is too short`);
  }
  const pw = passwordUtf16Be(password);
  const salt = r.subarray(0, SALT_LEN);
  const encrypted = r.subarray(SALT_LEN, r.length - DIGEST_LEN);
  const expected = r.subarray(r.length - DIGEST_LEN);
  const plain = xorKeystream(pw, salt, encrypted);
  const actual = createHash('sha1').update(pw).update(plain).digest();
  if (!bytesEqual(actual, expected)) throw new WrongKeyPasswordError(alias);
  return plain;
}

/** The parts of an EncryptedPrivateKeyInfo (RFC 5208 §6): algorithm OID (DER TLV), raw parameters TLV or null, encrypted data. */
export interface EncryptedPrivateKeyInfo {
  readonly oid: Uint8Array;
  readonly params: Uint8Array | null;
  readonly encrypted: Uint8Array;
}

/** Splits an EncryptedPrivateKeyInfo into its parts; throws MalformedKeystoreError when it is not one. */
export function parseEncryptedPrivateKeyInfo(bytes: Uint8Array, alias: string): EncryptedPrivateKeyInfo {
  const bad = (): MalformedKeystoreError =>
    new MalformedKeystoreError(`the protected key of alias "${alias}" is not an EncryptedPrivateKeyInfo`);
  const outer = peekTlv(bytes, 0);
  if (outer === null || outer.tag !== 0x30 || outer.end !== bytes.length) throw bad();
  const alg = peekTlv(bytes, outer.vStart, outer.end);
  if (alg === null || alg.tag !== 0x30) throw bad();
  const oid = peekTlv(bytes, alg.vStart, alg.end);
  if (oid === null || oid.tag !== 0x06) throw bad();
  let params: Uint8Array | null = null;
  if (oid.end < alg.end) {
    const p = peekTlv(bytes, oid.end, alg.end);
    if (p === null || p.end !== alg.end) throw bad();
    params = bytes.subarray(oid.end, p.end);
  }
  const data = peekTlv(bytes, alg.end, outer.end);
  if (data === null || data.tag !== 0x04 || data.end !== outer.end) throw bad();
  return { oid: bytes.subarray(alg.vStart, oid.end), params, encrypted: bytes.subarray(data.vStart, data.end) };
}

/** Formats a DER OID TLV as dotted text for error messages ('?' when it is not one). */
export function oidToString(oid: Uint8Array): string {
  const h = peekTlv(oid, 0);
  return (h && decodeOid(oid.subarray(h.vStart, h.end))) ?? '?';
}

/** Thrown for a protected key whose algorithm neither Java key protector knows. */
export function unsupportedProtector(oid: Uint8Array): UnsupportedAlgorithmError {
  return new UnsupportedAlgorithmError(oidToString(oid), 'key protection algorithm');
}
