/**
 * DER (ITU-T X.690), the one reader and writer of the keystore engine. The reader walks bytes in place
 * (zero-copy views), checking every declared length against the bytes that remain before using it: a
 * fuzzer feeds it. It answers in three ways over one core (tlvAt): readTlv throws InvalidInputError
 * (certificates, requests, PEM), DerReader throws MalformedKeystoreError naming the file offset (the
 * keystore codecs), peekTlv returns null (probes that decide between answers). The writer builds whole
 * TLVs as Buffers; certificates and requests are built as forge trees instead (./forgeAsn1), BER is
 * re-encoded by ./ber. Only definite-length, single-byte-tag encodings are read: that is all X.509,
 * PKCS#8, PKCS#10 and the keystores use.
 */
import { TextDecoder } from 'node:util';
import { InvalidInputError, MalformedKeystoreError } from '../errors';
import { decodeOid, encodeOid } from './oid';

/** One tag-length-value element: the tag byte at `start`, the value `[vStart, end)`, indices into its bytes. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly vStart: number;
  readonly end: number;
}

/** Universal tags used by the keystore code (X.690 §8). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  GENERAL_STRING: 0x1b,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  /** [0] constructed (EXPLICIT, or IMPLICIT over a constructed type). */
  CTX0: 0xa0,
  /** [0] primitive (IMPLICIT over a primitive type, e.g. an OCTET STRING). */
  CTX0_PRIMITIVE: 0x80,
} as const;

/** Why an element could not be read, and the length it declared (for `overrun`). */
export interface DerFault {
  readonly fault: 'truncated' | 'multi-byte tag' | 'indefinite length' | 'length field too long' | 'truncated length' | 'overrun';
  readonly length: number;
}

/** Reads the element at `offset`, which must end at or before `limit`: the element, or why it cannot be read. */
export function tlvAt(bytes: Uint8Array, offset: number, limit: number = bytes.length): Tlv | DerFault {
  if (limit > bytes.length) limit = bytes.length;
  if (offset + 2 > limit) return { fault: 'truncated', length: 0 };
  const tag = bytes[offset];
  // High-tag-number form (X.690 §8.1.2.4) never occurs in the structures we read (RFC 7292 uses tags ≤ 30).
  if ((tag & 0x1f) === 0x1f) return { fault: 'multi-byte tag', length: 0 };
  let i = offset + 1;
  let len = bytes[i++];
  if (len & 0x80) {
    const n = len & 0x7f;
    // 0x80 is BER's indefinite length, which DER forbids (X.690 §10.1) and keytool never writes.
    if (n === 0) return { fault: 'indefinite length', length: 0 };
    if (n > 4) return { fault: 'length field too long', length: 0 };
    if (i + n > limit) return { fault: 'truncated length', length: 0 };
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + bytes[i++];
  }
  if (len > limit - i) return { fault: 'overrun', length: len };
  return { tag, start: offset, vStart: i, end: i + len };
}

/** True when tlvAt could not read an element. */
export function isFault(r: Tlv | DerFault): r is DerFault {
  return (r as Partial<DerFault>).fault !== undefined;
}

/** Reads the element at `offset`; throws InvalidInputError when it overruns `limit` or is not DER. */
export function readTlv(bytes: Uint8Array, offset: number, limit: number = bytes.length): Tlv {
  const r = tlvAt(bytes, offset, limit);
  if (!isFault(r)) return r;
  if (r.fault === 'multi-byte tag') throw new InvalidInputError(`Unsupported DER tag at byte ${offset}.`);
  if (r.fault === 'indefinite length' || r.fault === 'length field too long') throw new InvalidInputError(`Unsupported DER length at byte ${offset}.`);
  throw new InvalidInputError(`Truncated DER data at byte ${offset}.`);
}

/** Reads the element at `at` (value before `limit`), or null when there is none: for probes that only decide. */
export function peekTlv(bytes: Uint8Array, at: number, limit = bytes.length): Tlv | null {
  const r = tlvAt(bytes, at, limit);
  return isFault(r) ? null : r;
}

/** The value bytes of an element (a view, not a copy). */
export function valueOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.vStart, tlv.end);
}

/** The whole encoding of an element, header included (a view, not a copy). */
export function encodingOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start, tlv.end);
}

/** The elements inside a constructed element, in order. */
export function childrenOf(bytes: Uint8Array, tlv: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let off = tlv.vStart;
  while (off < tlv.end) {
    const child = readTlv(bytes, off, tlv.end);
    out.push(child);
    off = child.end;
  }
  return out;
}

/** Reads exactly one element spanning all of `bytes`, optionally checking its tag. */
export function readWhole(bytes: Uint8Array, expectTag?: number): Tlv {
  const tlv = readTlv(bytes, 0);
  if (tlv.end !== bytes.length) throw new InvalidInputError('Unexpected bytes after the DER structure.');
  if (expectTag !== undefined && tlv.tag !== expectTag) throw new InvalidInputError('Unexpected DER structure.');
  return tlv;
}

/** Reads the OID of an element that must be a well-formed OBJECT IDENTIFIER. */
export function readOid(bytes: Uint8Array, tlv: Tlv): string {
  if (tlv.tag !== TAG.OID) throw new InvalidInputError('Expected an object identifier in DER data.');
  const dotted = decodeOid(valueOf(bytes, tlv));
  if (dotted === null) throw new InvalidInputError('Malformed object identifier in DER data.');
  return dotted;
}

/** True when `bytes` is exactly one well-formed DER TLV with tag `tag`; with `deep`, constructed values must nest exactly too. */
export function isWholeDer(bytes: Uint8Array, tag: number, deep = false): boolean {
  const h = peekTlv(bytes, 0);
  if (h === null || h.tag !== tag || h.end !== bytes.length) return false;
  return !deep || nestsExactly(bytes, h.vStart, h.end, 0);
}

/** Checks every TLV between `from` and `to` nests exactly; constructed values are walked recursively. */
function nestsExactly(bytes: Uint8Array, from: number, to: number, depth: number): boolean {
  if (depth > 32) return false;
  let at = from;
  while (at < to) {
    const h = peekTlv(bytes, at, to);
    if (h === null) return false;
    if (h.tag & 0x20 && !nestsExactly(bytes, h.vStart, h.end, depth + 1)) return false;
    at = h.end;
  }
  return at === to;
}

/**
 * The reader as a cursor over one buffer, for the keystore codecs: every fault is a MalformedKeystoreError
 * naming what was being read and its file offset. `origin` maps buffer indices to file offsets; it is
 * undefined for decrypted plaintext, whose offsets mean nothing in the file.
 */
export class DerReader {
  constructor(
    readonly buf: Buffer,
    private readonly origin: number | undefined = 0,
  ) {}

  /** The file offset of buffer index `pos`, when known. */
  offsetOf(pos: number): number | undefined {
    return this.origin === undefined ? undefined : this.origin + pos;
  }

  /** Throws MalformedKeystoreError naming `reason` at buffer index `pos`. */
  fail(reason: string, pos: number): never {
    throw new MalformedKeystoreError(reason, this.offsetOf(pos));
  }

  /** Reads the TLV at `pos`, which must end at or before `limit`. */
  read(pos: number, limit: number, what: string): Tlv {
    const r = tlvAt(this.buf, pos, limit);
    if (!isFault(r)) return r;
    switch (r.fault) {
      case 'indefinite length':
        return this.fail(`${what}: indefinite length is not DER`, pos);
      case 'overrun':
        return this.fail(`${what}: length ${r.length} runs past the end of its container`, pos);
      case 'multi-byte tag':
        return this.fail(`${what}: unexpected multi-byte tag`, pos);
      default:
        return this.fail(`${what}: ${r.fault}`, pos);
    }
  }

  /** Reads the TLV at `pos` and insists on `tag`. */
  expect(pos: number, limit: number, tag: number, what: string): Tlv {
    const node = this.read(pos, limit, what);
    if (node.tag !== tag) this.fail(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`, pos);
    return node;
  }

  /** The child TLVs of a constructed node, each checked to lie inside it. */
  children(node: Tlv, what: string): Tlv[] {
    if ((node.tag & 0x20) === 0) this.fail(`${what}: expected a constructed value`, node.start);
    const out: Tlv[] = [];
    let pos = node.vStart;
    while (pos < node.end) {
      const child = this.read(pos, node.end, what);
      out.push(child);
      pos = child.end;
    }
    return out;
  }

  /** A reader over a node's value (ASN.1 nested in an OCTET STRING) that keeps file offsets. */
  nested(node: Tlv): DerReader {
    return new DerReader(this.value(node), this.offsetOf(node.vStart));
  }

  /** The value bytes of a node, as a view (no copy). */
  value(node: Tlv): Buffer {
    return this.buf.subarray(node.vStart, node.end);
  }

  /** The value bytes of a node as a plain Uint8Array view: lighter than a Buffer where no Buffer method is needed. */
  view(node: Tlv): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + node.vStart, node.end - node.vStart);
  }

  /** The whole TLV of a node, as a view (no copy). */
  whole(node: Tlv): Buffer {
    return this.buf.subarray(node.start, node.end);
  }

  /** Decodes an OBJECT IDENTIFIER to dotted form (./oid). */
  oid(node: Tlv, what: string): string {
    if (node.tag !== TAG.OID) this.fail(`${what}: expected an OID`, node.start);
    const dotted = decodeOid(this.view(node));
    return dotted ?? this.fail(`${what}: bad OID`, node.start);
  }

  /** Decodes a non-negative INTEGER that fits in a JavaScript number (iteration counts, versions, lengths). */
  smallInt(node: Tlv, what: string): number {
    if (node.tag !== TAG.INTEGER) this.fail(`${what}: expected an INTEGER`, node.start);
    const v = this.value(node);
    if (v.length === 0 || v.length > 6 || (v[0] & 0x80) !== 0) this.fail(`${what}: integer out of range`, node.start);
    let n = 0;
    for (const b of v) n = n * 256 + b;
    return n;
  }

  /** The value of an OCTET STRING. */
  octets(node: Tlv, what: string): Buffer {
    if (node.tag !== TAG.OCTET_STRING) this.fail(`${what}: expected an OCTET STRING`, node.start);
    return this.value(node);
  }
}

let utf16be: TextDecoder | undefined;

/**
 * Decodes BMPString bytes (UTF-16BE) to a string, natively; lone surrogates, which the decoder refuses,
 * pass through one unit at a time, as the JDK's String would hold them. A trailing odd byte is ignored.
 */
export function decodeBmp(bytes: Uint8Array): string {
  const even = bytes.subarray(0, bytes.length & ~1);
  try {
    utf16be ??= new TextDecoder('utf-16be', { fatal: true });
    return utf16be.decode(even);
  } catch {
    let s = '';
    for (let i = 0; i < even.length; i += 2) s += String.fromCharCode((even[i] << 8) | even[i + 1]);
    return s;
  }
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A Buffer view of `bytes` without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Compares two byte arrays for equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Writer: each helper returns the complete TLV as a Buffer.

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A TLV with `tag` whose value is the concatenation of `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

/** SEQUENCE of the given encoded elements. */
export function seq(...parts: Uint8Array[]): Buffer {
  return tlv(TAG.SEQUENCE, ...parts);
}

/** SET of the given encoded elements, in the given order (as the JDK writes bag attributes). */
export function set(...parts: Uint8Array[]): Buffer {
  return tlv(TAG.SET, ...parts);
}

/** OCTET STRING. */
export function octetString(bytes: Uint8Array): Buffer {
  return tlv(TAG.OCTET_STRING, bytes);
}

/** NULL. */
export const NULL = Buffer.from([0x05, 0x00]);

/** Non-negative INTEGER. */
export function integer(n: number): Buffer {
  const bytes: number[] = [];
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}

/** OBJECT IDENTIFIER from dotted form (./oid). */
export function oid(dotted: string): Buffer {
  return tlv(TAG.OID, encodeOid(dotted));
}

/** BMPString (UTF-16BE code units, surrogate pairs kept as the JDK writes them). */
export function bmpString(s: string): Buffer {
  const b = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
  return tlv(TAG.BMP_STRING, b);
}

/** Context-specific constructed [n] EXPLICIT wrapper. */
export function explicit(n: number, ...parts: Uint8Array[]): Buffer {
  return tlv(0xa0 | n, ...parts);
}
