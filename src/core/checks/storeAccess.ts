/**
 * Opens the stores of an effective configuration once per check run, for every rule that needs them:
 * the file's format from its bytes, then the store with its configured (or supplied) password, then the
 * private keys its consumer uses. Each step's outcome is a value the rules branch on, never an exception.
 */
import { findEntry, type Entry as KeystoreEntry, type Keystore, type KeystoreFormat, type PrivateKeyEntry } from '../keystore';
import type { EffectiveStore } from '../workspace/effectiveConfig';
import type { KeystoreReader, StoreError } from '../workspace/keystoreCache';
import { isInside } from '../workspace/resolvePath';

/** What opening one consumer's store gave. */
export type OpenedStore =
  /** Not read here: a path only a container has, an unresolved reference, or outside an untrusted folder. */
  | { readonly state: 'skipped' }
  | { readonly state: 'not-found' }
  /** The file exists but cannot be read (I/O, too large, a folder). */
  | { readonly state: 'unreadable'; readonly message: string }
  | { readonly state: 'not-a-keystore' }
  /** The password is not known here (a reference that cannot be resolved). */
  | { readonly state: 'no-password'; readonly format: KeystoreFormat }
  | { readonly state: 'failed'; readonly format: KeystoreFormat; readonly error: StoreError }
  | {
      readonly state: 'open';
      readonly format: KeystoreFormat;
      readonly store: Keystore;
      /** The password that opened it (never shown). */
      readonly password: string;
      /** `path|tag of the password`: what makes two findings about this opening the same. */
      readonly subject: string;
    };

/** The private keys a keystore consumer uses, or why it has none. */
export type ConsumerKeys =
  | { readonly state: 'keys'; readonly keys: readonly PrivateKeyEntry[] }
  | { readonly state: 'alias-not-found'; readonly alias: string; readonly privateKeys: readonly PrivateKeyEntry[] }
  | { readonly state: 'not-private-key'; readonly alias: string; readonly entry: KeystoreEntry; readonly privateKeys: readonly PrivateKeyEntry[] }
  | { readonly state: 'no-private-key' };

/** The shared, memoised store reads of one check run. */
export class StoreAccess {
  private readonly opened = new Map<string, Promise<OpenedStore>>();

  constructor(
    readonly stores: readonly EffectiveStore[],
    private readonly cache: KeystoreReader,
    private readonly options: { readonly storePasswords: Readonly<Record<string, string>>; readonly readOutside: boolean; readonly workspaceFolder: string },
  ) {}

  /** The stores this run may read (a local path, inside the folder when untrusted). */
  readable(): EffectiveStore[] {
    return this.stores.filter((s) => this.mayRead(s));
  }

  private mayRead(s: EffectiveStore): boolean {
    return s.path !== null && !s.disabled && (this.options.readOutside || isInside(this.options.workspaceFolder, s.path));
  }

  /** The password a store is opened with: the configured one, else one the caller supplied. */
  passwordOf(s: EffectiveStore): string | undefined {
    return s.password?.value ?? (s.path ? this.options.storePasswords[s.path] : undefined);
  }

  /** Opens a consumer's store (once per run). */
  open(s: EffectiveStore): Promise<OpenedStore> {
    let hit = this.opened.get(s.id);
    if (!hit) this.opened.set(s.id, (hit = this.doOpen(s)));
    return hit;
  }

  private async doOpen(s: EffectiveStore): Promise<OpenedStore> {
    if (!this.mayRead(s)) return { state: 'skipped' };
    const file = s.path as string;
    const sniff = await this.cache.sniff(file);
    if (!sniff.ok) return sniff.kind === 'not-found' ? { state: 'not-found' } : { state: 'unreadable', message: sniff.message };
    // BCFKS (Bouncy Castle FIPS) stores are not decoded here: beyond that they exist, nothing about them is guessed.
    if (s.type?.value.trim().toUpperCase() === 'BCFKS') return { state: 'skipped' };
    if (sniff.format === null) return { state: 'not-a-keystore' };
    const password = this.passwordOf(s);
    if (password === undefined) return { state: 'no-password', format: sniff.format };
    const read = await this.cache.read(file, password);
    if (!read.ok) return { state: 'failed', format: sniff.format, error: read };
    return { state: 'open', format: read.format, store: read.store, password, subject: `${file}|${this.cache.passwordTag(password)}` };
  }

  /** The private keys the consumer uses: its alias's entry, or every private key when it names none. */
  keysOf(s: EffectiveStore, store: Keystore): ConsumerKeys {
    const privateKeys = store.entries.filter((e): e is PrivateKeyEntry => e.kind === 'private-key');
    if (s.alias) {
      const alias = s.alias.value;
      const found = findEntry(store, alias);
      if (!found) return { state: 'alias-not-found', alias, privateKeys };
      if (found.kind !== 'private-key') return { state: 'not-private-key', alias, entry: found, privateKeys };
      return { state: 'keys', keys: [found] };
    }
    return privateKeys.length === 0 ? { state: 'no-private-key' } : { state: 'keys', keys: privateKeys };
  }

  /** The password the consumer recovers its keys with; undefined when none or not known here. */
  keyPasswordOf(s: EffectiveStore, storePassword: string): string | undefined {
    if (s.keyRecovery === 'store-password') return storePassword;
    if (s.keyRecovery === 'key-password') return s.keyPassword ? s.keyPassword.value : storePassword;
    return undefined;
  }

  /** The reader, for key recovery. */
  get reader(): KeystoreReader {
    return this.cache;
  }
}
