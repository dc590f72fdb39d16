/**
 * The engine's AssistContext (what completion and hover read from the workspace) for a document,
 * with the extension's options: the shared keystore cache, the passwords the user typed, and
 * workspace trust (untrusted: nothing is read outside the folder, and no store is opened at all).
 */
import * as vscode from 'vscode';
import type { AssistContext } from '../core/config/assist';
import type { TomlDocument } from '../core/config/toml';
import type { MiWorkspace } from '../core/workspace/discover';
import { createAssistContext } from '../core/workspace/assistContext';
import type { Deps } from './deps';

/** An AssistContext that reads nothing (untrusted workspace). */
const EMPTY: AssistContext = {
  keystoreFiles: async () => [],
  storeForTable: async () => undefined,
};

/** The AssistContext of `doc` in `ws`. */
export async function assistContextFor(deps: Deps, ws: MiWorkspace, doc: TomlDocument): Promise<AssistContext> {
  if (!deps.model.trusted) return EMPTY;
  const storePasswords: Record<string, string> = {};
  for (const s of deps.passwords.hasAny() ? ((await deps.model.effective(ws, doc))?.stores ?? []) : []) {
    if (!s.path || s.password?.value !== undefined) continue;
    const remembered = await deps.passwords.get(s.path);
    if (remembered !== undefined) storePasswords[s.path] = remembered;
  }
  return createAssistContext(ws, doc, {
    cache: deps.model.cache,
    storePasswords,
    env: {},
    workspaceFolder: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(ws.deploymentToml))?.uri.fsPath,
  });
}
