/**
 * A small, bounded reader of ZIP archives (PKWARE APPNOTE 6.3: end of central directory, central
 * directory headers, local headers; methods 0 stored and 8 deflated), enough to read the Synapse XML
 * inside a Carbon application (`.car`). A `.car` in a workspace may be hostile: every size is checked
 * against the buffer and the limits before anything is inflated, and inflation stops at the limit.
 */
import { inflateRawSync } from 'node:zlib';
import { ZipFormatError } from '../errors';

/** Limits of one archive read. */
export interface ZipLimits {
  /** Most entries listed (default 10,000). */
  readonly maxEntries?: number;
  /** Largest uncompressed entry read (default 4 MiB). */
  readonly maxEntryBytes?: number;
  /** Most uncompressed bytes read from the whole archive (default 64 MiB). */
  readonly maxTotalBytes?: number;
}

/** One file of an archive, with its bytes. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/**
 * The files of `zip` whose names `wanted` accepts, each within the limits (larger ones are skipped,
 * reported in `skipped`). Throws ZipFormatError when the archive's structure is broken.
 */
export function readZipEntries(
  zip: Uint8Array,
  wanted: (name: string) => boolean,
  limits: ZipLimits = {},
): { entries: ZipEntry[]; skipped: string[] } {
  const maxEntries = limits.maxEntries ?? 10_000;
  const maxEntryBytes = limits.maxEntryBytes ?? 4 * 1024 * 1024;
  let budget = limits.maxTotalBytes ?? 64 * 1024 * 1024;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u32 = (o: number) => {
    if (o < 0 || o + 4 > zip.length) throw new ZipFormatError('truncated archive');
    return view.getUint32(o, true);
  };
  const u16 = (o: number) => {
    if (o < 0 || o + 2 > zip.length) throw new ZipFormatError('truncated archive');
    return view.getUint16(o, true);
  };

  // The end record sits in the last 22 + 65,535 bytes (its comment is at most 65,535 bytes).
  let eocd = -1;
  for (let o = zip.length - 22; o >= Math.max(0, zip.length - 22 - 0xffff); o--) {
    if (view.getUint32(o, true) === EOCD_SIGNATURE) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('not a ZIP archive (no end of central directory)');
  const count = u16(eocd + 10);
  const cdOffset = u32(eocd + 16);
  if (count > maxEntries) throw new ZipFormatError(`archive lists ${count} entries, more than ${maxEntries}`);

  const entries: ZipEntry[] = [];
  const skipped: string[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (u32(p) !== CENTRAL_SIGNATURE) throw new ZipFormatError('broken central directory');
    const method = u16(p + 10);
    const compressed = u32(p + 20);
    const size = u32(p + 24);
    const nameLength = u16(p + 28);
    const extraLength = u16(p + 30);
    const commentLength = u16(p + 32);
    const localOffset = u32(p + 42);
    if (p + 46 + nameLength > zip.length) throw new ZipFormatError('truncated archive');
    const name = Buffer.from(zip.subarray(p + 46, p + 46 + nameLength)).toString('utf8');
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/') || !wanted(name)) continue;
    if (size > maxEntryBytes || size > budget || (method !== 0 && method !== 8)) {
      skipped.push(name);
      continue;
    }
    if (u32(localOffset) !== LOCAL_SIGNATURE) throw new ZipFormatError(`broken local header of ${name}`);
    const start = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (start + compressed > zip.length) throw new ZipFormatError(`truncated data of ${name}`);
    const raw = zip.subarray(start, start + compressed);
    let data: Uint8Array;
    try {
      // maxOutputLength stops a deflate bomb whose header understates its size.
      data = method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(1, size) });
    } catch {
      skipped.push(name);
      continue;
    }
    budget -= data.length;
    entries.push({ name, data });
  }
  return { entries, skipped };
}
