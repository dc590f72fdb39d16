/**
 * The Keystores view: MI workspace → keystore (role badges, format, entry count, problem count) →
 * entry (alias, key or certificate icon, expiry as description and colour) → certificate chain →
 * details. Items carry a `contextValue` per kind for the inline and context menus.
 */
import { extensionOf, treeExtensions, type ExtensionNode } from './treeExtensions';
import { escapeMarkdown } from '../core/config/assist';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CertificateInfo, Entry } from '../core/keystore';
import { certificatesOf, describeCertificate } from '../core/keystore';
import type { Deps } from './deps';
import type { DiagnosticsFeature } from './diagnostics';
import { COMMANDS, CONTEXT_VALUES, SETTINGS, VIEWS } from './ids';
import type { CertificateNode, DetailNode, EntryNode, KeystoreNode, MessageNode, TreeNode, WorkspaceNode } from './treeNodes';
import { toRange } from './convert';
import { commonName, daysUntil, expiryPhrase } from './support/certificateText';

/** describeCertificate that returns undefined instead of throwing on a certificate the engine cannot read. */
function describe(der: Uint8Array | undefined): CertificateInfo | undefined {
  if (!der) return undefined;
  try {
    return describeCertificate(der);
  } catch {
    return undefined;
  }
}

/** Supplies the Keystores view. */
export class KeystoresTree implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly deps: Deps,
    private readonly diagnostics: DiagnosticsFeature,
  ) {}

  /** Re-reads everything. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const all = await this.deps.model.workspaces();
      return all.map((workspace): WorkspaceNode => ({ nodeKind: 'workspace', workspace }));
    }
    const ext = extensionOf(node);
    if (ext) return (await ext.getChildren(node as unknown as ExtensionNode)) as unknown as TreeNode[];
    switch (node.nodeKind) {
      case 'workspace':
        return [...(await this.storesOf(node)), ...(treeExtensions.flatMap((e) => e.childrenOfWorkspace(node.workspace)) as unknown as TreeNode[])];
      case 'keystore':
        return this.entriesOf(node);
      case 'entry':
        return this.chainOf(node);
      case 'certificate':
        return this.detailsOf(node);
      default:
        return [];
    }
  }

  private async storesOf(node: WorkspaceNode): Promise<TreeNode[]> {
    const stores = await this.deps.model.storesOf(node.workspace);
    return Promise.all(
      stores.map(async (s): Promise<KeystoreNode> => {
        const sniff = this.deps.model.trusted ? await this.deps.model.cache.sniff(s.file) : undefined;
        const roles = s.roles.length ? s.roles : (['unused'] as const);
        return {
          nodeKind: 'keystore',
          workspace: node.workspace,
          file: s.file,
          roles: [...roles],
          format: sniff?.ok ? sniff.format : null,
          exists: sniff ? sniff.ok || sniff.kind !== 'not-found' : true,
        };
      }),
    );
  }

  private async entriesOf(node: KeystoreNode): Promise<TreeNode[]> {
    if (!node.exists) return [{ nodeKind: 'message', text: 'The file does not exist.', keystore: node }];
    const read = await this.deps.model.readStore(node.file);
    if (!read.ok) return [{ nodeKind: 'message', text: read.kind === 'needs-password' ? 'Enter the password to list the entries…' : read.message, keystore: node }];
    // Key pairs first (the alias MI is configured with is one of them), then the rest in the store's order, so a
    // newly imported certificate is last: WSO2's default stores hold ~145 CA certificates that would bury the key.
    const rank = (e: Entry) => (e.kind === 'private-key' ? 0 : e.kind === 'secret-key' ? 1 : 2);
    const entries = [...read.store.entries].sort((a, b) => rank(a) - rank(b));
    return entries.map((entry): EntryNode => ({ nodeKind: 'entry', keystore: node, entry }));
  }

  private chainOf(node: EntryNode): TreeNode[] {
    return certificatesOf(node.entry).map((der, index): CertificateNode => ({ nodeKind: 'certificate', parent: node, index, der }));
  }

  private detailsOf(node: CertificateNode): TreeNode[] {
    const info = describe(node.der);
    if (!info) return [{ nodeKind: 'message', text: 'This certificate cannot be read.' }];
    const rows: [string, string][] = [
      ['Subject', info.subject],
      ['Issuer', info.issuer],
      ['Serial number', info.serialNumber],
      ['Valid from', info.notBefore],
      ['Valid until', info.notAfter],
      ['SHA-256', info.sha256],
      ['SHA-1', info.sha1],
      ['Public key', `${info.publicKeyAlgorithm}${info.publicKeySize ? ` ${info.publicKeySize}` : ''}`],
      ['Signature', info.signatureAlgorithm],
    ];
    if (info.subjectAltNames.length) rows.push(['Alternative names', info.subjectAltNames.join(', ')]);
    return rows.map(([label, value]): DetailNode => ({ nodeKind: 'detail', label, value }));
  }

  /**
   * Problems about a store: those inside a table that points at it, or on the line a value it inherits
   * is written on (the anchors the engine put them on).
   */
  private async problemCount(node: KeystoreNode): Promise<number> {
    const problems = this.diagnostics.problems.get(node.workspace.deploymentToml);
    if (problems.length === 0) return 0;
    const config = await this.deps.model.effective(node.workspace);
    const ranges = (config?.stores ?? [])
      .filter((s) => s.path === node.file)
      .flatMap((s) => [s.tableNode?.range, s.file.anchor, s.password?.anchor, s.alias?.anchor, s.keyPassword?.anchor, s.type?.anchor])
      .filter((r): r is NonNullable<typeof r> => r !== undefined && r !== null)
      .map(toRange);
    return problems.filter((p) => ranges.some((r) => r.contains(toRange(p.range)))).length;
  }

  async getTreeItem(node: TreeNode): Promise<vscode.TreeItem> {
    const ext = extensionOf(node);
    if (ext) return ext.getTreeItem(node as unknown as ExtensionNode);
    switch (node.nodeKind) {
      case 'workspace': {
        const item = new vscode.TreeItem(path.basename(node.workspace.root), vscode.TreeItemCollapsibleState.Expanded);
        item.description = node.workspace.kind === 'project' ? 'integration project' : 'MI home';
        item.tooltip = node.workspace.root;
        item.iconPath = new vscode.ThemeIcon(node.workspace.kind === 'project' ? 'project' : 'server');
        item.contextValue = CONTEXT_VALUES.workspace;
        item.id = `ws:${node.workspace.deploymentToml}`;
        return item;
      }
      case 'keystore':
        return this.keystoreItem(node);
      case 'entry':
        return this.entryItem(node);
      case 'certificate': {
        const info = describe(node.der);
        const item = new vscode.TreeItem(info ? commonName(info.subject) : `certificate ${node.index + 1}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = info ? `${node.index === 0 ? 'leaf' : info.selfSigned ? 'root' : 'CA'} · ${expiryPhrase(daysUntil(info.notAfter))}` : undefined;
        item.tooltip = info ? `${info.subject}\nissued by ${info.issuer}\nSHA-256 ${info.sha256}` : undefined;
        item.iconPath = new vscode.ThemeIcon('symbol-file');
        item.contextValue = CONTEXT_VALUES.certificate;
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.value;
        item.tooltip = `${node.label}: ${node.value}`;
        item.contextValue = CONTEXT_VALUES.detail;
        return item;
      }
      default:
        return this.messageItem(node);
    }
  }

  private messageItem(node: MessageNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.text);
    item.iconPath = new vscode.ThemeIcon('info');
    if (node.keystore && node.text.startsWith('Enter the password')) {
      item.iconPath = new vscode.ThemeIcon('lock');
      item.command = { title: 'Enter password', command: COMMANDS.refresh, arguments: [{ unlock: node.keystore.file }] };
    }
    return item;
  }

  private async keystoreItem(node: KeystoreNode): Promise<vscode.TreeItem> {
    const item = new vscode.TreeItem(path.basename(node.file), vscode.TreeItemCollapsibleState.Collapsed);
    const read = node.exists ? await this.deps.model.readStore(node.file) : undefined;
    const count = read?.ok ? `${read.store.entries.length} entr${read.store.entries.length === 1 ? 'y' : 'ies'}` : undefined;
    const problems = await this.problemCount(node);
    item.description = [node.roles.join(' · '), node.exists ? (node.format ?? 'unknown format') : 'missing', count, problems ? `${problems} problem${problems === 1 ? '' : 's'}` : undefined]
      .filter(Boolean)
      .join(' — ');
    item.tooltip = new vscode.MarkdownString(
      `**${escapeMarkdown(path.basename(node.file))}**\n\n${escapeMarkdown(node.file)}\n\nRoles: ${node.roles.join(', ')}${node.format ? `\n\nFormat: ${node.format}` : ''}`,
    );
    item.iconPath = new vscode.ThemeIcon(node.exists ? 'database' : 'warning', problems ? new vscode.ThemeColor('list.warningForeground') : undefined);
    item.resourceUri = vscode.Uri.file(node.file);
    item.contextValue = node.exists ? CONTEXT_VALUES.keystore : CONTEXT_VALUES.keystoreMissing;
    item.id = `ks:${node.workspace.deploymentToml}:${node.file}`;
    return item;
  }

  private entryItem(node: EntryNode): vscode.TreeItem {
    const e = node.entry;
    const info = describe(certificatesOf(e)[0]);
    const item = new vscode.TreeItem(e.alias, e.kind === 'secret-key' ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
    const warnDays = vscode.workspace.getConfiguration(SETTINGS.section).get<number>(SETTINGS.expiryWarningDays, 30);
    const days = info ? daysUntil(info.notAfter) : undefined;
    const colour =
      days === undefined ? undefined : days < 0 ? new vscode.ThemeColor('list.errorForeground') : days <= warnDays ? new vscode.ThemeColor('list.warningForeground') : undefined;
    item.iconPath = new vscode.ThemeIcon(e.kind === 'private-key' ? 'key' : e.kind === 'trusted-cert' ? 'verified' : 'lock', colour);
    item.description = days === undefined ? (e.kind === 'secret-key' ? 'secret key' : undefined) : `${expiryPhrase(days)} · ${commonName(info!.subject)}`;
    item.tooltip = info
      ? new vscode.MarkdownString(`**${escapeMarkdown(e.alias)}** (${e.kind === 'private-key' ? 'key pair' : 'trusted certificate'})\n\n${escapeMarkdown(info.subject)}\n\nIssuer: ${escapeMarkdown(info.issuer)}\n\nValid until ${escapeMarkdown(info.notAfter)}\n\nSHA-256 \`${info.sha256}\``)
      : e.alias;
    item.contextValue = e.kind === 'private-key' ? CONTEXT_VALUES.keyEntry : e.kind === 'trusted-cert' ? CONTEXT_VALUES.certEntry : CONTEXT_VALUES.secretEntry;
    item.id = `en:${node.keystore.file}:${e.alias}`;
    return item;
  }

  getParent(): undefined {
    return undefined;
  }
}

/** Registers the view; it reloads when the model, the diagnostics or a tree extension changes. */
export function register(context: vscode.ExtensionContext, deps: Deps, diagnostics: DiagnosticsFeature): KeystoresTree {
  const tree = new KeystoresTree(deps, diagnostics);
  const view = vscode.window.createTreeView(VIEWS.keystores, { treeDataProvider: tree, showCollapseAll: true });
  let pending: NodeJS.Timeout | undefined;
  const soon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => tree.refresh(), 100);
  };
  context.subscriptions.push(
    view,
    ...treeExtensions.map((e) => e.onDidChange(() => tree.refresh())),
    deps.model.onDidChange(soon),
    diagnostics.onDidUpdate(soon),
    { dispose: () => clearTimeout(pending) },
  );
  return tree;
}
