/**
 * The PKCS#12 key derivation function (RFC 7292 Appendix B.2) and the PKCS#12 password-based
 * ciphers built on it (RFC 7292 Appendix C: pbeWithSHAAnd3-KeyTripleDES-CBC, pbeWithSHAAnd40BitRC2-CBC, …).
 * The JDK uses the same KDF for the MAC key (id 3) with the MAC's own hash (OpenJDK PKCS12KeyStore
 * `calculateMac` → `PBEKeySpec` + "HmacPBESHA256"; com.sun.crypto.provider.PKCS12PBECipherCore.derive).
 */
import { createCipheriv, createDecipheriv, hash as hashOnce } from 'node:crypto';
import { hasWordRounds, hashRepeatedly } from './iteratedHash';
import { runKeyDerivation } from './kdfGate';

/** Key material purposes of RFC 7292 B.3. */
export const KDF_ID = { KEY: 1, IV: 2, MAC: 3 } as const;

/** Hash parameters (u = output bytes, v = block bytes) the KDF needs, by Node hash name. */
const HASHES: Readonly<Record<string, { u: number; v: number }>> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
  'sha512-224': { u: 28, v: 128 },
  'sha512-256': { u: 32, v: 128 },
};

/** The Node hash names the KDF supports. */
export function isKdfHash(hash: string): boolean {
  return Object.prototype.hasOwnProperty.call(HASHES, hash);
}

/**
 * The PKCS#12 password encoding (RFC 7292 B.1): BMPString (UTF-16BE) with a two-byte zero terminator.
 * As in the JDK's PKCS12PBECipherCore.derive, the one-character password "\0" stands for the empty byte string.
 */
export function bmpPassword(password: string): Buffer {
  if (password === '\u0000') return Buffer.alloc(0);
  const b = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

/** Longest synchronous stretch of hashing before yielding to the event loop, in ms. */
const SLICE_MS = 8;

// crypto.hash is a one-shot digest about twice as fast as createHash().update().digest().
const digest = (alg: string, data: Uint8Array): Buffer => hashOnce(alg, data, 'buffer');

/**
 * `iterations`-fold hash of `input`. SHA-1 and SHA-256 (every store Java writes) run as word-level rounds
 * (iteratedHash.ts); other hashes call native code once per round. Both yield to the event loop every few ms
 * so the extension host never stalls.
 */
async function iteratedHash(hash: string, input: Buffer, iterations: number): Promise<Buffer> {
  let a = digest(hash, input);
  if (hasWordRounds(hash)) return hashRepeatedly(hash, a, iterations - 1);
  let sliceStart = performance.now();
  for (let i = 1; i < iterations; i++) {
    a = digest(hash, a);
    if ((i & 1023) === 0 && performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return a;
}

/** Repeats `src` to fill a multiple of `v` bytes at least as long as `src` (RFC 7292 B.2 steps 2–3). */
function stretch(src: Uint8Array, v: number): Buffer {
  const len = v * Math.ceil(src.length / v);
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = src[i % src.length];
  return out;
}

/**
 * Derives `n` bytes for purpose `id` from `password` (already BMP-encoded with terminator), `salt` and
 * `iterations` with `hash` (RFC 7292 B.2).
 */
export function pkcs12Kdf(hash: string, id: number, password: Uint8Array, salt: Uint8Array, iterations: number, n: number): Promise<Buffer> {
  return runKeyDerivation(() => deriveNow(hash, id, password, salt, iterations, n));
}

async function deriveNow(hash: string, id: number, password: Uint8Array, salt: Uint8Array, iterations: number, n: number): Promise<Buffer> {
  const params = HASHES[hash];
  if (!params) throw new Error(`PKCS#12 KDF: unsupported hash ${hash}`);
  const { u, v } = params;
  const D = Buffer.alloc(v, id);
  const S = salt.length ? stretch(salt, v) : Buffer.alloc(0);
  const P = password.length ? stretch(password, v) : Buffer.alloc(0);
  const I = Buffer.concat([S, P]);
  const blocks = Math.ceil(n / u);
  const out: Buffer[] = [];
  for (let i = 0; i < blocks; i++) {
    const A = await iteratedHash(hash, Buffer.concat([D, I]), iterations);
    out.push(A);
    if (i === blocks - 1) break;
    // Step 6B–C: I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block I_j of I, B = A repeated to v bytes.
    const B = stretch(A, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k] + B[k] + carry;
        I[j + k] = sum & 0xff;
        carry = sum >>> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

/** A PKCS#12 PBE scheme of RFC 7292 Appendix C. */
interface Pkcs12Scheme {
  readonly keyLen: number;
  readonly ivLen: number;
  /** Node cipher name, or an RC2 effective key size for our own RC2 (OpenSSL 3 has no RC2 by default). */
  readonly cipher: string | { rc2Bits: number };
}

/** RFC 7292 Appendix C OIDs (pkcs-12PbeIds) that the JDK reads. RC4 variants are not supported. */
export const PKCS12_PBE: Readonly<Record<string, Pkcs12Scheme>> = {
  '1.2.840.113549.1.12.1.3': { keyLen: 24, ivLen: 8, cipher: 'des-ede3-cbc' }, // pbeWithSHAAnd3-KeyTripleDES-CBC
  '1.2.840.113549.1.12.1.4': { keyLen: 16, ivLen: 8, cipher: 'des-ede-cbc' }, // pbeWithSHAAnd2-KeyTripleDES-CBC
  '1.2.840.113549.1.12.1.5': { keyLen: 16, ivLen: 8, cipher: { rc2Bits: 128 } }, // pbeWithSHAAnd128BitRC2-CBC
  '1.2.840.113549.1.12.1.6': { keyLen: 5, ivLen: 8, cipher: { rc2Bits: 40 } }, // pbewithSHAAnd40BitRC2-CBC
};

/** OID of pbeWithSHAAnd3-KeyTripleDES-CBC, which Java's legacy PKCS12 uses for keys. */
export const PBE_SHA1_3DES = '1.2.840.113549.1.12.1.3';
/** OID of pbeWithSHAAnd40BitRC2-CBC, which Java's legacy PKCS12 uses for certificates. */
export const PBE_SHA1_RC2_40 = '1.2.840.113549.1.12.1.6';

/** Thrown when a PKCS#12 PBE decryption fails its padding check (a wrong password, almost always). */
export class BadDecryptError extends Error {}

/** PITABLE of RFC 2268 §2: a permutation of 0..255 derived from the digits of pi. */
const RC2_PITABLE = Uint8Array.of(
  0xd9, 0x78, 0xf9, 0xc4, 0x19, 0xdd, 0xb5, 0xed, 0x28, 0xe9, 0xfd, 0x79, 0x4a, 0xa0, 0xd8, 0x9d,
  0xc6, 0x7e, 0x37, 0x83, 0x2b, 0x76, 0x53, 0x8e, 0x62, 0x4c, 0x64, 0x88, 0x44, 0x8b, 0xfb, 0xa2,
  0x17, 0x9a, 0x59, 0xf5, 0x87, 0xb3, 0x4f, 0x13, 0x61, 0x45, 0x6d, 0x8d, 0x09, 0x81, 0x7d, 0x32,
  0xbd, 0x8f, 0x40, 0xeb, 0x86, 0xb7, 0x7b, 0x0b, 0xf0, 0x95, 0x21, 0x22, 0x5c, 0x6b, 0x4e, 0x82,
  0x54, 0xd6, 0x65, 0x93, 0xce, 0x60, 0xb2, 0x1c, 0x73, 0x56, 0xc0, 0x14, 0xa7, 0x8c, 0xf1, 0xdc,
  0x12, 0x75, 0xca, 0x1f, 0x3b, 0xbe, 0xe4, 0xd1, 0x42, 0x3d, 0xd4, 0x30, 0xa3, 0x3c, 0xb6, 0x26,
  0x6f, 0xbf, 0x0e, 0xda, 0x46, 0x69, 0x07, 0x57, 0x27, 0xf2, 0x1d, 0x9b, 0xbc, 0x94, 0x43, 0x03,
  0xf8, 0x11, 0xc7, 0xf6, 0x90, 0xef, 0x3e, 0xe7, 0x06, 0xc3, 0xd5, 0x2f, 0xc8, 0x66, 0x1e, 0xd7,
  0x08, 0xe8, 0xea, 0xde, 0x80, 0x52, 0xee, 0xf7, 0x84, 0xaa, 0x72, 0xac, 0x35, 0x4d, 0x6a, 0x2a,
  0x96, 0x1a, 0xd2, 0x71, 0x5a, 0x15, 0x49, 0x74, 0x4b, 0x9f, 0xd0, 0x5e, 0x04, 0x18, 0xa4, 0xec,
  0xc2, 0xe0, 0x41, 0x6e, 0x0f, 0x51, 0xcb, 0xcc, 0x24, 0x91, 0xaf, 0x50, 0xa1, 0xf4, 0x70, 0x39,
  0x99, 0x7c, 0x3a, 0x85, 0x23, 0xb8, 0xb4, 0x7a, 0xfc, 0x02, 0x36, 0x5b, 0x25, 0x55, 0x97, 0x31,
  0x2d, 0x5d, 0xfa, 0x98, 0xe3, 0x8a, 0x92, 0xae, 0x05, 0xdf, 0x29, 0x10, 0x67, 0x6c, 0xba, 0xc9,
  0xd3, 0x00, 0xe6, 0xcf, 0xe1, 0x9e, 0xa8, 0x2c, 0x63, 0x16, 0x01, 0x3f, 0x58, 0xe2, 0x89, 0xa9,
  0x0d, 0x38, 0x34, 0x1b, 0xab, 0x33, 0xff, 0xb0, 0xbb, 0x48, 0x0c, 0x5f, 0xb9, 0xb1, 0xcd, 0x2e,
  0xc5, 0xf3, 0xdb, 0x47, 0xe5, 0xa5, 0x9c, 0x77, 0x0a, 0xa6, 0x20, 0x68, 0xfe, 0x7f, 0xc1, 0xad
);

/**
 * RC2 key expansion (RFC 2268 §2): the key bytes, extended to 128 bytes through PITABLE, then reduced to
 * `bits` effective bits (TM = 255 mod 2^(8 + T1 - 8·T8)) and mixed back to the front.
 */
export function rc2ExpandKey(key: Uint8Array, bits: number): Uint8Array {
  const T = key.length;
  if (T < 1 || T > 128) throw new RangeError('RC2 keys are 1 to 128 bytes long');
  const T8 = Math.ceil(bits / 8);
  const TM = 0xff >> (8 * T8 - bits);
  const L = new Uint8Array(128);
  L.set(key);
  for (let i = T; i < 128; i++) L[i] = RC2_PITABLE[(L[i - 1] + L[i - T]) & 0xff];
  L[128 - T8] = RC2_PITABLE[L[128 - T8] & TM];
  for (let i = 127 - T8; i >= 0; i--) L[i] = RC2_PITABLE[L[i + 1] ^ L[i + T8]];
  return L;
}

/** RC2 rotation amounts s[0..3] (RFC 2268 §3.1). */
const RC2_S = [1, 2, 3, 5];

/** Encrypts one block of four 16-bit words in place: 5 mixing, mash, 6 mixing, mash, 5 mixing (RFC 2268 §3). */
function rc2EncryptBlock(R: Uint16Array, K: Uint16Array): void {
  let j = 0;
  for (let r = 0; r < 16; r++) {
    for (let i = 0; i < 4; i++) {
      const v = (R[i] + K[j++] + (R[(i + 3) & 3] & R[(i + 2) & 3]) + (~R[(i + 3) & 3] & R[(i + 1) & 3])) & 0xffff;
      R[i] = (v << RC2_S[i]) | (v >>> (16 - RC2_S[i]));
    }
    if (r === 4 || r === 10) for (let i = 0; i < 4; i++) R[i] = R[i] + K[R[(i + 3) & 3] & 63];
  }
}

/**
 * Decrypts one block in place: the rounds of rc2EncryptBlock undone in reverse (RFC 2268 §4), with the four
 * words in locals and the rotations written out (s = 5, 3, 2, 1 for words 3 to 0): a Java 8-era store's
 * 180 KB certificate safe is 23,000 blocks, and array indexing made this a tenth of listing one.
 */
function rc2DecryptBlock(R: Uint16Array, K: Uint16Array): void {
  let r0 = R[0];
  let r1 = R[1];
  let r2 = R[2];
  let r3 = R[3];
  let j = 63;
  for (let r = 0; r < 16; r++) {
    r3 = ((((r3 >>> 5) | (r3 << 11)) & 0xffff) - K[j--] - (r2 & r1) - (~r2 & r0)) & 0xffff;
    r2 = ((((r2 >>> 3) | (r2 << 13)) & 0xffff) - K[j--] - (r1 & r0) - (~r1 & r3)) & 0xffff;
    r1 = ((((r1 >>> 2) | (r1 << 14)) & 0xffff) - K[j--] - (r0 & r3) - (~r0 & r2)) & 0xffff;
    r0 = ((((r0 >>> 1) | (r0 << 15)) & 0xffff) - K[j--] - (r3 & r2) - (~r3 & r1)) & 0xffff;
    if (r === 4 || r === 10) {
      r3 = (r3 - K[r2 & 63]) & 0xffff;
      r2 = (r2 - K[r1 & 63]) & 0xffff;
      r1 = (r1 - K[r0 & 63]) & 0xffff;
      r0 = (r0 - K[r3 & 63]) & 0xffff;
    }
  }
  R[0] = r0;
  R[1] = r1;
  R[2] = r2;
  R[3] = r3;
}

/** Writes four 16-bit words little-endian at `off`. */
function writeWords(out: Buffer, off: number, w0: number, w1: number, w2: number, w3: number): void {
  out[off] = w0 & 0xff;
  out[off + 1] = w0 >>> 8;
  out[off + 2] = w1 & 0xff;
  out[off + 3] = w1 >>> 8;
  out[off + 4] = w2 & 0xff;
  out[off + 5] = w2 >>> 8;
  out[off + 6] = w3 & 0xff;
  out[off + 7] = w3 >>> 8;
}

/**
 * RC2-CBC (RFC 2268) with PKCS#7 padding. OpenSSL 3 ships RC2 only in its legacy provider, and node-forge's
 * RC2 cipher takes seconds for a 200 KB certificate safe (and loading forge costs tens of ms), so the key
 * expansion and the block rounds run here on 16-bit words.
 */
async function rc2(encrypt: boolean, bits: number, key: Buffer, iv: Buffer, data: Uint8Array): Promise<Buffer> {
  const L = rc2ExpandKey(key, bits);
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i] | (L[2 * i + 1] << 8);
  const R = new Uint16Array(4);
  let input: Uint8Array = data;
  if (encrypt) {
    const pad = 8 - (data.length % 8);
    input = Buffer.concat([data, Buffer.alloc(pad, pad)]);
  } else if (input.length === 0 || input.length % 8 !== 0) {
    throw new BadDecryptError('ciphertext is not whole blocks');
  }
  const out = Buffer.alloc(input.length);
  // The CBC chain as four little-endian words in locals: a Buffer.copy per block (23,000 blocks in a Java 8-era
  // certificate safe) allocated a view each time and cost more than the cipher.
  let c0 = iv[0] | (iv[1] << 8);
  let c1 = iv[2] | (iv[3] << 8);
  let c2 = iv[4] | (iv[5] << 8);
  let c3 = iv[6] | (iv[7] << 8);
  let sliceStart = performance.now();
  for (let off = 0; off < input.length; off += 8) {
    // Large legacy certificate safes take tens of ms: yield like the KDF does.
    if ((off & 0x7fff) === 0 && off > 0 && performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    const x0 = input[off] | (input[off + 1] << 8);
    const x1 = input[off + 2] | (input[off + 3] << 8);
    const x2 = input[off + 4] | (input[off + 5] << 8);
    const x3 = input[off + 6] | (input[off + 7] << 8);
    if (encrypt) {
      R[0] = x0 ^ c0;
      R[1] = x1 ^ c1;
      R[2] = x2 ^ c2;
      R[3] = x3 ^ c3;
      rc2EncryptBlock(R, K);
      c0 = R[0];
      c1 = R[1];
      c2 = R[2];
      c3 = R[3];
      writeWords(out, off, c0, c1, c2, c3);
    } else {
      R[0] = x0;
      R[1] = x1;
      R[2] = x2;
      R[3] = x3;
      rc2DecryptBlock(R, K);
      writeWords(out, off, R[0] ^ c0, R[1] ^ c1, R[2] ^ c2, R[3] ^ c3);
      c0 = x0;
      c1 = x1;
      c2 = x2;
      c3 = x3;
    }
  }
  if (encrypt) return out;
  // PKCS#7 padding check: the usual sign of a wrong password.
  const pad = out[out.length - 1];
  if (pad < 1 || pad > 8) throw new BadDecryptError('bad padding');
  for (let k = out.length - pad; k < out.length; k++) if (out[k] !== pad) throw new BadDecryptError('bad padding');
  return out.subarray(0, out.length - pad);
}

/** Derives key and IV once per (salt, iterations) through `cache`, keyed by the caller's choice. */
async function schemeKeyIv(
  scheme: Pkcs12Scheme,
  password: string,
  salt: Uint8Array,
  iterations: number,
  cache?: Map<string, Promise<Buffer>>,
): Promise<{ key: Buffer; iv: Buffer }> {
  const pw = bmpPassword(password);
  const derive = (id: number, n: number): Promise<Buffer> => {
    const k = `p12|${id}|${n}|${iterations}|${Buffer.from(salt).toString('hex')}`;
    let p = cache?.get(k);
    if (!p) {
      p = pkcs12Kdf('sha1', id, pw, salt, iterations, n);
      cache?.set(k, p);
    }
    return p;
  };
  const [key, iv] = await Promise.all([derive(KDF_ID.KEY, scheme.keyLen), derive(KDF_ID.IV, scheme.ivLen)]);
  return { key, iv };
}

/** Decrypts `data` with a PKCS#12 PBE scheme (RFC 7292 C); throws BadDecryptError on a padding failure. */
export async function pkcs12PbeDecrypt(
  scheme: Pkcs12Scheme,
  password: string,
  salt: Uint8Array,
  iterations: number,
  data: Uint8Array,
  cache?: Map<string, Promise<Buffer>>,
): Promise<Buffer> {
  const { key, iv } = await schemeKeyIv(scheme, password, salt, iterations, cache);
  if (data.length === 0 || data.length % 8 !== 0) throw new BadDecryptError('ciphertext is not a whole number of blocks');
  if (typeof scheme.cipher !== 'string') return rc2(false, scheme.cipher.rc2Bits, key, iv, data);
  try {
    const d = createDecipheriv(scheme.cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch (e) {
    throw new BadDecryptError('bad decrypt', { cause: e });
  }
}

/** Encrypts `data` with a PKCS#12 PBE scheme (RFC 7292 C). */
export async function pkcs12PbeEncrypt(
  scheme: Pkcs12Scheme,
  password: string,
  salt: Uint8Array,
  iterations: number,
  data: Uint8Array,
): Promise<Buffer> {
  const { key, iv } = await schemeKeyIv(scheme, password, salt, iterations);
  if (typeof scheme.cipher !== 'string') return rc2(true, scheme.cipher.rc2Bits, key, iv, data);
  const c = createCipheriv(scheme.cipher, key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}
