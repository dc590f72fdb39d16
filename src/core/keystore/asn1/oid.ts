/**
 * The OBJECT IDENTIFIER codec (X.690 §8.19), the one every reader and writer here uses: value bytes to
 * dotted form and back. Hostile values are bounded: at most MAX_OID_BYTES, and an arc too large for a
 * JavaScript number is decoded exactly (as the JDK's BigInteger arcs are), never rounded into another OID.
 */

/** The longest OID value decoded, in bytes: the JDK's ObjectIdentifier.MAXIMUM_OID_SIZE, past which it refuses. */
export const MAX_OID_BYTES = 4096;

/** Past this an arc no longer fits a number after one more 7-bit group, so decoding goes on in BigInt. */
const SAFE_ACCUMULATOR = Math.floor(Number.MAX_SAFE_INTEGER / 128);

/**
 * Dotted forms already decoded: a store or a certificate repeats the same few dozen OIDs hundreds of times.
 * Values of up to 6 bytes are keyed by their bytes read as an exact integer (length in the top bits), longer
 * ones up to CACHED_STRING_BYTES by a latin1 string; the cache stops growing at OID_CACHE_MAX entries, so
 * hostile input cannot make it large.
 */
const oidCache = new Map<number | string, string>();
const OID_CACHE_MAX = 1024;
const CACHED_STRING_BYTES = 24;

/** Decodes an OBJECT IDENTIFIER value to dotted form; null when it is empty, too long or ends inside an arc. */
export function decodeOid(value: Uint8Array): string | null {
  const n = value.length;
  if (n === 0 || n > MAX_OID_BYTES || (value[n - 1] & 0x80) !== 0) return null;
  if (n > CACHED_STRING_BYTES) return decodeOidUncached(value);
  let key: number | string;
  if (n <= 6) {
    key = n;
    for (let i = 0; i < n; i++) key = key * 256 + value[i];
  } else {
    key = '';
    for (let i = 0; i < n; i++) key += String.fromCharCode(value[i]);
  }
  let dotted = oidCache.get(key);
  if (dotted === undefined) {
    dotted = decodeOidUncached(value);
    if (oidCache.size < OID_CACHE_MAX) oidCache.set(key, dotted);
  }
  return dotted;
}

/** decodeOid without the checks and the cache: `value` is non-empty and its last byte ends an arc. */
function decodeOidUncached(value: Uint8Array): string {
  let out = '';
  let acc = 0;
  let big: bigint | null = null;
  for (let i = 0; i < value.length; i++) {
    const b = value[i];
    if (big !== null) big = big * 128n + BigInt(b & 0x7f);
    else if (acc > SAFE_ACCUMULATOR) big = BigInt(acc) * 128n + BigInt(b & 0x7f);
    else acc = acc * 128 + (b & 0x7f);
    if ((b & 0x80) !== 0) continue;
    if (out === '') {
      // The first subidentifier packs two arcs: 40 × first + second, first ∈ {0, 1, 2} (X.690 §8.19.4).
      if (big !== null) out = `2.${big - 80n}`;
      else {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        out = `${first}.${acc - first * 40}`;
      }
    } else out += `.${big ?? acc}`;
    acc = 0;
    big = null;
  }
  return out;
}

/** Encodes a dotted OID as its value bytes (no tag or length); arcs are non-negative safe integers. */
export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (n: number): void => {
    const chunk: number[] = [n & 0x7f];
    n = Math.floor(n / 128);
    while (n > 0) {
      chunk.unshift((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(...chunk);
  };
  push(arcs[0] * 40 + arcs[1]);
  for (const a of arcs.slice(2)) push(a);
  return Uint8Array.from(out);
}
