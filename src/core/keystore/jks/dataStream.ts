/**
 * The JKS and JCEKS data stream: bounds-checked big-endian reading and writing, as java.io.DataInputStream
 * and DataOutputStream read and write a keystore (the DER inside it is read by ../asn1/der). Every read
 * checks the bytes that remain before it slices or allocates, so a length field set huge fails fast with
 * a MalformedKeystoreError pointing at the field. Values come back as views on the input (no copies).
 */
import { MalformedKeystoreError } from '../errors';
import { decodeModifiedUtf8, encodeModifiedUtf8 } from './modifiedUtf8';

/** Sequential big-endian reader over a byte array, as java.io.DataInputStream reads a keystore. */
export class ByteReader {
  private readonly view: DataView;
  /** Position of the next byte to read. */
  offset = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left after the current position. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Fails unless `n` more bytes are available; `what` names the field and `at` the offset for the error. */
  need(n: number, what: string, at = this.offset): void {
    if (n > this.remaining) {
      throw new MalformedKeystoreError(`${what} needs ${n} bytes but only ${this.remaining} remain`, at);
    }
  }

  /** Reads one unsigned byte. */
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++];
  }

  /** Reads an unsigned 16-bit integer. */
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.offset);
    this.offset += 2;
    return v;
  }

  /** Reads an unsigned 32-bit integer. */
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }

  /** Reads a signed 64-bit integer (a Java long) as a bigint. */
  i64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.offset);
    this.offset += 8;
    return v;
  }

  /** Returns a view on the next `n` bytes, after checking they exist. */
  bytesView(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** Reads a u32 length then a view on that many bytes; a length past the end is reported at the length field. */
  u32Prefixed(what: string): Uint8Array {
    const at = this.offset;
    const n = this.u32(`${what} length`);
    this.need(n, what, at);
    return this.bytesView(n, what);
  }

  /** Reads a java.io.DataInput UTF string: u16 byte length, then modified UTF-8. */
  utf(what: string): string {
    const start = this.offset;
    const n = this.u16(`${what} length`);
    this.need(n, what, start);
    const raw = this.bytesView(n, what);
    const s = decodeModifiedUtf8(raw);
    if (s === null) throw new MalformedKeystoreError(`${what} is not valid modified UTF-8`, start);
    return s;
  }
}

/** Appending big-endian writer, as java.io.DataOutputStream writes a keystore. */
export class ByteWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  /** Appends raw bytes (kept by reference until `toBytes`). */
  bytes(b: Uint8Array): this {
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }

  /** Appends an unsigned 16-bit integer. */
  u16(v: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v);
    return this.bytes(b);
  }

  /** Appends an unsigned 32-bit integer. */
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0);
    return this.bytes(b);
  }

  /** Appends a signed 64-bit integer (a Java long). */
  i64(v: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, v);
    return this.bytes(b);
  }

  /** Appends a DataOutput.writeUTF string; throws RangeError past 65535 encoded bytes, as Java does. */
  utf(s: string): this {
    const enc = encodeModifiedUtf8(s);
    if (enc.length > 0xffff) throw new RangeError('string too long for writeUTF');
    return this.u16(enc.length).bytes(enc);
  }

  /** Concatenates everything written so far. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
