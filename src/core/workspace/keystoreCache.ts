/**
 * Keystore reads for the checks, cached by path + size + mtime (+ inode): a workspace check runs on
 * every keystroke in the extension, and decoding a 149-entry store or recovering a JCEKS key (hundreds of
 * thousands of MD5 rounds) must happen once per version of the file, not once per check. Every result is a value: a broken,
 * missing or huge file comes back as a typed error, never as an exception.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { decodeKeystore, detectFormat, findEntry, openKey, openSecretKey, type Keystore, type KeystoreFormat, type PrivateKeyEntry, type SecretKeyEntry } from '../keystore';
import { FileAccessError, FileTooLargeError, MalformedKeystoreError, UnknownFormatError, UnsupportedAlgorithmError, WrongKeyPasswordError, WrongPasswordError } from '../errors';
import { isUncPath } from './resolvePath';
import { MAX_KEYSTORE_BYTES, readKeystoreFile, type FileSnapshot } from '../io/safeFileWrite';

/** Why a store could not be read or decoded. */
export type StoreErrorKind =
  | 'not-found'
  | 'not-a-file'
  | 'too-large'
  | 'io'
  | 'unknown-format'
  | 'malformed'
  | 'unsupported'
  | 'wrong-password';

/** A failed read: the kind, one sentence without any password, and the format when the bytes told it. */
export interface StoreError {
  readonly ok: false;
  readonly kind: StoreErrorKind;
  readonly message: string;
  readonly format: KeystoreFormat | null;
}

/** The bytes of a file and the format they announce (no password needed). */
export interface SniffResult {
  readonly ok: true;
  readonly format: KeystoreFormat | null;
  readonly size: number;
  readonly snapshot: FileSnapshot;
}

/** A decoded store. */
export interface StoreRead {
  readonly ok: true;
  readonly store: Keystore;
  readonly format: KeystoreFormat;
}

/** A recovered private key. */
export interface RecoveredKey {
  readonly ok: true;
  readonly pkcs8: Uint8Array;
}

/** Why a key could not be recovered. */
export interface KeyError {
  readonly ok: false;
  readonly kind: 'store' | 'alias-not-found' | 'not-private-key' | 'wrong-key-password' | 'unsupported';
  readonly message: string;
}

interface FileEntry {
  readonly stamp: string;
  readonly sniff: Promise<SniffResult | StoreError>;
  readonly bytes: Promise<Uint8Array | null>;
  readonly decodes: Map<string, Promise<StoreRead | StoreError>>;
  readonly keys: Map<string, Promise<RecoveredKey | KeyError>>;
  readonly secretKeys: Map<string, Promise<boolean | undefined>>;
}

/** What the checks read stores through: a KeystoreCache or one of its sessions. */
export interface KeystoreReader {
  sniff(file: string): Promise<SniffResult | StoreError>;
  read(file: string, password: string): Promise<StoreRead | StoreError>;
  key(file: string, storePassword: string, alias: string, keyPassword: string): Promise<RecoveredKey | KeyError>;
  secretKeyOpens(file: string, storePassword: string, alias: string, keyPassword: string): Promise<boolean | undefined>;
  passwordTag(password: string): string;
}

/** Options of a KeystoreCache. */
export interface KeystoreCacheOptions {
  /** Largest file read (default 10 MB): anything bigger is not a keystore. */
  readonly maxBytes?: number;
  /** How many files to keep (default 64), least recently used dropped first. */
  readonly maxFiles?: number;
  /** Where decoding and key recovery run (default: this thread); the extension passes a worker thread. */
  readonly offload?: KeystoreOffload;
}

/**
 * Decoding and key recovery, which can take seconds on a hostile store (an iteration count just under the
 * cap): the extension runs them on a worker thread so that its own thread never waits.
 */
export interface KeystoreOffload {
  decode(bytes: Uint8Array, password: string, format: KeystoreFormat): Promise<StoreRead | StoreError>;
  recoverKey(entry: PrivateKeyEntry, alias: string, keyPassword: string): Promise<RecoveredKey | KeyError>;
  secretKeyOpens(entry: SecretKeyEntry, keyPassword: string): Promise<boolean | undefined>;
}

/** Decodes a store's bytes into a value: the store, or why not (never throws). */
export async function decodeStore(bytes: Uint8Array, password: string, format: KeystoreFormat): Promise<StoreRead | StoreError> {
  try {
    const store = await decodeKeystore(bytes, password);
    return { ok: true, store, format: store.format };
  } catch (err) {
    return classify(err, format);
  }
}

/** Recovers the key of a private-key entry into a value: its PKCS#8, or why not (never throws). */
export async function recoverKey(entry: PrivateKeyEntry, alias: string, keyPassword: string): Promise<RecoveredKey | KeyError> {
  try {
    return { ok: true, pkcs8: await openKey(entry, keyPassword) };
  } catch (err) {
    if (err instanceof WrongKeyPasswordError || err instanceof WrongPasswordError) {
      return { ok: false, kind: 'wrong-key-password', message: `The key of alias "${alias}" cannot be recovered with the configured password.` };
    }
    if (err instanceof UnsupportedAlgorithmError) return { ok: false, kind: 'unsupported', message: err.message };
    // A key that does not decrypt to a well-formed PKCS#8 is, in practice, the wrong password.
    return { ok: false, kind: 'wrong-key-password', message: `The key of alias "${alias}" cannot be recovered with the configured password.` };
  }
}

/** Whether `keyPassword` opens a secret-key entry; undefined when it cannot be told (never throws). */
export async function secretKeyOpens(entry: SecretKeyEntry, keyPassword: string): Promise<boolean | undefined> {
  try {
    await openSecretKey(entry, keyPassword);
    return true;
  } catch (err) {
    return err instanceof WrongKeyPasswordError ? false : undefined;
  }
}

/** All in this thread. */
const IN_THREAD: KeystoreOffload = { decode: decodeStore, recoverKey, secretKeyOpens };

function storeError(kind: StoreErrorKind, message: string, format: KeystoreFormat | null = null): StoreError {
  return { ok: false, kind, message, format };
}

/** Maps an error of the codec or the file layer to a StoreError; never rethrows. */
function classify(err: unknown, format: KeystoreFormat | null): StoreError {
  if (err instanceof WrongPasswordError) return storeError('wrong-password', err.message, format);
  if (err instanceof UnknownFormatError) return storeError('unknown-format', err.message, null);
  if (err instanceof UnsupportedAlgorithmError) return storeError('unsupported', err.message, format);
  if (err instanceof MalformedKeystoreError) return storeError('malformed', err.message, format);
  if (err instanceof FileTooLargeError) return storeError('too-large', err.message, format);
  if (err instanceof FileAccessError) {
    if (err.code === 'ENOENT') return storeError('not-found', err.message, format);
    if (err.code === 'ENOTFILE' || err.code === 'EISDIR') return storeError('not-a-file', err.message, format);
    return storeError('io', err.message, format);
  }
  // A codec bug or an unexpected shape: still a damaged store for the person, never a crash.
  const reason = err instanceof Error ? err.message : String(err);
  return storeError('malformed', `The keystore could not be decoded: ${reason}`, format);
}

/**
 * A cache of keystore files, decoded stores and recovered keys. Passwords are never kept: results
 * are keyed by a salted SHA-256 of the password, with a salt that lives only in this process.
 */
export class KeystoreCache implements KeystoreReader {
  private readonly files = new Map<string, FileEntry>();
  private readonly salt = crypto.randomBytes(16);
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly offload: KeystoreOffload;

  constructor(options: KeystoreCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? MAX_KEYSTORE_BYTES;
    this.maxFiles = options.maxFiles ?? 64;
    this.offload = options.offload ?? IN_THREAD;
  }

  private passwordKey(password: string): string {
    return crypto.createHash('sha256').update(this.salt).update(password, 'utf8').digest('hex');
  }

  /** A salted tag of a password, to tell "same password" apart without keeping it (valid in this process only). */
  passwordTag(password: string): string {
    return this.passwordKey(password).slice(0, 16);
  }

  /** The entry for the current version of `file` (stat each call, or once per session). */
  private entry(file: string, memo?: Map<string, Promise<FileEntry | StoreError>>): Promise<FileEntry | StoreError> {
    if (!memo) return this.freshEntry(file);
    let hit = memo.get(file);
    if (!hit) memo.set(file, (hit = this.freshEntry(file)));
    return hit;
  }

  /** Stats `file` and returns its cached entry, or a new one when the file changed. */
  private async freshEntry(file: string): Promise<FileEntry | StoreError> {
    let stamp: string;
    // Never touched for a check or a view: on Windows, a UNC path sends the user's credentials to its host.
    if (isUncPath(file)) return storeError('io', `${file} is on a network share; it is opened only by a command you run.`);
    try {
      const st = await fs.promises.stat(file);
      if (!st.isFile()) return storeError('not-a-file', `${file} is not a regular file.`);
      stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      return code === 'ENOENT' ? storeError('not-found', `${file}: no such file.`) : storeError('io', `${file}: file system error ${code}.`);
    }
    const cached = this.files.get(file);
    if (cached && cached.stamp === stamp) {
      // Refresh the LRU position.
      this.files.delete(file);
      this.files.set(file, cached);
      return cached;
    }
    // One read per version of the file; the format comes from the same bytes.
    const raw = readKeystoreFile(file, this.maxBytes).then(
      (r) => ({ ok: true as const, bytes: r.bytes, snapshot: r.snapshot }),
      (err: unknown) => classify(err, null),
    );
    const sniff: Promise<SniffResult | StoreError> = raw.then((r) =>
      r.ok ? { ok: true, format: detectFormat(r.bytes), size: r.bytes.length, snapshot: r.snapshot } : r,
    );
    const bytes = raw.then((r) => (r.ok ? r.bytes : null));
    const entry: FileEntry = {
      stamp,
      sniff,
      bytes,
      decodes: new Map(),
      keys: new Map(),
      secretKeys: new Map(),
    };
    this.files.delete(file);
    this.files.set(file, entry);
    while (this.files.size > this.maxFiles) this.files.delete(this.files.keys().next().value as string);
    return entry;
  }

  /** The format the file's bytes announce, or why the file cannot be read. */
  async sniff(file: string, memo?: Map<string, Promise<FileEntry | StoreError>>): Promise<SniffResult | StoreError> {
    const entry = await this.entry(file, memo);
    if ('ok' in entry) return entry;
    return entry.sniff;
  }

  /** The decoded store, checked with `password`, or why not. */
  async read(file: string, password: string, memo?: Map<string, Promise<FileEntry | StoreError>>): Promise<StoreRead | StoreError> {
    const entry = await this.entry(file, memo);
    if ('ok' in entry) return entry;
    const sniff = await entry.sniff;
    if (!sniff.ok) return sniff;
    const key = this.passwordKey(password);
    let decoded = entry.decodes.get(key);
    if (!decoded) {
      decoded = (async (): Promise<StoreRead | StoreError> => {
        const bytes = await entry.bytes;
        if (!bytes) return storeError('io', `${file} could not be read.`, sniff.format);
        if (sniff.format === null) return classify(new UnknownFormatError(), null);
        return this.offload.decode(bytes, password, sniff.format);
      })();
      entry.decodes.set(key, decoded);
    }
    return decoded;
  }

  /**
   * The private key of `alias` recovered with `keyPassword`, from the store opened with `storePassword`.
   * Slow for JCEKS and legacy PKCS12, hence cached like the rest.
   */
  async key(file: string, storePassword: string, alias: string, keyPassword: string, memo?: Map<string, Promise<FileEntry | StoreError>>): Promise<RecoveredKey | KeyError> {
    const read = await this.read(file, storePassword, memo);
    if (!read.ok) return { ok: false, kind: 'store', message: read.message };
    const entry = await this.entry(file, memo);
    if ('ok' in entry) return { ok: false, kind: 'store', message: entry.message };
    const cacheKey = `${this.passwordKey(storePassword)}:${this.passwordKey(keyPassword)}:${alias.toLowerCase()}`;
    let result = entry.keys.get(cacheKey);
    if (!result) {
      result = (async (): Promise<RecoveredKey | KeyError> => {
        const found = findEntry(read.store, alias);
        if (!found) return { ok: false, kind: 'alias-not-found', message: `No entry with alias "${alias}".` };
        if (found.kind !== 'private-key') return { ok: false, kind: 'not-private-key', message: `Alias "${alias}" is not a private key entry.` };
        return this.offload.recoverKey(found, alias, keyPassword);
      })();
      entry.keys.set(cacheKey, result);
    }
    return result;
  }

  /**
   * Whether `keyPassword` opens the secret key `alias` of the store opened with `storePassword` (undefined
   * when the store does not open or `alias` is no secret key). Slow (a JCEKS secret key is 200,000 MD5
   * rounds), hence cached like key().
   */
  async secretKeyOpens(file: string, storePassword: string, alias: string, keyPassword: string, memo?: Map<string, Promise<FileEntry | StoreError>>): Promise<boolean | undefined> {
    const read = await this.read(file, storePassword, memo);
    if (!read.ok) return undefined;
    const entry = await this.entry(file, memo);
    if ('ok' in entry) return undefined;
    const cacheKey = `${this.passwordKey(storePassword)}:${this.passwordKey(keyPassword)}:${alias.toLowerCase()}`;
    let result = entry.secretKeys.get(cacheKey);
    if (!result) {
      const found = findEntry(read.store, alias);
      result = found?.kind === 'secret-key' ? this.offload.secretKeyOpens(found, keyPassword) : Promise.resolve(undefined);
      entry.secretKeys.set(cacheKey, result);
    }
    return result;
  }

  /**
   * A view that stats each file once: one check run sees one version of each file and does not pay
   * a stat per consumer (deployment-full.toml has 22 consumers of two files).
   */
  session(): KeystoreReader {
    const memo = new Map<string, Promise<FileEntry | StoreError>>();
    return {
      sniff: (file) => this.sniff(file, memo),
      read: (file, password) => this.read(file, password, memo),
      key: (file, storePassword, alias, keyPassword) => this.key(file, storePassword, alias, keyPassword, memo),
      secretKeyOpens: (file, storePassword, alias, keyPassword) => this.secretKeyOpens(file, storePassword, alias, keyPassword, memo),
      passwordTag: (password) => this.passwordTag(password),
    };
  }

  /** Forgets everything (tests, or the extension when asked to re-read). */
  clear(): void {
    this.files.clear();
  }
}

/** The process-wide cache the CLI and the extension share by default. */
export const defaultKeystoreCache = new KeystoreCache();
