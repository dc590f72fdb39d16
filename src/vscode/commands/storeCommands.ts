/**
 * Commands on a whole store: change its password (and deployment.toml where it holds the old one),
 * and convert it to another format.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { statSnapshot } from '../../core/io/safeFileWrite';
import { WrongKeyPasswordError } from '../../core/keystore';
import type { Keystore, KeystoreFormat } from '../../core/keystore';
import { changeKeyPassword, changeStorePasswordWithKeys, convert } from '../../core/keystore';
import { updatePasswordInConfig } from '../configWriter';
import type { Deps } from '../deps';
import { PlainSentenceError } from '../errorMessages';
import { COMMANDS } from '../ids';
import type { LoadedKeystore } from '../../core/io/keystoreStore';
import { command, requireTrust } from './command';
import { Cancelled, type Invocation, need } from './invocation';
import { openStore } from './openStore';
import { withProgress } from './progress';
import { askPick, askText, confirm, newPasswordProblem, pickKeystore } from './prompts';
import { onStore, saveStore } from './storeWrites';

/** Options of changePassword. */
export interface ChangePasswordOptions {
  readonly keystore: string;
  readonly password: string;
  readonly newPassword: string;
  /** Also replace the old password in every deployment.toml table that configures this store (default true). */
  readonly updateConfig?: boolean;
  /** Change the key password of this key entry (JKS/JCEKS) instead of the store password. */
  readonly alias?: string;
  /** The current key password of `alias` (default: the store password). */
  readonly keyPassword?: string;
}

/** Options of convertKeystore. */
export interface ConvertKeystoreOptions {
  readonly keystore: string;
  readonly out: string;
  readonly type: KeystoreFormat;
  readonly password: string;
}

/** Asks for a new password twice, checking keytool's rules. */
async function askNewPasswordTwice(format: KeystoreFormat, title: string): Promise<string | undefined> {
  const first = await askText(title, undefined, {
    password: true,
    validateInput: newPasswordProblem(format),
  });
  if (first === undefined) return undefined;
  return askText('Repeat the new password', undefined, { password: true, validateInput: (v) => (v === first ? undefined : 'The passwords differ.') });
}

/** changePassword with an alias: the key password of one JKS/JCEKS key entry (keytool -keypasswd). */
async function changeKeyPasswordFlow(
  deps: Deps,
  inv: Invocation<ChangePasswordOptions>,
  keystore: string,
  loaded: LoadedKeystore,
  storePassword: string,
  alias: string,
): Promise<{ keystore: string; updated: string[]; keptKeyPasswords: string[] }> {
  const o = inv.options;
  let oldKeyPassword = o.keyPassword ?? storePassword;
  let store: Keystore | undefined;
  const newPassword = await need(inv, 'newPassword', o.newPassword, () => askNewPasswordTwice(loaded.store.format, `New key password of "${alias}"`));
  for (let attempt = 0; !store; attempt++) {
    try {
      store = await changeKeyPassword(loaded.store, alias, oldKeyPassword, newPassword);
    } catch (err) {
      if (!(err instanceof WrongKeyPasswordError) || !inv.interactive || attempt > 1) throw err;
      const typed = await askText(`Current key password of "${alias}"`, undefined, { password: true });
      if (typed === undefined) throw new Cancelled();
      oldKeyPassword = typed;
    }
  }
  await withProgress('Saving the keystore…', () => saveStore(keystore, store as Keystore, storePassword, loaded.snapshot));
  const updated = o.updateConfig === false ? [] : await updatePasswordInConfig(deps, keystore, oldKeyPassword, newPassword, 'key', alias);
  deps.model.notifyWritten([keystore, ...updated]);
  deps.log.info(`Changed the key password of "${alias}" in ${keystore}.`);
  if (inv.interactive) void vscode.window.showInformationMessage(`Changed the key password of "${alias}".`);
  return { keystore, updated, keptKeyPasswords: [] };
}

/** Registers changePassword and convertKeystore. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(
      COMMANDS.changePassword,
      command<ChangePasswordOptions, { keystore: string; updated: string[]; keptKeyPasswords: string[] }>(deps, 'Changing the password', async (inv) => {
        requireTrust(deps, 'Changing a password');
        const o = inv.options;
        const keystore = await pickKeystore(deps, inv, o.keystore, 'Change the password of');
        return onStore(keystore, async () => {
          const { loaded, password } = await openStore(deps, inv, keystore, o.password);
          if (o.alias !== undefined && loaded.store.format !== 'PKCS12') return changeKeyPasswordFlow(deps, inv, keystore, loaded, password, o.alias);
          const newPassword = await need(inv, 'newPassword', o.newPassword, () => askNewPasswordTwice(loaded.store.format, 'New store password'));
          await confirm(inv, `Change the password of ${path.basename(keystore)}? Every place that opens it with the old password stops working until updated.`, 'Change Password');
          const changed = await withProgress('Changing the password…', async () => {
            const followed = await changeStorePasswordWithKeys(loaded.store, password, newPassword);
            await saveStore(keystore, followed.store, newPassword, loaded.snapshot);
            return followed;
          });
          if (await deps.passwords.get(keystore)) await deps.passwords.set(keystore, newPassword);
          const updated = o.updateConfig === false ? [] : await updatePasswordInConfig(deps, keystore, password, newPassword);
          deps.model.notifyWritten([keystore, ...updated]);
          deps.log.info(`Changed the password of ${keystore}; updated ${updated.length} configuration file(s).`);
          if (changed.kept.length) deps.log.warn(`Key entries with their own key password were left unchanged: ${changed.kept.join(', ')}.`);
          if (inv.interactive) {
            void vscode.window.showInformationMessage(
              `Changed the password of ${path.basename(keystore)}${updated.length ? ` and updated ${updated.map((f) => path.basename(f)).join(', ')}` : ''}.`,
            );
          }
          return { keystore, updated, keptKeyPasswords: changed.kept };
        });
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.convertKeystore,
      command<ConvertKeystoreOptions, { out: string; type: KeystoreFormat }>(deps, 'Converting the keystore', async (inv) => {
        requireTrust(deps, 'Converting a keystore');
        const o = inv.options;
        const keystore = await pickKeystore(deps, inv, o.keystore, 'Convert');
        const { loaded, password } = await openStore(deps, inv, keystore, o.password);
        const type = await need(inv, 'type', o.type, () =>
          askPick('Convert to', (['PKCS12', 'JKS', 'JCEKS'] as string[]).filter((t) => t !== loaded.store.format)),
        ) as KeystoreFormat;
        const ext = type === 'PKCS12' ? 'p12' : type === 'JCEKS' ? 'jceks' : 'jks';
        const out = path.resolve(
          await need(inv, 'out', o.out, async () =>
            (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(keystore.replace(/\.[^./\\]+$/, '') + `.${ext}`), filters: { Keystore: [ext] } }))?.fsPath,
          ),
        );
        if (out === path.resolve(keystore)) throw new PlainSentenceError('Write the converted keystore to a new file; the original stays as it is.');
        if (fs.existsSync(out)) {
          if (!inv.interactive) throw new PlainSentenceError(`${out} exists already; nothing was written.`);
          await confirm(inv, `${path.basename(out)} exists. Replace it?`, 'Replace');
        }
        const previous = await statSnapshot(out);
        const converted = await withProgress(`Converting to ${type}…`, async () => {
          const result = await convert(loaded.store, type, { storePassword: password }).catch(async (err) => {
            if (!(err instanceof WrongKeyPasswordError) || !inv.interactive) throw err;
            const kp = await askText(`Key password of "${err.alias}"`, undefined, { password: true });
            if (kp === undefined) throw new Cancelled();
            return convert(loaded.store, type, { storePassword: password, keyPasswords: { [err.alias]: kp } });
          });
          await onStore(out, () => saveStore(out, result, password, previous));
          return result;
        });
        deps.model.notifyWritten([out]);
        deps.log.info(`Converted ${keystore} (${loaded.store.format}) to ${out} (${type}), ${converted.entries.length} entries.`);
        if (inv.interactive) void vscode.window.showInformationMessage(`Wrote ${path.basename(out)} (${type}); point file_name and type at it to use it.`);
        return { out, type };
      }),
    ),
  );
}
