/**
 * Loading and saving a keystore file as a `Keystore`: the glue between the codecs and the safe file
 * writer, shared by the CLI and the extension. A save is reported only after the written file has been
 * read back and decoded with the new password, and every key written in the clear opens again.
 */
import { decodeKeystore, encodeKeystore, openKey } from '../keystore/index';
import { MalformedKeystoreError } from '../keystore/errors';
import type { EncodeOptions, Keystore } from '../keystore/model';
import { readKeystoreFile, readKeystoreFileSync, writeKeystoreFile, type FileSnapshot, type WrittenFile } from './keystoreFile';

/** A keystore as read from disk, with the snapshot a later save checks against. */
export interface LoadedKeystore {
  readonly file: string;
  readonly store: Keystore;
  readonly snapshot: FileSnapshot;
}

/** Options of loadKeystore. */
export interface LoadKeystoreOptions {
  /** Read with blocking calls (readKeystoreFileSync): for the CLI, never for the extension host. */
  readonly blockingRead?: boolean;
}

/** Reads and decodes the keystore at `file` with the store `password`. */
export async function loadKeystore(file: string, password: string, options: LoadKeystoreOptions = {}): Promise<LoadedKeystore> {
  const { bytes, snapshot } = options.blockingRead ? readKeystoreFileSync(file) : await readKeystoreFile(file);
  const store = await decodeKeystore(bytes, password);
  return { file, store, snapshot };
}

/** Options of saveKeystore. */
export interface SaveKeystoreOptions {
  /** Passed to the encoder (tests inject randomness and time). */
  readonly encode?: EncodeOptions;
  /** Test hook forwarded to writeKeystoreFile. */
  readonly beforeRename?: (tempFile: string) => Promise<void> | void;
}

/**
 * Encodes `store` with `password` and replaces `file` atomically; `snapshot` is the version read
 * (null when the file must not exist yet). Returns the snapshot of the new file.
 */
export async function saveKeystore(
  file: string,
  store: Keystore,
  password: string,
  snapshot: FileSnapshot | null,
  options: SaveKeystoreOptions = {},
): Promise<WrittenFile> {
  const bytes = await encodeKeystore(store, password, options.encode ?? {});
  return writeKeystoreFile(file, bytes, {
    expected: snapshot,
    verify: (written) => verifyWritten(written, store, password),
    beforeRename: options.beforeRename,
  });
}

/** Decodes the written bytes and checks they hold what was meant: same aliases, and every re-sealed key opens. */
async function verifyWritten(written: Uint8Array, intended: Keystore, password: string): Promise<void> {
  const decoded = await decodeKeystore(written, password);
  const want = intended.entries.map((e) => `${e.kind}:${e.alias.toLowerCase()}`).sort();
  const got = decoded.entries.map((e) => `${e.kind}:${e.alias.toLowerCase()}`).sort();
  if (want.join('\n') !== got.join('\n')) {
    throw new MalformedKeystoreError('the file written does not read back with the same entries; nothing was replaced');
  }
  for (const entry of intended.entries) {
    if (entry.kind !== 'private-key' || entry.key.sealed !== 'open') continue;
    const back = decoded.entries.find((e) => e.alias.toLowerCase() === entry.alias.toLowerCase());
    // PKCS12 keys are sealed with the store password whatever the entry says, as keytool does.
    const keyPassword = decoded.format === 'PKCS12' ? password : entry.key.password;
    if (back) await openKey(back, keyPassword);
  }
}
