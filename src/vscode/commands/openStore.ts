/** Opens a keystore for a command with the right password, asking only when nothing else opens it. */
import { WrongPasswordError } from '../../core/keystore';
import { loadKeystore, type LoadedKeystore } from '../../core/io/keystoreStore';
import type { Deps } from '../deps';
import { Cancelled, MissingOptionError, type Invocation } from './invocation';

/**
 * Opens a store: the given password, else the plain one deployment.toml configures, else the remembered
 * one, else asks (and remembers it once it proved right). A remembered password that fails is forgotten
 * and asked again. Returns the loaded store and the password that opened it.
 */
export async function openStore(
  deps: Deps,
  inv: Invocation<object>,
  file: string,
  given: string | undefined,
): Promise<{ loaded: LoadedKeystore; password: string }> {
  if (given !== undefined) return { loaded: await loadKeystore(file, given), password: given };
  const configured = await deps.model.configuredPassword(file);
  if (configured !== undefined) {
    try {
      return { loaded: await loadKeystore(file, configured), password: configured };
    } catch (err) {
      if (!(err instanceof WrongPasswordError)) throw err;
    }
  }
  const remembered = await deps.passwords.get(file);
  if (remembered !== undefined) {
    try {
      return { loaded: await loadKeystore(file, remembered), password: remembered };
    } catch (err) {
      if (!(err instanceof WrongPasswordError)) throw err;
      await deps.passwords.delete(file);
    }
  }
  if (!inv.interactive) throw new MissingOptionError('password');
  for (let attempt = 0; attempt < 3; attempt++) {
    const typed = await deps.passwords.prompt(file, attempt === 0 ? undefined : 'That password does not open the keystore; try again.');
    if (typed === undefined) throw new Cancelled();
    try {
      const loaded = await loadKeystore(file, typed);
      await deps.passwords.set(file, typed);
      return { loaded, password: typed };
    } catch (err) {
      if (!(err instanceof WrongPasswordError)) throw err;
    }
  }
  throw new WrongPasswordError();
}
