/**
 * Iterated SHA-1 and SHA-256 (A = H(A), many times over) on 32-bit words, for the PKCS#12 key derivation
 * (RFC 7292 B.2 step 6A). After the first round the input is always one digest, which fits one padded
 * block whose padding never changes, so each round is one compression with no allocation and no call into
 * native code. A call of `crypto.hash` per round spends more on the call than on the hash, and a Java 8-era
 * store needs some 150,000 rounds; this loop does them several times faster (docs/benchmarks.md).
 * FIPS 180-4 §6.1 (SHA-1) and §6.2 (SHA-256). SHA-1 runs as WebAssembly where it can (sha1Wasm.ts).
 */
import { sha1RoundsWasm } from './sha1Wasm';

/** Longest synchronous stretch of hashing before yielding to the event loop, in ms. */
const SLICE_MS = 8;
/** Rounds between two looks at the clock (a look costs about as much as a round). */
const ROUNDS_PER_CHECK = 2048;

const yieldToLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Big-endian words of `bytes` (a whole number of words). */
function toWords(bytes: Uint8Array): Int32Array {
  const w = new Int32Array(bytes.length >>> 2);
  for (let i = 0; i < w.length; i++) w[i] = (bytes[4 * i] << 24) | (bytes[4 * i + 1] << 16) | (bytes[4 * i + 2] << 8) | bytes[4 * i + 3];
  return w;
}

/** Big-endian bytes of `words`. */
function toBytes(words: Int32Array): Buffer {
  const out = Buffer.alloc(words.length * 4);
  for (let i = 0; i < words.length; i++) out.writeInt32BE(words[i], i * 4);
  return out;
}

/** Replaces the SHA-1 digest in `h` (5 words) by the digest of those 20 bytes, `rounds` times. */
function sha1Rounds(h: Int32Array, w: Int32Array, rounds: number): void {
  if (!sha1RoundsWasm(h, rounds)) sha1RoundsJs(h, w, rounds);
}

/** sha1Rounds in JavaScript, where WebAssembly is unavailable. */
export function sha1RoundsJs(h: Int32Array, w: Int32Array, rounds: number): void {
  for (let n = 0; n < rounds; n++) {
    w[0] = h[0];
    w[1] = h[1];
    w[2] = h[2];
    w[3] = h[3];
    w[4] = h[4];
    // The fixed padding of a 20-byte message: 0x80, zeros, and the length in bits (160).
    w[5] = 0x80000000 | 0;
    for (let i = 6; i < 15; i++) w[i] = 0;
    w[15] = 160;
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = 0x67452301 | 0;
    let b = 0xefcdab89 | 0;
    let c = 0x98badcfe | 0;
    let d = 0x10325476 | 0;
    let e = 0xc3d2e1f0 | 0;
    for (let i = 0; i < 20; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + w[i] + 0x5a827999) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 20; i < 40; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i] + 0x6ed9eba1) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 40; i < 60; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + w[i] + 0x8f1bbcdc) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 60; i < 80; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i] + 0xca62c1d6) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h[0] = (a + 0x67452301) | 0;
    h[1] = (b + 0xefcdab89) | 0;
    h[2] = (c + 0x98badcfe) | 0;
    h[3] = (d + 0x10325476) | 0;
    h[4] = (e + 0xc3d2e1f0) | 0;
  }
}

/** SHA-256 round constants (FIPS 180-4 §4.2.2). */
const K256 = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
/** SHA-256 initial hash value (FIPS 180-4 §5.3.3). */
const H256 = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** Replaces the SHA-256 digest in `h` (8 words) by the digest of those 32 bytes, `rounds` times. */
function sha256Rounds(h: Int32Array, w: Int32Array, rounds: number): void {
  for (let n = 0; n < rounds; n++) {
    for (let i = 0; i < 8; i++) w[i] = h[i];
    // The fixed padding of a 32-byte message: 0x80, zeros, and the length in bits (256).
    w[8] = 0x80000000 | 0;
    for (let i = 9; i < 15; i++) w[i] = 0;
    w[15] = 256;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = H256[0];
    let b = H256[1];
    let c = H256[2];
    let d = H256[3];
    let e = H256[4];
    let f = H256[5];
    let g = H256[6];
    let hh = H256[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K256[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (a + H256[0]) | 0;
    h[1] = (b + H256[1]) | 0;
    h[2] = (c + H256[2]) | 0;
    h[3] = (d + H256[3]) | 0;
    h[4] = (e + H256[4]) | 0;
    h[5] = (f + H256[5]) | 0;
    h[6] = (g + H256[6]) | 0;
    h[7] = (hh + H256[7]) | 0;
  }
}

/** Word-level round functions for the hashes this module runs, by Node hash name. */
const ROUNDS: Readonly<Record<string, { rounds: (h: Int32Array, w: Int32Array, n: number) => void; schedule: number }>> = {
  sha1: { rounds: sha1Rounds, schedule: 80 },
  sha256: { rounds: sha256Rounds, schedule: 64 },
};

/** True when `hashRepeatedly` runs `hash` in this module rather than through native calls. */
export function hasWordRounds(hash: string): boolean {
  return Object.prototype.hasOwnProperty.call(ROUNDS, hash);
}

/**
 * Hashes `digest` (already one round of `hash`, SHA-1 or SHA-256) `rounds` more times and returns the
 * result, yielding to the event loop every few ms so the extension host never stalls.
 */
export async function hashRepeatedly(hash: string, digest: Uint8Array, rounds: number): Promise<Buffer> {
  const impl = ROUNDS[hash];
  if (!impl) throw new Error(`no word-level rounds for ${hash}`);
  const h = toWords(digest);
  const w = new Int32Array(impl.schedule);
  let sliceStart = performance.now();
  for (let done = 0; done < rounds; ) {
    const n = Math.min(ROUNDS_PER_CHECK, rounds - done);
    impl.rounds(h, w, n);
    done += n;
    if (done < rounds && performance.now() - sliceStart > SLICE_MS) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
  return toBytes(h);
}
