/**
 * Store passwords the user typed, kept in VS Code's SecretStorage (the OS keychain) per keystore path,
 * never in settings, logs or files. A plain password in deployment.toml is used as is and never stored.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SETTINGS } from './ids';

const PREFIX = 'miKeystores.password:';
const INDEX_KEY = 'miKeystores.passwordIndex';

/** Access to remembered passwords and the prompt that asks for one. */
export class PasswordStore {
  /** Passwords for this session only, when remembering is off or SecretStorage fails. */
  private readonly session = new Map<string, string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  /**
   * The key of a store: the machine the extension host runs on (remote kind and host name: SecretStorage is
   * shared by every remote and container a window opens, and two of them often hold the same path) and the
   * store's absolute normalized path.
   */
  private key(file: string): string {
    return PREFIX + storeKey(file);
  }

  /** The remembered password of `file`, if any. */
  async get(file: string): Promise<string | undefined> {
    const s = this.session.get(path.resolve(file));
    if (s !== undefined) return s;
    try {
      const found = await this.secrets.get(this.key(file));
      if (found !== undefined || vscode.env.remoteName !== undefined) return found;
      // Remembered before keys named the machine: on the local machine the path alone was unambiguous.
      const old = await this.secrets.get(PREFIX + path.resolve(file));
      if (old !== undefined) await this.set(file, old);
      return old;
    } catch {
      return undefined;
    }
  }

  /** Remembers the password of `file` (in SecretStorage when the setting allows it). */
  async set(file: string, password: string): Promise<void> {
    this.session.set(path.resolve(file), password);
    if (!vscode.workspace.getConfiguration(SETTINGS.section).get<boolean>(SETTINGS.rememberPasswords, true)) return;
    try {
      await this.secrets.store(this.key(file), password);
      const index = new Set(this.state.get<string[]>(INDEX_KEY, []));
      index.add(storeKey(file));
      await this.state.update(INDEX_KEY, [...index]);
    } catch {
      // SecretStorage unavailable (no keychain): the session copy still serves until reload.
    }
  }

  /** True when any password was remembered (lets hot paths skip the per-store lookups). */
  hasAny(): boolean {
    return this.session.size > 0 || this.state.get<string[]>(INDEX_KEY, []).length > 0;
  }

  /** Forgets the password of one store (e.g. after it proved wrong). */
  async delete(file: string): Promise<void> {
    this.session.delete(path.resolve(file));
    try {
      await this.secrets.delete(this.key(file));
      if (vscode.env.remoteName === undefined) await this.secrets.delete(PREFIX + path.resolve(file));
    } catch {
      // Nothing stored.
    }
  }

  /** Forgets every remembered password; returns how many stores were forgotten. */
  async clear(): Promise<number> {
    const index = new Set(this.state.get<string[]>(INDEX_KEY, []));
    for (const f of this.session.keys()) index.add(storeKey(f));
    this.session.clear();
    for (const f of index) {
      try {
        await this.secrets.delete(PREFIX + f);
      } catch {
        // Already gone.
      }
    }
    await this.state.update(INDEX_KEY, []);
    return index.size;
  }

  /** Asks for the password of `file` with a masked input box; undefined when cancelled. */
  async prompt(file: string, reason?: string): Promise<string | undefined> {
    const value = await vscode.window.showInputBox({
      title: `Password of ${path.basename(file)}`,
      prompt: reason ?? `Enter the store password of ${file}. It is kept in VS Code's secret storage.`,
      password: true,
      ignoreFocusOut: true,
    });
    return value === undefined || value === '' ? undefined : value;
  }
}

/** A store's key without the prefix: `<remote kind>@<host>|<absolute path>` (`local@<host>|…` on this machine). */
export function storeKey(file: string): string {
  return `${vscode.env.remoteName ?? 'local'}@${os.hostname()}|${path.resolve(file)}`;
}
