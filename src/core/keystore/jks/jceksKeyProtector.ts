/**
 * The JCEKS private-key protector: PBEWithMD5AndTripleDES (OID 1.3.6.1.4.1.42.2.19.1), after OpenJDK
 * `com/sun/crypto/provider/KeyProtector.java` and `PBES1Core.deriveCipherKey`. Parameters are
 * `SEQ{OCTET STRING salt(8), INTEGER iterations}`; JDK 17 writes 200000 iterations and refuses more than
 * 5,000,000 (KeyProtector.MAX_ITERATION_COUNT). The MD5 loops are long enough to be felt, so they run
 * in time slices that yield to the event loop.
 */
import { createDecipheriv, createCipheriv, createHash, hash } from 'node:crypto';
import { TAG, integer, peekTlv, tlv } from '../asn1/der';
import { InvalidPasswordError, MalformedKeystoreError, WrongKeyPasswordError } from '../errors';

/** DER of OBJECT IDENTIFIER 1.3.6.1.4.1.42.2.19.1 (PBEWithMD5AndTripleDES). */
export const JCEKS_KEY_PROTECTOR_OID = Uint8Array.from([0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x13, 0x01]);

/** Iterations JDK 17 writes (KeyProtector.DEFAULT_ITERATION_COUNT). */
export const JCEKS_DEFAULT_ITERATIONS = 200000;

/** Iterations above this are refused, as KeyProtector.MAX_ITERATION_COUNT does ("PBE iteration count too large"). */
export const JCEKS_MAX_ITERATIONS = 5000000;

/** Longest stretch of MD5 work before yielding to the event loop. */
const SLICE_MS = 10;

/** Printable ASCII only: javax.crypto PBEKey refuses anything else ("Password is not ASCII"). */
function passwordAscii(password: string): Buffer | null {
  const b = Buffer.alloc(password.length);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return null;
    b[i] = c;
  }
  return b;
}

/** One-shot MD5: `crypto.hash` skips the hash object createHash builds, which dominates for 24-byte inputs. */
const md5 = (data: Buffer): Buffer => hash('md5', data, 'buffer');

/** Derives the 24-byte DES-EDE3 key and 8-byte IV from password, salt and iteration count, yielding between slices. */
async function deriveKeyAndIv(pw: Buffer, saltIn: Uint8Array, iterations: number): Promise<{ key: Buffer; iv: Buffer }> {
  const salt = Uint8Array.from(saltIn);
  // PBES1Core.deriveCipherKey: when both halves are equal the JDK inverts the first half,
  // [a,b,c,d] → [d,c,b,a]. (Older sources had a `salt[3-1]` typo giving [d,a,b,d]; JDK 17 keytool
  // only recovers keys sealed with the true reversal — checked by the interop test.)
  if (salt[0] === salt[4] && salt[1] === salt[5] && salt[2] === salt[6] && salt[3] === salt[7]) {
    for (let i = 0; i < 2; i++) {
      const tmp = salt[i];
      salt[i] = salt[3 - i];
      salt[3 - i] = tmp;
    }
  }
  const result = Buffer.alloc(32);
  // One reusable input buffer `digest || pw` avoids an allocation per round.
  const input = Buffer.alloc(16 + pw.length);
  pw.copy(input, 16);
  for (let half = 0; half < 2; half++) {
    let t: Buffer = Buffer.from(salt.subarray(half * 4, half * 4 + 4));
    let j = 0;
    if (iterations > 0) {
      // First round hashes the 4-byte salt half, the rest hash the 16-byte digest.
      t = createHash('md5').update(t).update(pw).digest();
      j = 1;
    }
    while (j < iterations) {
      const sliceEnd = Date.now() + SLICE_MS;
      do {
        const stop = Math.min(iterations, j + 1024);
        for (; j < stop; j++) {
          t.copy(input, 0);
          t = md5(input);
        }
      } while (j < iterations && Date.now() < sliceEnd);
      if (j < iterations) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    t.copy(result, half * 16, 0, 16);
  }
  return { key: result.subarray(0, 24), iv: result.subarray(24, 32) };
}

/** Seals a PKCS#8 PrivateKeyInfo as JDK 17's JceKeyStore does; returns the EncryptedPrivateKeyInfo DER. */
export async function protectJceksKey(
  pkcs8: Uint8Array,
  password: string,
  salt: Uint8Array,
  iterations = JCEKS_DEFAULT_ITERATIONS,
): Promise<Uint8Array> {
  if (salt.length !== 8) throw new RangeError('PBEWithMD5AndTripleDES needs an 8-byte salt');
  const pw = passwordAscii(password);
  if (pw === null) throw new InvalidPasswordError('A JCEKS key password must be printable ASCII (javax.crypto refuses others).');
  const { key, iv } = await deriveKeyAndIv(pw, salt, iterations);
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const params = tlv(TAG.SEQUENCE, tlv(TAG.OCTET_STRING, salt), integer(iterations));
  return tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, JCEKS_KEY_PROTECTOR_OID, params), tlv(TAG.OCTET_STRING, encrypted));
}

/**
 * PBEWithMD5AndTripleDES encryption (PKCS#5 padding) with an 8-byte salt: what KeyProtector.seal applies to
 * a serialized secret key. InvalidPasswordError for a password javax.crypto refuses.
 */
export async function pbeMd5TripleDesEncrypt(password: string, salt: Uint8Array, iterations: number, data: Uint8Array): Promise<Buffer> {
  const pw = passwordAscii(password);
  if (pw === null) throw new InvalidPasswordError('A JCEKS key password must be printable ASCII (javax.crypto refuses others).');
  const { key, iv } = await deriveKeyAndIv(pw, salt, iterations);
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** PBEWithMD5AndTripleDES decryption; null when the password cannot be right (bad padding, non-ASCII). */
export async function pbeMd5TripleDesDecrypt(password: string, salt: Uint8Array, iterations: number, data: Uint8Array): Promise<Buffer | null> {
  const pw = passwordAscii(password);
  if (pw === null || data.length === 0 || data.length % 8 !== 0) return null;
  const { key, iv } = await deriveKeyAndIv(pw, salt, iterations);
  try {
    const decipher = createDecipheriv('des-ede3-cbc', key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return null;
  }
}

/** Reads the PBE parameters `SEQ{OCTET STRING salt, INTEGER iterations}`; throws MalformedKeystoreError when absent, wrong or over the cap. */
export function parseParams(params: Uint8Array | null, alias: string): { salt: Uint8Array; iterations: number } {
  const bad = (why: string): MalformedKeystoreError =>
    new MalformedKeystoreError(`the protected key of alias "${alias}" has ${why}`);
  if (params === null) throw bad('no PBE parameters');
  const seq = peekTlv(params, 0);
  if (seq === null || seq.tag !== 0x30 || seq.end !== params.length) throw bad('malformed PBE parameters');
  const salt = peekTlv(params, seq.vStart, seq.end);
  if (salt === null || salt.tag !== 0x04 || salt.end - salt.vStart !== 8) throw bad('a PBE salt that is not 8 bytes');
  const ic = peekTlv(params, salt.end, seq.end);
  if (ic === null || ic.tag !== 0x02 || ic.end !== seq.end || ic.end === ic.vStart) throw bad('malformed PBE parameters');
  if (params[ic.vStart] & 0x80) throw bad('a negative iteration count');
  let iterations = 0;
  for (let i = ic.vStart; i < ic.end; i++) {
    iterations = iterations * 256 + params[i];
    // Checked inside the loop so a 1000-byte INTEGER cannot overflow into a "small" number.
    if (iterations > JCEKS_MAX_ITERATIONS) throw bad(`an iteration count above ${JCEKS_MAX_ITERATIONS}`);
  }
  if (iterations === 0) throw bad('an iteration count of 0');
  return { salt: params.subarray(salt.vStart, salt.end), iterations };
}

/**
 * Recovers the PKCS#8 key protected by PBEWithMD5AndTripleDES. Bad padding or a result that is not
 * one DER SEQUENCE means the password is wrong (JDK: UnrecoverableKeyException).
 */
export async function recoverJceksKey(
  params: Uint8Array | null,
  encrypted: Uint8Array,
  password: string,
  alias: string,
): Promise<Uint8Array> {
  const { salt, iterations } = parseParams(params, alias);
  if (encrypted.length === 0 || encrypted.length % 8 !== 0) {
    throw new MalformedKeystoreError(`the protected key of alias "${alias}" is not a whole number of DES blocks`);
  }
  const pw = passwordAscii(password);
  if (pw === null) throw new WrongKeyPasswordError(alias);
  const { key, iv } = await deriveKeyAndIv(pw, salt, iterations);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('des-ede3-cbc', key, iv);
    plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch (e) {
    throw new WrongKeyPasswordError(alias, { cause: e });
  }
  const h = peekTlv(plain, 0);
  if (h === null || h.tag !== 0x30 || h.end !== plain.length) throw new WrongKeyPasswordError(alias);
  return new Uint8Array(plain.buffer, plain.byteOffset, plain.length);
}
