/** The command that opens a keystore (a tree item, an explorer file, a path, else a file dialog) in the keystore editor. */
import * as vscode from 'vscode';
import { COMMANDS, CUSTOM_EDITORS } from '../ids';
import { isTreeNode, targetOf, type TreeNode } from '../treeNodes';

/** Registers openKeystoreEditor. */
export function register(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.openKeystoreEditor, async (arg?: unknown) => {
      const file = arg instanceof vscode.Uri ? arg.fsPath : isTreeNode(arg) ? targetOf(arg as TreeNode).keystore : typeof arg === 'string' ? arg : undefined;
      const target = file ?? (await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Open Keystore', filters: { Keystores: ['jks', 'p12', 'pfx', 'jceks', 'keystore', 'truststore'], 'All files': ['*'] } }))?.[0]?.fsPath;
      if (!target) return;
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(target), CUSTOM_EDITORS.keystoreAnyFile);
    }),
  );
}
