/**
 * Loading and saving a keystore file as a `Keystore`: the glue between the codecs and the safe file
 * writer, shared by the CLI and the extension. A save is reported only after the written file has been
 * read back and decoded with the new password and found to hold every entry as intended.
 */
import { decodeKeystore, encodeKeystore, openKey, openSecretKey, type EncodeOptions, type Keystore } from '../keystore';
import { WriteVerificationError } from '../errors';
import { readKeystoreFile, readKeystoreFileSync, writeKeystoreFile, type FileSnapshot, type WrittenFile } from './safeFileWrite';

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

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

/**
 * Decodes the written bytes and checks they hold what was meant: every entry under its alias and of its kind,
 * the same certificates in the same order, every key and secret key re-sealed in the clear opens to the same
 * bytes, and every sealed one is carried byte for byte. A PKCS12 chain may read back longer than written
 * (the JDK completes chains from the other certificates in the file) but never shorter.
 */
async function verifyWritten(written: Uint8Array, intended: Keystore, password: string): Promise<void> {
  const decoded = await decodeKeystore(written, password);
  const back = new Map(decoded.entries.map((e) => [e.alias.toLowerCase(), e]));
  if (decoded.entries.length !== intended.entries.length || back.size !== decoded.entries.length) {
    throw new WriteVerificationError(`${intended.entries.length} entries written, ${decoded.entries.length} read back`);
  }
  for (const entry of intended.entries) {
    const got = back.get(entry.alias.toLowerCase());
    const name = `alias "${entry.alias}"`;
    if (!got) throw new WriteVerificationError(`${name} is missing`);
    if (got.kind !== entry.kind) throw new WriteVerificationError(`${name} reads back as a ${got.kind} instead of a ${entry.kind}`);
    if (entry.kind === 'trusted-cert' && got.kind === 'trusted-cert') {
      if (!sameBytes(entry.certificate, got.certificate)) throw new WriteVerificationError(`${name} reads back with another certificate`);
    } else if (entry.kind === 'private-key' && got.kind === 'private-key') {
      const prefix = got.chain.slice(0, entry.chain.length);
      const chainKept = prefix.length === entry.chain.length && prefix.every((c, i) => sameBytes(c, entry.chain[i]));
      if (!chainKept || (got.chain.length > entry.chain.length && decoded.format !== 'PKCS12')) {
        throw new WriteVerificationError(`${name} reads back with ${got.chain.length} of its ${entry.chain.length} certificates as its chain`);
      }
      if (entry.key.sealed === 'sealed') {
        if (got.key.sealed !== 'sealed' || !sameBytes(entry.key.der, got.key.der)) throw new WriteVerificationError(`${name}'s key was not kept as it was`);
      } else {
        // PKCS12 keys are sealed with the store password whatever the entry says, as keytool does.
        const pkcs8 = await openKey(got, decoded.format === 'PKCS12' ? password : entry.key.password);
        if (!sameBytes(pkcs8, entry.key.pkcs8)) throw new WriteVerificationError(`${name}'s key opens to other bytes`);
      }
    } else if (entry.kind === 'secret-key' && got.kind === 'secret-key') {
      if (entry.secret.sealed === 'sealed') {
        if (got.secret.sealed !== 'sealed' || !sameBytes(entry.secret.der, got.secret.der)) throw new WriteVerificationError(`${name}'s secret key was not kept as it was`);
      } else {
        const material = await openSecretKey(got, decoded.format === 'PKCS12' ? password : entry.secret.password);
        if (material.algorithm !== entry.secret.algorithm || !sameBytes(material.key, entry.secret.key)) {
          throw new WriteVerificationError(`${name}'s secret key opens to another key`);
        }
      }
    }
  }
}
