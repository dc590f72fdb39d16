/**
 * The fix of the `byte-order-mark` finding: the deployment.toml rewritten without its leading UTF-8 byte
 * order mark (./parse.ts says why MI stops at one), every other byte kept, atomically, and refused when the
 * file changed since it was read.
 */
import { readKeystoreFile, withKeystoreLock, writeKeystoreFile } from '../io/safeFileWrite';
import { MAX_DEPLOYMENT_TOML_BYTES } from './parse';

/** The fix action's name (`Fix.run.action`), with `args.file`. */
export const REMOVE_BYTE_ORDER_MARK_ACTION = 'removeByteOrderMark';

/** Whether `bytes` begin with the UTF-8 byte order mark EF BB BF. */
export function hasByteOrderMark(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Rewrites `file` without its leading UTF-8 byte order mark; false (nothing written) when it has none. */
export function removeByteOrderMark(file: string): Promise<boolean> {
  return withKeystoreLock(file, async () => {
    const { bytes, snapshot } = await readKeystoreFile(file, MAX_DEPLOYMENT_TOML_BYTES);
    if (!hasByteOrderMark(bytes)) return false;
    await writeKeystoreFile(file, bytes.subarray(3), { expected: snapshot });
    return true;
  });
}
