/**
 * Java's "modified UTF-8" (java.io.DataInput, JDK docs "Modified UTF-8"): UTF-16 code units encoded one
 * by one, U+0000 as C0 80, supplementary characters as two 3-byte surrogates. Aliases in JKS/JCEKS
 * are stored this way (DataOutputStream.writeUTF).
 */
import { isAscii } from 'node:buffer';

/** Encodes a string as Java modified UTF-8 (without the u16 length prefix). */
export function encodeModifiedUtf8(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/**
 * Decodes modified UTF-8 as DataInputStream.readUTF does (it accepts any 1-, 2- or 3-byte form);
 * returns null on a malformed sequence, where Java throws UTFDataFormatException.
 */
export function decodeModifiedUtf8(b: Uint8Array): string | null {
  // Fast path: almost every alias is plain ASCII, which both encodings write byte for byte (a 0x00 byte, not
  // what writeUTF writes for U+0000, still reads as U+0000 in readUTF, as below).
  if (isAscii(b)) return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
  const units: number[] = [];
  for (let i = 0; i < b.length; ) {
    const x = b[i];
    if (x < 0x80) {
      units.push(x);
      i += 1;
    } else if ((x & 0xe0) === 0xc0) {
      if (i + 1 >= b.length || (b[i + 1] & 0xc0) !== 0x80) return null;
      units.push(((x & 0x1f) << 6) | (b[i + 1] & 0x3f));
      i += 2;
    } else if ((x & 0xf0) === 0xe0) {
      if (i + 2 >= b.length || (b[i + 1] & 0xc0) !== 0x80 || (b[i + 2] & 0xc0) !== 0x80) return null;
      units.push(((x & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f));
      i += 3;
    } else {
      return null;
    }
  }
  let s = '';
  for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode(...units.slice(i, i + 8192));
  return s;
}
