/**
 * The PKCS12 codec's DER reader (X.690 §8, §10), which names the file offset of every fault, and the BER
 * it also accepts. It walks a Buffer in place without copying, which keeps a 150-entry store well under a millisecond
 * (node-forge's asn1.fromDer builds an object tree and copies every value into binary strings).
 * Every declared length is checked against the bytes that remain before it is used: a fuzzer feeds this.
 */
import { TextDecoder } from 'node:util';
import { MalformedKeystoreError } from '../errors';
import { TAG, tlv } from '../asn1/der';

/**
 * Dotted OIDs by their value bytes (as a latin1 string), for values that passed the checks in `oid`; it stops
 * growing at OID_CACHE_MAX entries, so hostile input cannot make it large.
 */
const OID_CACHE = new Map<string, string>();
const OID_CACHE_MAX = 1024;

/** One TLV: `start` is the tag byte, `[vStart, end)` the value, all indices into the reader's buffer. */
export interface Node {
  readonly tag: number;
  readonly start: number;
  readonly vStart: number;
  readonly end: number;
}

/**
 * Reads DER from one buffer. `origin` maps buffer indices to file offsets for error messages; it is
 * undefined for decrypted plaintext, whose offsets mean nothing in the file.
 */
export class DerReader {
  constructor(readonly buf: Buffer, private readonly origin: number | undefined = 0) {}

  /** The file offset of buffer index `pos`, when known. */
  offsetOf(pos: number): number | undefined {
    return this.origin === undefined ? undefined : this.origin + pos;
  }

  /** Throws MalformedKeystoreError naming `reason` at buffer index `pos`. */
  fail(reason: string, pos: number): never {
    throw new MalformedKeystoreError(reason, this.offsetOf(pos));
  }

  /** Reads the TLV at `pos`, which must end at or before `limit`. */
  read(pos: number, limit: number, what: string): Node {
    const buf = this.buf;
    if (limit > buf.length) limit = buf.length;
    if (pos + 2 > limit) this.fail(`${what}: truncated`, pos);
    const tag = buf[pos];
    // High-tag-number form (low five bits all set) never occurs in PKCS12 (RFC 7292 uses tags ≤ 30).
    if ((tag & 0x1f) === 0x1f) this.fail(`${what}: unexpected multi-byte tag`, pos);
    let i = pos + 1;
    let len = buf[i++];
    if (len & 0x80) {
      const n = len & 0x7f;
      // 0x80 is BER's indefinite length; DER forbids it and keytool never writes it.
      if (n === 0) this.fail(`${what}: indefinite length is not DER`, pos);
      if (n > 4) this.fail(`${what}: length field too long`, pos);
      if (i + n > limit) this.fail(`${what}: truncated length`, pos);
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + buf[i++];
    }
    if (len > limit - i) this.fail(`${what}: length ${len} runs past the end of its container`, pos);
    return { tag, start: pos, vStart: i, end: i + len };
  }

  /** Reads the TLV at `pos` and insists on `tag`. */
  expect(pos: number, limit: number, tag: number, what: string): Node {
    const node = this.read(pos, limit, what);
    if (node.tag !== tag) this.fail(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`, pos);
    return node;
  }

  /** The child TLVs of a constructed node, each checked to lie inside it. */
  children(node: Node, what: string): Node[] {
    if ((node.tag & 0x20) === 0) this.fail(`${what}: expected a constructed value`, node.start);
    const out: Node[] = [];
    let pos = node.vStart;
    while (pos < node.end) {
      const child = this.read(pos, node.end, what);
      out.push(child);
      pos = child.end;
    }
    return out;
  }

  /**
   * A reader over a node's value (ASN.1 nested in an OCTET STRING) that keeps file offsets; with `ber`
   * the bytes are first re-encoded as DER (berToDer) and offsets are dropped.
   */
  nested(node: Node, ber: boolean): DerReader {
    const v = this.value(node);
    if (ber) return new DerReader(berToDer(v), undefined);
    return new DerReader(v, this.offsetOf(node.vStart));
  }

  /** The value bytes of a node, as a view (no copy). */
  value(node: Node): Buffer {
    return this.buf.subarray(node.vStart, node.end);
  }

  /** The value bytes of a node as a plain Uint8Array view: lighter than a Buffer where no Buffer method is needed. */
  view(node: Node): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + node.vStart, node.end - node.vStart);
  }

  /** The whole TLV of a node, as a view (no copy). */
  whole(node: Node): Buffer {
    return this.buf.subarray(node.start, node.end);
  }

  /** Decodes an OBJECT IDENTIFIER to dotted form (X.690 §8.19). */
  oid(node: Node, what: string): string {
    if (node.tag !== TAG.OID) this.fail(`${what}: expected an OID`, node.start);
    const length = node.end - node.vStart;
    if (length === 0 || length > 64 || (this.buf[node.end - 1] & 0x80) !== 0) this.fail(`${what}: bad OID`, node.start);
    // A store repeats the same few OIDs hundreds of times (bag types, attributes, extensions): decode each once.
    const key = this.buf.toString('latin1', node.vStart, node.end);
    const known = OID_CACHE.get(key);
    if (known !== undefined) return known;
    const v = this.value(node);
    const parts: number[] = [];
    let acc = 0;
    for (let i = 0; i < v.length; i++) {
      acc = acc * 128 + (v[i] & 0x7f);
      if (acc > Number.MAX_SAFE_INTEGER / 128) this.fail(`${what}: OID arc too large`, node.start);
      if ((v[i] & 0x80) === 0) {
        if (parts.length === 0) {
          const first = acc < 80 ? Math.floor(acc / 40) : 2;
          parts.push(first, acc - first * 40);
        } else parts.push(acc);
        acc = 0;
      }
    }
    const dotted = parts.join('.');
    if (OID_CACHE.size < OID_CACHE_MAX) OID_CACHE.set(key, dotted);
    return dotted;
  }

  /** Decodes a non-negative INTEGER that fits in a JavaScript number (iteration counts, versions, lengths). */
  smallInt(node: Node, what: string): number {
    if (node.tag !== TAG.INTEGER) this.fail(`${what}: expected an INTEGER`, node.start);
    const v = this.value(node);
    if (v.length === 0 || v.length > 6 || (v[0] & 0x80) !== 0) this.fail(`${what}: integer out of range`, node.start);
    let n = 0;
    for (const b of v) n = n * 256 + b;
    return n;
  }

  /** The value of an OCTET STRING. */
  octets(node: Node, what: string): Buffer {
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

// ---------------------------------------------------------------------------------------------
// BER: some writers (Bouncy Castle's "PKCS12", NSS pk12util) use indefinite lengths and constructed
// OCTET STRINGs, which the JDK's DerValue also accepts. berToDer re-encodes one level of such input
// as DER so the reader above can walk it; OCTET STRING contents stay opaque bytes.

/** Deepest nesting berToDer follows; real PFX structures stay below 15, hostile input is cut off. */
const MAX_BER_DEPTH = 64;

/**
 * Re-encodes BER as DER (X.690 §10): indefinite lengths become definite, constructed OCTET STRINGs
 * (tag 0x24) become primitive ones holding the concatenation of their segments. Throws
 * MalformedKeystoreError (without an offset: the caller's offsets would not apply) on broken input.
 */
export function berToDer(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const r = berElement(buf, pos, buf.length, 0);
    out.push(r.encoded);
    pos = r.end;
  }
  return Buffer.concat(out);
}

function berFail(reason: string): never {
  throw new MalformedKeystoreError(`BER: ${reason}`);
}

function berElement(buf: Buffer, pos: number, limit: number, depth: number): { tag: number; encoded: Buffer; value: Buffer; end: number } {
  if (depth > MAX_BER_DEPTH) berFail('nesting too deep');
  if (pos + 2 > limit) berFail('truncated');
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) berFail('unexpected multi-byte tag');
  let i = pos + 1;
  let len = buf[i++];
  let indefinite = false;
  if (len === 0x80) indefinite = true;
  else if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || i + n > limit) berFail('bad length');
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + buf[i++];
  }
  const constructed = (tag & 0x20) !== 0;
  if (!constructed) {
    if (indefinite || len > limit - i) berFail('bad primitive length');
    const value = buf.subarray(i, i + len);
    return { tag, encoded: tlv(tag, value), value, end: i + len };
  }
  const end = indefinite ? limit : i + len;
  if (end > limit) berFail('length past the end of its container');
  const children: { tag: number; encoded: Buffer; value: Buffer }[] = [];
  let closed = !indefinite;
  while (i < end) {
    if (indefinite && buf[i] === 0 && i + 1 < end && buf[i + 1] === 0) {
      i += 2; // end-of-contents
      closed = true;
      break;
    }
    const child = berElement(buf, i, end, depth + 1);
    children.push(child);
    i = child.end;
  }
  if (!closed) berFail('missing end-of-contents');
  if (tag === 0x24) {
    // Constructed OCTET STRING: its segments are OCTET STRINGs (X.690 §8.7.3).
    if (children.some((c) => c.tag !== 0x04)) berFail('constructed OCTET STRING with a non-OCTET STRING segment');
    const value = Buffer.concat(children.map((c) => c.value));
    return { tag: 0x04, encoded: tlv(0x04, value), value, end: i };
  }
  const value = Buffer.concat(children.map((c) => c.encoded));
  return { tag, encoded: tlv(tag, value), value, end: i };
}
