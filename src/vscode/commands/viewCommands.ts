/**
 * The Keystores view's own commands: reload (optionally unlocking one store first), forget the
 * remembered passwords, show the log, and reveal the deployment.toml line that configures a store.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toRange } from '../convert';
import type { Deps } from '../deps';
import { COMMANDS } from '../ids';
import type { TreeNode } from '../treeNodes';

/** What the view commands reload: the Keystores view. */
export interface Refreshable {
  refresh(): void;
}

/** Opens the deployment.toml of a store's workspace at the line that configures it. */
async function revealStore(deps: Deps, file: string, workspaceToml?: string): Promise<boolean> {
  for (const ws of await deps.model.workspaces()) {
    if (workspaceToml && ws.deploymentToml !== workspaceToml) continue;
    const config = await deps.model.effective(ws);
    const store = config?.stores.find((s) => s.path === path.resolve(file) && s.file.origin.kind === 'line') ?? config?.stores.find((s) => s.path === path.resolve(file));
    if (!store) continue;
    const range = store.file.origin.kind === 'line' ? store.file.origin.range : (store.tableNode?.headerRange ?? store.file.anchor);
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(ws.deploymentToml), { preview: false });
    editor.selection = new vscode.Selection(toRange(range).start, toRange(range).end);
    editor.revealRange(toRange(range), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  }
  return false;
}

/** Registers refresh, forgetPasswords, showLog and revealInDeploymentToml. */
export function register(context: vscode.ExtensionContext, deps: Deps, view: Refreshable): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.refresh, async (arg?: { unlock?: string }) => {
      if (arg?.unlock && deps.model.trusted) {
        const pw = await deps.passwords.prompt(arg.unlock);
        if (pw === undefined) return;
        const read = await deps.model.cache.read(arg.unlock, pw);
        if (!read.ok) {
          void vscode.window.showErrorMessage(read.message);
          return;
        }
        await deps.passwords.set(arg.unlock, pw);
      }
      deps.model.refresh();
      view.refresh();
    }),
    vscode.commands.registerCommand(COMMANDS.forgetPasswords, async () => {
      const n = await deps.passwords.clear();
      deps.log.info(`Forgot the remembered passwords of ${n} keystore(s).`);
      view.refresh();
      return { forgotten: n };
    }),
    vscode.commands.registerCommand(COMMANDS.showLog, () => deps.log.show()),
    vscode.commands.registerCommand(COMMANDS.revealInDeploymentToml, async (arg?: TreeNode | { keystore?: string }) => {
      let file: string | undefined;
      let toml: string | undefined;
      if (arg && 'nodeKind' in arg && arg.nodeKind === 'keystore') {
        file = arg.file;
        toml = arg.workspace.deploymentToml;
      } else if (arg && 'keystore' in arg && typeof arg.keystore === 'string') file = arg.keystore;
      else {
        const known = (await deps.model.knownKeystores()).filter((k) => k.stores.length > 0);
        const picked = await vscode.window.showQuickPick(
          known.map((k) => ({ label: path.basename(k.file), description: k.roles.join(', '), detail: k.file })),
          { title: 'Reveal the configuration of' },
        );
        file = picked?.detail;
      }
      if (!file) return false;
      const found = await revealStore(deps, file, toml);
      if (!found) void vscode.window.showInformationMessage(`No deployment.toml table points at ${path.basename(file)}.`);
      return found;
    }),
  );
}
