/** The prompts commands share: text, a pick, a confirmation, a keystore, an alias, a new password's check. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Keystore, KeystoreFormat } from '../../core/keystore';
import { checkNewPassword } from '../../core/keystore';
import type { Deps } from '../deps';
import { WrongKeyPasswordError } from '../../core/keystore';
import { Cancelled, MissingOptionError, need, type Invocation } from './invocation';

/** An input box that resolves to undefined on cancel (a thin wrapper for readability). */
export function askText(title: string, value?: string, options: Partial<vscode.InputBoxOptions> = {}): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, value, ignoreFocusOut: true, ...options });
}

/** A quick pick of plain strings. */
export function askPick(title: string, items: readonly string[], placeHolder?: string): Thenable<string | undefined> {
  return vscode.window.showQuickPick([...items], { title, placeHolder, ignoreFocusOut: true });
}

/** Asks to confirm a destructive step when interactive; scripted calls are taken as confirmed. */
export async function confirm(inv: Invocation<object>, message: string, action: string): Promise<void> {
  if (!inv.interactive) return;
  const answer = await vscode.window.showWarningMessage(message, { modal: true }, action);
  if (answer !== action) throw new Cancelled();
}

/** A keystore file: the option, the tree item's, else a pick among the workspace's stores or a file dialog. */
export async function pickKeystore(deps: Deps, inv: Invocation<object>, given: string | undefined, title: string): Promise<string> {
  if (given !== undefined) return path.resolve(given);
  if (inv.keystore) return inv.keystore;
  if (!inv.interactive) throw new MissingOptionError('keystore');
  const known = await deps.model.knownKeystores();
  const browse = '$(folder-opened) Browse…';
  const items: vscode.QuickPickItem[] = [
    ...known.map((k) => ({ label: path.basename(k.file), description: k.roles.join(', '), detail: k.file })),
    { label: browse },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Choose a keystore', ignoreFocusOut: true });
  if (!picked) throw new Cancelled();
  if (picked.label !== browse) return picked.detail as string;
  const uris = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    filters: { Keystores: ['jks', 'p12', 'pfx', 'jceks', 'keystore'], 'All files': ['*'] },
  });
  if (!uris || uris.length === 0) throw new Cancelled();
  return uris[0].fsPath;
}

/** An alias of `store`: the option, the tree item's, else a pick (optionally only key entries). */
export async function pickAlias(inv: Invocation<object>, given: string | undefined, store: Keystore, onlyKeys = false): Promise<string> {
  if (given !== undefined) return given;
  if (inv.alias) return inv.alias;
  if (!inv.interactive) throw new MissingOptionError('alias');
  const entries = store.entries.filter((e) => !onlyKeys || e.kind === 'private-key');
  const picked = await vscode.window.showQuickPick(
    entries.map((e) => ({ label: e.alias, description: e.kind === 'private-key' ? 'key pair' : e.kind === 'trusted-cert' ? 'certificate' : 'secret key' })),
    { title: 'Alias', placeHolder: onlyKeys ? 'Choose a key entry' : 'Choose an entry', ignoreFocusOut: true },
  );
  if (!picked) throw new Cancelled();
  return picked.label;
}

/** An input-box validator that says why keytool would refuse a new password for `format` (undefined when it is fine). */
export function newPasswordProblem(format: KeystoreFormat): (value: string) => string | undefined {
  return (value) => {
    try {
      checkNewPassword(format, value);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
}

/** Runs `fn` with the key password: the given one, else the store password, else (interactive) asks. */
export async function withKeyPassword<T>(inv: Invocation<object>, alias: string, given: string | undefined, storePassword: string, fn: (keyPassword: string) => Promise<T>): Promise<T> {
  try {
    return await fn(given ?? storePassword);
  } catch (err) {
    if (!(err instanceof WrongKeyPasswordError) || given !== undefined || !inv.interactive) throw err;
    const typed = await askText(`Key password of "${alias}"`, undefined, { password: true, prompt: 'The key password differs from the store password.' });
    if (typed === undefined) throw new Cancelled();
    return fn(typed);
  }
}

/** A path to write to: the option, else a save dialog next to the store. */
export async function pickOut(inv: Invocation<object>, given: string | undefined, suggested: string, filters: Record<string, string[]>): Promise<string> {
  return path.resolve(
    await need(inv, 'out', given, async () => (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(suggested), filters }))?.fsPath),
  );
}
