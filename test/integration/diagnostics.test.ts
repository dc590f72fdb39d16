// Diagnostics inside a real extension host: every MI workspace is checked without opening a file,
// typing re-validates, codes carry a documentation link, and a keystore changed on disk is re-read.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, closeAll, codeOf, fixture, tempMiHome, waitForDiagnostics, workspaceDir } from './helpers';

describe('diagnostics', () => {
  before(activate);
  afterEach(closeAll);

  it('reports problems of a workspace deployment.toml that no editor has opened', async () => {
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'mi-runtime', 'conf', 'deployment.toml'));
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'certificate-expired'));
    const actual = ds.some((d) => codeOf(d) === 'certificate-expired');
    assert.equal(actual, true);
  });

  it('gives each diagnostic its code and a link to its documentation', async () => {
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'mi-runtime', 'conf', 'deployment.toml'));
    const ds = await waitForDiagnostics(uri, (d) => d.length > 0);
    const code = ds[0].code as { value: string; target: vscode.Uri };
    const actual = code.target.toString();
    const expected = `https://github.com/mi-keystores/mi-keystores/blob/main/docs/diagnostics.md#${code.value}`;
    assert.equal(actual, expected);
  });

  it('re-validates as the user types, without saving', async () => {
    const home = tempMiHome('[server]\nhostname = "localhost"\n');
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      const editor = await vscode.window.showTextDocument(doc);
      await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === 'obsolete-table'));
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\n[keystore.tls]\nfile_name = "x.jks"\n'));
      const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'obsolete-table'));
      const actual = ds.find((d) => codeOf(d) === 'obsolete-table')?.range.start.line;
      assert.equal(actual, doc.getText().split('\n').indexOf('[keystore.tls]'));
    } finally {
      await closeAll();
      home.cleanup();
    }
  });

  it('says once that an API Manager file is not an MI configuration, and gives no MI advice on it', async () => {
    // An API Manager 4.x home: bin/api-manager.sh, a live [keystore.tls] and bare file names (MI-only findings there would be false).
    const toml = '[server]\nhostname = "localhost"\n\n[keystore.tls]\nfile_name = "wso2carbon.jks"\npassword = "wso2carbon"\nalias = "wso2carbon"\n\n[apim.key_manager]\ntype = "default"\n';
    const home = tempMiHome(toml);
    fs.mkdirSync(path.join(home.home, 'bin'));
    fs.writeFileSync(path.join(home.home, 'bin', 'api-manager.sh'), '#!/bin/sh\n');
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      await vscode.window.showTextDocument(doc);
      const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'not-mi-configuration'));
      assert.deepEqual(ds.map((d) => [codeOf(d), d.severity, d.range.start.line]), [['not-mi-configuration', vscode.DiagnosticSeverity.Information, 0]]);
      assert.match(ds[0].message, /WSO2 API Manager/);
    } finally {
      await closeAll();
      home.cleanup();
    }
  });

  it('re-checks when a keystore changes on disk', async () => {
    const toml = '[keystore.primary]\nfile_name = "repository/resources/security/ks.jks"\ntype = "JKS"\npassword = "changeit"\nalias = "mykey"\nkey_password = "changeit"\n';
    const home = tempMiHome(toml, {}, { inWorkspace: true });
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      await vscode.window.showTextDocument(doc);
      await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'keystore-not-found' && x.range.start.line === 1));
      // The fixture holds key "server", not "mykey": only a check that read the new file can say so.
      fs.copyFileSync(fixture('jks-rsa.jks'), path.join(home.home, 'repository', 'resources', 'security', 'ks.jks'));
      const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'alias-not-found'));
      const actual = ds.some((d) => codeOf(d) === 'keystore-not-found' && d.range.start.line === 1);
      assert.equal(actual, false);
    } finally {
      await closeAll();
      home.cleanup();
    }
  });
});
