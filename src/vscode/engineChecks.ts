/**
 * The one call from the extension into the engine's checks, with the options the extension owns:
 * the editor's unsaved text, the expiry setting, the passwords the user typed (from SecretStorage),
 * and the shared keystore cache.
 */
import * as vscode from 'vscode';
import { checkWorkspace } from '../core/checks/index';
import type { TomlDocument } from '../core/config/toml';
import type { Problem } from '../core/problem';
import type { MiWorkspace } from '../core/workspace/discover';
import type { Deps } from './deps';

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
  return checkWorkspace(ws, {
    document: doc,
    expiryDays: settings.expiryWarningDays,
    storePasswords,
    cache: deps.model.cache,
    readOutside: true,
    workspaceFolder: folder,
    // The extension host's environment is VS Code's, not the one MI will start with.
    env: {},
  });
}
