/**
 * The items of the Keystores view as plain data, shared by the tree (which renders them) and the
 * commands (which receive them as their argument when run from a tree menu).
 */
import type { Entry, KeystoreFormat } from '../core/keystore';
import type { MiWorkspace } from '../core/workspace/discover';

/** The roles a store can play in MI, plus `unused` for a store file nothing configures. */
export type StoreRole = 'primary' | 'internal' | 'truststore' | 'unused';

/** An MI runtime home or integration project. */
export interface WorkspaceNode {
  readonly nodeKind: 'workspace';
  readonly workspace: MiWorkspace;
}

/** A keystore file, configured by one or more roles (or by none). */
export interface KeystoreNode {
  readonly nodeKind: 'keystore';
  readonly workspace: MiWorkspace;
  /** Absolute path of the store file. */
  readonly file: string;
  readonly roles: readonly StoreRole[];
  /** The format read from the file's bytes, null when unreadable or missing. */
  readonly format: KeystoreFormat | null;
  readonly exists: boolean;
}

/** One entry of a keystore. */
export interface EntryNode {
  readonly nodeKind: 'entry';
  readonly keystore: KeystoreNode;
  readonly entry: Entry;
}

/** One certificate of an entry's chain (index 0 = the leaf). */
export interface CertificateNode {
  readonly nodeKind: 'certificate';
  readonly parent: EntryNode;
  readonly index: number;
  readonly der: Uint8Array;
}

/** A `label: value` line under a certificate. */
export interface DetailNode {
  readonly nodeKind: 'detail';
  readonly label: string;
  readonly value: string;
}

/** A message row (a store that cannot be opened, no password yet…). */
export interface MessageNode {
  readonly nodeKind: 'message';
  readonly text: string;
  readonly keystore?: KeystoreNode;
}

/** Any item of the Keystores view. */
export type TreeNode = WorkspaceNode | KeystoreNode | EntryNode | CertificateNode | DetailNode | MessageNode;

/** True for an object that is one of our tree items (so a command knows it was run from the tree). */
export function isTreeNode(x: unknown): x is TreeNode {
  return typeof x === 'object' && x !== null && typeof (x as { nodeKind?: unknown }).nodeKind === 'string';
}

/** The keystore file and alias a tree item stands for, when it stands for one. */
export function targetOf(node: TreeNode): { workspace?: MiWorkspace; keystore?: string; alias?: string } {
  switch (node.nodeKind) {
    case 'workspace':
      return { workspace: node.workspace };
    case 'keystore':
      return { workspace: node.workspace, keystore: node.file };
    case 'entry':
      return { workspace: node.keystore.workspace, keystore: node.keystore.file, alias: node.entry.alias };
    case 'certificate':
      return { workspace: node.parent.keystore.workspace, keystore: node.parent.keystore.file, alias: node.parent.entry.alias };
    case 'message':
      return node.keystore ? { workspace: node.keystore.workspace, keystore: node.keystore.file } : {};
    default:
      return {};
  }
}
