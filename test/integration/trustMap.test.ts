// The trust map in a real VS Code: a project whose endpoint calls an untrusted local TLS server shows the
// diagnostic on the URL, offers "Trust the issuing CA", the fix's command imports the CA into the
// effective truststore (keytool lists it), and re-testing turns the connection trusted.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, backendEndpoint, codeOf, keytool, removeTlsProject, waitForDiagnostics, workspaceDir, type ExtensionApi } from './helpers';
import { makeTestPki, startTlsServer, type TestPki } from '../helpers/tlsPki';
import { tomlFor, writeMiProject } from '../helpers/miProject';

interface TlsJson {
  connections: { file: string; direction: string; verdict: string; host: string; port: number; chain: unknown[] }[];
}

describe('trust map', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let tmp: string;
  let pki: TestPki;
  let project: string;
  let truststore: string;
  let server: { port: number; close: () => Promise<void> };

  before(async () => {
    api = await activate();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-host-'));
    pki = makeTestPki(path.join(tmp, 'pki'));
    // A truststore that trusts only the client CA: the server's chain leads to no anchor.
    truststore = path.join(tmp, 'tls-truststore.jks');
    keytool(['-importcert', '-noprompt', '-alias', 'clientca', '-file', pki.clientCa.cert, '-keystore', truststore, '-storetype', 'JKS', '-storepass', 'trustpass']);
    server = await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true });
    // Named mi-home-* so the other suites' listings ignore it.
    project = path.join(workspaceDir(), 'mi-home-tls-project');
    writeMiProject(project, {
      toml: tomlFor({ truststore, keystore: pki.clientKeystore, keyAlias: 'client' }),
      artifacts: backendEndpoint(server.port),
    });
    await vscode.commands.executeCommand('miKeystores.refresh');
  });

  after(() => removeTlsProject({ project, tmp, server }));

  it('diagnoses the untrusted server, imports its CA through the quick fix command, and re-tests trusted', async () => {
    const endpoint = vscode.Uri.file(path.join(project, 'src', 'main', 'wso2mi', 'artifacts', 'endpoints', 'Backend.xml'));
    const first = await vscode.commands.executeCommand<TlsJson>('miKeystores.testConnections', { workspace: project, connect: true });
    const outbound = first.connections.find((c) => c.direction === 'outbound');
    assert.equal(outbound?.verdict, 'untrusted');

    const ds = await waitForDiagnostics(endpoint, (list) => list.some((d) => codeOf(d) === 'untrusted'));
    const diagnostic = ds.find((d) => codeOf(d) === 'untrusted') as vscode.Diagnostic;
    assert.equal(diagnostic.range.start.line, 1);
    await vscode.window.showTextDocument(endpoint);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', endpoint, diagnostic.range);
    const fix = actions.find((a) => a.title.startsWith('Trust the issuing CA "CN=Test Intermediate CA'));
    assert.ok(fix?.command, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    // The fix runs this command with what it knows; scripted, nothing prompts.
    const prefill = (fix.command.arguments?.[0] as { prefill: { workspace: string; host: string; port: number } }).prefill;
    const imported = await vscode.commands.executeCommand<{ alias: string }>('miKeystores.trustIssuingCa', { ...prefill, alias: 'backend-ca', password: 'trustpass' });
    const listing = keytool(['-list', '-keystore', truststore, '-storepass', 'trustpass']);

    const again = await vscode.commands.executeCommand<TlsJson>('miKeystores.testConnections', { workspace: project, connect: false });
    await waitForDiagnostics(endpoint, (list) => !list.some((d) => codeOf(d) === 'untrusted'));
    const actual = {
      alias: imported.alias,
      listed: /backend-ca, .*trustedCertEntry/.test(listing),
      verdict: again.connections.find((c) => c.direction === 'outbound')?.verdict,
    };
    assert.deepEqual(actual, { alias: 'backend-ca', listed: true, verdict: 'trusted' });
  });

  it('shows a Connections node under the workspace with the server and its verdict', async () => {
    const roots = (await api.keystoresTree.getChildren(undefined)) as unknown[];
    let connections: unknown;
    for (const r of roots) {
      const item = await api.keystoresTree.getTreeItem(r);
      if (item.tooltip !== project) continue;
      for (const c of ((await api.keystoresTree.getChildren(r)) ?? []) as unknown[]) {
        if ((await api.keystoresTree.getTreeItem(c)).contextValue === 'tlsConnections') connections = c;
      }
    }
    assert.ok(connections, 'the Connections node');
    const servers = ((await api.keystoresTree.getChildren(connections)) ?? []) as unknown[];
    const items = await Promise.all(servers.map((s) => api.keystoresTree.getTreeItem(s)));
    const row = items.find((i) => i.label === `127.0.0.1:${server.port}`);
    assert.match(String(row?.description), /^trusted · tls-truststore\.jks$/);
  });
});
