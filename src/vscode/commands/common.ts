/**
 * What every command shares: telling a scripted call (one options object, no prompts) from an
 * interactive one, asking for what is missing, opening a store with the right password, progress for
 * slow work, and turning errors into one sentence for a person with the details in the log.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FileChangedError, KeystoreError, WrongPasswordError } from '../../core/keystore';
import type { Keystore, KeystoreFormat } from '../../core/keystore';
import { checkNewPassword } from '../../core/keystore';
import { withKeystoreLock, type FileSnapshot } from '../../core/io/safeFileWrite';
import { loadKeystore, saveKeystore, type LoadedKeystore } from '../../core/io/keystoreStore';
import type { MiWorkspace } from '../../core/workspace/discover';
import { RotationRefusedError } from '../../core/secrets/encryptPlan';
import { InternalKeyUnavailableError } from '../../core/secrets/rotate';
import type { Deps } from '../deps';
import { isTreeNode, targetOf, type TreeNode } from '../treeNodes';

/** Thrown when the person cancels a prompt: the command stops without a message. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled.');
  }
}

/** A scripted call left out an option the command cannot do without. */
export class MissingOptionError extends Error {
  constructor(readonly option: string) {
    super(`The option "${option}" is required when the command is run with an options object.`);
  }
}

/** How a command was invoked: with an options object (scripted) or from the palette / a tree menu. */
export interface Invocation<O> {
  /** The options object, or an empty object when interactive. */
  readonly options: Partial<O>;
  /** False when an options object was given: nothing may prompt. */
  readonly interactive: boolean;
  /** What a tree item pre-selects. */
  readonly workspace?: MiWorkspace;
  readonly keystore?: string;
  readonly alias?: string;
}

/** The argument `runFixAction` passes: options known in advance, but the person is still asked for the rest. */
export interface Prefill {
  readonly prefill: Readonly<Record<string, unknown>>;
}

function isPrefill(arg: unknown): arg is Prefill {
  return typeof arg === 'object' && arg !== null && typeof (arg as Prefill).prefill === 'object' && Object.keys(arg).length === 1;
}

/** Reads a command's argument: an options object, a tree item, a Uri (explorer) or nothing. */
export function invocation<O extends object>(arg: unknown): Invocation<O> {
  // A quick fix's action: what the engine knows is filled in, the rest is asked.
  if (isPrefill(arg)) {
    const p = arg.prefill as Partial<O> & { keystore?: string; alias?: string };
    return { options: p, interactive: true, keystore: p.keystore, alias: p.alias };
  }
  if (isTreeNode(arg)) return { options: {}, interactive: true, ...targetOf(arg as TreeNode) };
  if (arg instanceof vscode.Uri) return { options: {}, interactive: true, keystore: arg.fsPath };
  if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) return { options: arg as Partial<O>, interactive: false };
  return { options: {}, interactive: true };
}

/** The value of an option, else the answer to `ask` when interactive, else MissingOptionError. */
export async function need<T>(inv: Invocation<object>, name: string, given: T | undefined, ask: () => Thenable<T | undefined>): Promise<T> {
  if (given !== undefined) return given;
  if (!inv.interactive) throw new MissingOptionError(name);
  const answer = await ask();
  if (answer === undefined) throw new Cancelled();
  return answer;
}

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

/** Test-only hooks the integration suite sets through the extension's API; empty in normal use. */
export const testHooks: {
  beforeKeystoreWrite?: (file: string) => Promise<void> | void;
  /** Sees every message between a keystore editor and its webview (`toWebview` false: from the webview). */
  keystoreEditorMessage?: (file: string, message: unknown, toWebview: boolean) => void;
} = {};

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

/** Runs `work`, showing a progress notification only when it takes longer than ~300 ms. */
export async function withProgress<T>(title: string, work: () => Promise<T>): Promise<T> {
  const running = work();
  let finished = false;
  void running.then(
    () => (finished = true),
    () => (finished = true),
  );
  const timer = setTimeout(() => {
    if (finished) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, () =>
      running.catch(() => undefined),
    );
  }, 300);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
  }
}

/** Errors whose message is already one sentence for a person, without a password. */
function hasSentence(err: unknown): err is Error {
  return err instanceof KeystoreError || err instanceof MissingOptionError || err instanceof RotationRefusedError || err instanceof InternalKeyUnavailableError;
}

/** One sentence for a person from any error (engine errors carry one already). */
export function sentenceFor(err: unknown, what: string): string {
  if (err instanceof FileChangedError) {
    return `${path.basename(err.file)} changed on disk while this ran, so nothing was written and the view now shows the file as it is.`;
  }
  if (hasSentence(err)) return err.message;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `${what} failed: a file does not exist.`;
  if (code === 'EACCES' || code === 'EPERM') return `${what} failed: permission denied.`;
  return `${what} failed; the MI Keystores log has the details.`;
}

/** Refuses work that reads keystores or writes files in an untrusted workspace. */
export function requireTrust(deps: Deps, what: string): void {
  if (!deps.model.trusted) throw new KeystoreError(`${what} is disabled in an untrusted workspace; trust the workspace to use it.`);
}

/**
 * Wraps a command body: scripted calls get the result or the error (for scripts and tests); interactive
 * calls get errors as one sentence, details in the log; cancelling is silent.
 */
export function command<O extends object, R>(
  deps: Deps,
  what: string,
  body: (inv: Invocation<O>) => Promise<R>,
): (arg?: unknown) => Promise<R | undefined> {
  return async (arg?: unknown) => {
    const inv = invocation<O>(arg);
    try {
      return await body(inv);
    } catch (err) {
      if (err instanceof Cancelled) return undefined;
      deps.log.error(`${what} failed.`, err);
      // Someone else changed the file: show what is on disk now rather than the version this command read.
      if (err instanceof FileChangedError) deps.model.notifyWritten([err.file]);
      if (!inv.interactive) throw hasSentence(err) ? err : new Error(sentenceFor(err, what));
      void vscode.window.showErrorMessage(sentenceFor(err, what), 'Show Log').then((a) => a && deps.log.show());
      return undefined;
    }
  };
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
