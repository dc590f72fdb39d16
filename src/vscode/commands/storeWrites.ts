/** Every keystore write of the extension: the engine's safe writer, one read-modify-write at a time per store. */
import type { Keystore } from '../../core/keystore';
import { withKeystoreLock, type FileSnapshot } from '../../core/io/safeFileWrite';
import { saveKeystore } from '../../core/io/keystoreStore';
import type { Deps } from '../deps';
import { testHooks } from '../support/testHooks';
import { withProgress } from './progress';

/**
 * Saves a store through the engine's safe writer (atomic replace, refused with FileChangedError when the
 * file is no longer the version `snapshot` describes); every keystore write of the extension goes here.
 */
export function saveStore(file: string, store: Keystore, password: string, snapshot: FileSnapshot | null): Promise<FileSnapshot> {
  const hook = testHooks.beforeKeystoreWrite;
  return saveKeystore(file, store, password, snapshot, hook ? { beforeRename: () => hook(file) } : {});
}

/**
 * Runs a whole read-modify-write of the store at `file` after any other one on the same store in this
 * window, so two commands on one store run one after the other, never interleaved.
 */
export function onStore<T>(file: string, fn: () => Promise<T>): Promise<T> {
  return withKeystoreLock(file, fn);
}

/** Saves `store` over the file it was read from (with progress when slow) and tells the model. */
export async function saveAndAnnounce(deps: Deps, file: string, store: Keystore, password: string, snapshot: FileSnapshot | null): Promise<void> {
  await withProgress('Saving the keystore…', () => saveStore(file, store, password, snapshot));
  deps.model.notifyWritten([file]);
}
