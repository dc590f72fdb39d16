/**
 * Extra node kinds of the Keystores view, each from its own module: a feature adds children under every
 * workspace node and renders its own nodes, without the tree knowing it.
 */
import type * as vscode from 'vscode';
import type { MiWorkspace } from '../core/workspace/discover';

/** A node owned by a tree extension. */
export interface ExtensionNode {
  readonly nodeKind: string;
  readonly owner: string;
}

/** One feature's part of the Keystores view. */
export interface TreeExtension {
  readonly id: string;
  /** Nodes appended under a workspace node. */
  childrenOfWorkspace(workspace: MiWorkspace): ExtensionNode[];
  getChildren(node: ExtensionNode): Promise<ExtensionNode[]>;
  getTreeItem(node: ExtensionNode): vscode.TreeItem | Promise<vscode.TreeItem>;
  /** Fires when the feature's nodes changed. */
  readonly onDidChange: vscode.Event<void>;
}

/** The registered extensions, in registration order. */
export const treeExtensions: TreeExtension[] = [];

/** The extension that owns `node`, when one does. */
export function extensionOf(node: unknown): TreeExtension | undefined {
  const owner = (node as Partial<ExtensionNode> | undefined)?.owner;
  return owner === undefined ? undefined : treeExtensions.find((e) => e.id === owner);
}
