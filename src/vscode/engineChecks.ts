/**
 * The one call from the extension into the engine's checks, with the options the extension owns:
 * the editor's unsaved text, the expiry setting, the passwords the user typed (from SecretStorage),
 * and the shared keystore cache.
 */
import * as vscode from 'vscode';
import { parseOptionsOf } from '../core/config/parse';
import type { TomlDocument } from '../core/config/toml';
import type { Problem } from '../core/problem';
import type { MiWorkspace } from '../core/workspace/discover';
import type { Deps } from './deps';

/** How long one check of a workspace may take before it is stopped and reported as not checked. */
export const CHECK_TIMEOUT_SECONDS = 60;

/** Checks of the text alone, for an untrusted workspace (no other file is read), on the worker thread. */
export function checkTextProblems(deps: Deps, ws: MiWorkspace, doc: TomlDocument): Promise<Problem[]> {
  return deps.model.engine.request<Problem[]>({ op: 'check', file: doc.file, text: doc.text, parse: parseOptionsOf(doc), workspace: ws, trusted: false, options: { env: {} } }, CHECK_TIMEOUT_SECONDS);
}

/** Options the extension passes from its settings. */
export interface CheckSettings {
  readonly expiryWarningDays: number;
}

/** Every problem of a workspace: its deployment.toml as the editor holds it plus the files it points at. */
export async function checkWorkspaceProblems(deps: Deps, ws: MiWorkspace, doc: TomlDocument, settings: CheckSettings): Promise<Problem[]> {
  const storePasswords: Record<string, string> = {};
  // Only stores whose password the user typed need a lookup; most workspaces have none.
  const config = deps.passwords.hasAny() ? await deps.model.effective(ws, doc) : undefined;
  for (const s of config?.stores ?? []) {
    if (!s.path || s.password?.value !== undefined || storePasswords[s.path] !== undefined) continue;
    const remembered = await deps.passwords.get(s.path);
    if (remembered !== undefined) storePasswords[s.path] = remembered;
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(ws.deploymentToml))?.uri.fsPath;
  // On the worker thread: the checks of a huge or hostile file take its time, not the extension host's.
  return deps.model.engine.request<Problem[]>(
    {
      op: 'check',
      file: doc.file,
      text: doc.text,
      parse: parseOptionsOf(doc),
      workspace: ws,
      trusted: true,
      options: {
        expiryDays: settings.expiryWarningDays,
        storePasswords,
        readOutside: true,
        workspaceFolder: folder,
        // The extension host's environment is VS Code's, not the one MI will start with.
        env: {},
        // The editor offers the vault's quick fixes, so it asks the engine to attach them.
        vaultFixes: true,
      },
    },
    CHECK_TIMEOUT_SECONDS,
  );
}
