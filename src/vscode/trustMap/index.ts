/**
 * The trust map in the editor: a Connections node per workspace in the Keystores view, diagnostics on
 * the URLs of artifacts whose connection would fail, a "Test TLS" CodeLens above each HTTPS URL, the
 * quick fixes (their commands are in src/vscode/commands/trustMapCommands.ts and trustFixCommands.ts).
 * Servers are contacted only on an explicit action, and nothing runs in an untrusted workspace.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findSynapseUrls } from '../../core/artifacts/synapseUrls';
import type { MiWorkspace } from '../../core/workspace/discover';
import { serverKey, type Connection } from '../../core/tls/trustMap';
import { FAILING_VERDICTS, type Verdict } from '../../core/tls/verdict';
import { problemDocUrl } from '../../core/problem';
import { timedAnswer } from '../answerTimes';
import type { Deps } from '../deps';
import { COMMANDS, DIAGNOSTIC_SOURCE } from '../ids';
import { treeExtensions, type ExtensionNode, type TreeExtension } from '../treeExtensions';
import { trustFixActions } from './fixes';
import { TrustMapService } from './service';

export type { TrustMapService };

const OWNER = 'trustMap';

interface ConnectionsNode extends ExtensionNode {
  readonly nodeKind: 'connections';
  readonly workspace: MiWorkspace;
}
interface ServerNode extends ExtensionNode {
  readonly nodeKind: 'server';
  readonly workspace: MiWorkspace;
  readonly key: string;
  readonly connections: readonly Connection[];
}
interface CallerNode extends ExtensionNode {
  readonly nodeKind: 'caller';
  readonly connection: Connection;
}
interface InfoNode extends ExtensionNode {
  readonly nodeKind: 'info';
  readonly text: string;
}
type Node = ConnectionsNode | ServerNode | CallerNode | InfoNode;

const ICONS: Record<Verdict, [string, string | undefined]> = {
  trusted: ['pass', 'testing.iconPassed'],
  untrusted: ['error', 'errorForeground'],
  'chain-incomplete': ['error', 'errorForeground'],
  'hostname-mismatch': ['error', 'errorForeground'],
  expired: ['error', 'errorForeground'],
  'algorithm-disabled': ['error', 'errorForeground'],
  'protocol-mismatch': ['error', 'errorForeground'],
  'client-certificate-required': ['error', 'errorForeground'],
  unreachable: ['debug-disconnect', 'list.warningForeground'],
  'not-checked': ['circle-outline', undefined],
};

function worst(connections: readonly Connection[]): Verdict {
  return connections.find((c) => FAILING_VERDICTS.has(c.verdict))?.verdict ?? connections[0]?.verdict ?? 'not-checked';
}

/** The workspaces a command or lens is about: those containing `hint`, or all. */
export type FindWorkspace = (hint?: string) => Promise<MiWorkspace[]>;

/** The workspaces of the model that contain `hint` (a folder or file), or all of them. */
export function workspaceFinder(deps: Deps): FindWorkspace {
  return async (hint) => {
    const all = await deps.model.workspaces();
    if (!hint) return all;
    const abs = path.resolve(hint);
    return all.filter((w) => w.root === abs || w.deploymentToml === abs || abs.startsWith(w.root + path.sep));
  };
}

/** Shows each failing verdict as a diagnostic on the URL (or keystore line) it is about. */
function publish(service: TrustMapService, diagnostics: vscode.DiagnosticCollection): void {
  diagnostics.clear();
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const map of service.all()) {
    for (const c of map.connections) {
      if (!FAILING_VERDICTS.has(c.verdict) || c.file.includes('!/')) continue;
      // A listener certificate past its end is the checks' certificate-expired already, on the same table, with its
      // renew fix; one not valid yet (also 'expired' here) the checks do not report.
      if (c.direction === 'inbound' && c.verdict === 'expired' && Date.parse(c.chain[0]?.notAfter ?? '') < Date.now()) continue;
      const r = c.range;
      const d = new vscode.Diagnostic(
        new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
        `${c.host}:${c.port}: ${c.message}`,
        // From this machine a backend may be out of reach while MI reaches it: a warning, not an error.
        c.verdict === 'unreachable' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: c.verdict, target: vscode.Uri.parse(problemDocUrl(c.verdict)) };
      const list = byFile.get(c.file) ?? [];
      list.push(d);
      byFile.set(c.file, list);
    }
  }
  for (const [file, list] of byFile) diagnostics.set(vscode.Uri.file(file), list);
}

/** The Connections node of each workspace in the Keystores view, its servers and their callers. */
function connectionsTree(deps: Deps, service: TrustMapService): TreeExtension & { changed: vscode.EventEmitter<void> } {
  return {
    id: OWNER,
    changed: new vscode.EventEmitter<void>(),
    get onDidChange() {
      return this.changed.event;
    },
    childrenOfWorkspace: (workspace) => [{ nodeKind: 'connections', owner: OWNER, workspace } as ConnectionsNode],
    async getChildren(raw) {
      const node = raw as Node;
      if (node.nodeKind === 'connections') {
        if (!deps.model.trusted) return [{ nodeKind: 'info', owner: OWNER, text: 'Trust the workspace to map its TLS connections.' } as InfoNode];
        const map = service.mapOf(node.workspace) ?? (await service.refresh(node.workspace));
        if (!map || map.connections.length === 0) return [{ nodeKind: 'info', owner: OWNER, text: 'No HTTPS connection found in the artifacts.' } as InfoNode];
        const groups = new Map<string, Connection[]>();
        for (const c of map.connections) {
          const key = c.host && c.port ? `${c.direction === 'inbound' ? 'inbound ' : ''}${serverKey(c.host, c.port)}` : c.url;
          groups.set(key, [...(groups.get(key) ?? []), c]);
        }
        return [...groups].map(([key, connections]) => ({ nodeKind: 'server', owner: OWNER, workspace: node.workspace, key, connections }) as ServerNode);
      }
      if (node.nodeKind === 'server') return node.connections.map((connection) => ({ nodeKind: 'caller', owner: OWNER, connection }) as CallerNode);
      return [];
    },
    getTreeItem(raw) {
      const node = raw as Node;
      switch (node.nodeKind) {
        case 'connections': {
          const map = service.mapOf(node.workspace);
          const item = new vscode.TreeItem('Connections', vscode.TreeItemCollapsibleState.Collapsed);
          const failing = map?.connections.filter((c) => FAILING_VERDICTS.has(c.verdict)).length ?? 0;
          item.description = map ? (failing ? `${failing} failing` : `${map.connections.length} checked`) : undefined;
          item.iconPath = new vscode.ThemeIcon('plug');
          item.contextValue = 'tlsConnections';
          item.id = `tls:${node.workspace.deploymentToml}`;
          item.tooltip = 'HTTPS connections of the artifacts and MI\'s own listener. Run "Test TLS Connections" to fetch the servers\' certificates.';
          return item;
        }
        case 'server': {
          const verdict = worst(node.connections);
          const first = node.connections[0];
          const item = new vscode.TreeItem(node.key, vscode.TreeItemCollapsibleState.Collapsed);
          const [icon, colour] = ICONS[verdict];
          item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
          item.description = `${verdict} · ${first.truststore ? path.basename(first.truststore) : ''}`;
          const md = new vscode.MarkdownString(undefined, false);
          md.isTrusted = false;
          md.appendText(`${first.direction === 'inbound' ? 'MI listener' : first.url}\n\n${verdict}: ${first.message}\n\nJudged against ${first.truststore}\n\nCalled by: ${node.connections.map((c) => c.artifact || path.basename(c.file)).join(', ')}`);
          item.tooltip = md;
          item.contextValue = `tlsServer.${verdict}`;
          item.id = `tls:${node.workspace.deploymentToml}:${node.key}`;
          return item;
        }
        case 'caller': {
          const c = node.connection;
          const item = new vscode.TreeItem(c.artifact || path.basename(c.file));
          item.description = `${path.basename(c.file)}:${c.range.start.line + 1}`;
          item.tooltip = c.file;
          if (!c.file.includes('!/')) {
            item.command = {
              title: 'Open',
              command: 'vscode.open',
              arguments: [vscode.Uri.file(c.file), { selection: new vscode.Range(c.range.start.line, c.range.start.character, c.range.end.line, c.range.end.character) }],
            };
          }
          return item;
        }
        default: {
          const item = new vscode.TreeItem(node.text);
          item.iconPath = new vscode.ThemeIcon('info');
          return item;
        }
      }
    },
  };
}

/** A "Test TLS" lens above each HTTPS URL of an artifact, with the verdict once known. */
function testTlsLenses(deps: Deps, service: TrustMapService, findWorkspace: FindWorkspace, changed: vscode.Event<void>): vscode.CodeLensProvider {
  return {
    onDidChangeCodeLenses: changed,
    async provideCodeLenses(doc) {
      // Nothing in an untrusted workspace, and nothing for a huge file.
      if (!deps.model.trusted || doc.getText().length > 2 * 1024 * 1024) return [];
      const [ws] = await findWorkspace(doc.uri.fsPath);
      if (!ws) return [];
      return findSynapseUrls(doc.getText(), () => undefined)
        .filter((u) => u.host && u.port)
        .map((u) => {
          const range = new vscode.Range(u.range.start.line, u.range.start.character, u.range.end.line, u.range.end.character);
          const verdict = service.mapOf(ws)?.connections.find((c) => c.file === doc.uri.fsPath && c.range.start.line === u.range.start.line && c.host === u.host)?.verdict;
          return new vscode.CodeLens(range, {
            title: verdict && verdict !== 'not-checked' ? `Test TLS (${verdict})` : 'Test TLS',
            command: COMMANDS.testConnections,
            arguments: [{ workspace: ws.root, connect: true, only: serverKey(u.host as string, u.port as number) }],
          });
        });
    },
  };
}

/** Registers the feature; call before the Keystores view registers, so its node kind is known. */
export function register(context: vscode.ExtensionContext, deps: Deps): TrustMapService {
  const service = new TrustMapService(deps, context.workspaceState);
  const diagnostics = vscode.languages.createDiagnosticCollection(`${DIAGNOSTIC_SOURCE}-tls`);
  const lensChanged = new vscode.EventEmitter<void>();
  const findWorkspace = workspaceFinder(deps);
  const tree = connectionsTree(deps, service);
  treeExtensions.push(tree);

  service.onDidChange(() => {
    publish(service, diagnostics);
    tree.changed.fire();
    lensChanged.fire();
  });

  const selector: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/*.xml' }];
  context.subscriptions.push(
    service,
    diagnostics,
    lensChanged,
    tree.changed,
    vscode.languages.registerCodeLensProvider(selector, testTlsLenses(deps, service, findWorkspace, lensChanged.event)),
    vscode.languages.registerCodeActionsProvider([...selector, { scheme: 'file', pattern: '**/deployment.toml' }], { provideCodeActions: (doc, _range, ctx) => timedAnswer(() => trustFixActions(service, doc, ctx)) }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
  return service;
}
