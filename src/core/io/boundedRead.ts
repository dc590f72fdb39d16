/**
 * Reading a workspace file that may be hostile: only a regular file (a link is followed to one), and only when
 * it is no larger than the caller's limit; anything else (absent, unreadable, a folder, a device) is null.
 */
import { promises as fsp } from 'node:fs';

/** The bytes of `file`, or null when it is not a regular file of at most `max` bytes or cannot be read. */
export async function readBoundedFile(file: string, max: number): Promise<Buffer | null> {
  try {
    const st = await fsp.stat(file);
    if (!st.isFile() || st.size > max) return null;
    return await fsp.readFile(file);
  } catch {
    return null;
  }
}

/** The text (UTF-8) of `file`, under the same conditions as readBoundedFile. */
export async function readBoundedText(file: string, max: number): Promise<string | null> {
  const bytes = await readBoundedFile(file, max);
  return bytes === null ? null : bytes.toString('utf8');
}
