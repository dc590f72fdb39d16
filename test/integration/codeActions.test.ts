// Quick fixes through the public API: executeCodeActionProvider returns the engine's fixes for a
// diagnostic (preferred where one is clearly right); applying one through workspace.applyEdit clears it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activate, closeAll, codeOf, quickFixes, tempMiHome, waitForDiagnostics } from './helpers';

const TOML = '[keystore.primary]\nfile_name = "wso2carbon.jks"\ntype = "JKS"\n';

describe('code actions', () => {
  before(activate);
  afterEach(closeAll);

  async function openBare(): Promise<{ doc: vscode.TextDocument; diagnostic: vscode.Diagnostic; cleanup: () => void }> {
    const home = tempMiHome(TOML);
    const doc = await vscode.workspace.openTextDocument(home.toml);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'bare-file-name'));
    return { doc, diagnostic: ds.find((d) => codeOf(d) === 'bare-file-name') as vscode.Diagnostic, cleanup: home.cleanup };
  }

  it('offers the engine fix as the preferred quick fix', async () => {
    const { doc, diagnostic, cleanup } = await openBare();
    try {
      const actions = await quickFixes(doc, diagnostic);
      const actual = actions.filter((a) => a.isPreferred).map((a) => a.title);
      const expected = ['Change to "repository/resources/security/wso2carbon.jks"'];
      assert.deepEqual(actual, expected);
    } finally {
      cleanup();
    }
  });

  it('clears the diagnostic once the fix is applied with workspace.applyEdit', async () => {
    const { doc, diagnostic, cleanup } = await openBare();
    try {
      const actions = await quickFixes(doc, diagnostic);
      const fix = actions.find((a) => a.isPreferred);
      assert.ok(fix?.edit, 'no preferred fix with an edit');
      await vscode.workspace.applyEdit(fix.edit);
      await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === 'bare-file-name'));
      const actual = doc.lineAt(1).text;
      const expected = 'file_name = "repository/resources/security/wso2carbon.jks"';
      assert.equal(actual, expected);
    } finally {
      cleanup();
    }
  });

  it('offers a fix-all source action for the safe fixes', async () => {
    const { doc, cleanup } = await openBare();
    try {
      const whole = new vscode.Range(0, 0, doc.lineCount, 0);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole, 'source.fixAll.miKeystores');
      const actual = actions.some((a) => a.kind?.value === 'source.fixAll.miKeystores' && a.edit !== undefined);
      assert.equal(actual, true);
    } finally {
      cleanup();
    }
  });

  it('maps an engine action fix to the command that performs it', async () => {
    const home = tempMiHome('[keystore.primary]\nfile_name = "repository/resources/security/missing.jks"\npassword = "changeit"\n');
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      await vscode.window.showTextDocument(doc);
      const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'keystore-not-found' && x.range.start.line === 1));
      const diagnostic = ds.find((d) => codeOf(d) === 'keystore-not-found' && d.range.start.line === 1) as vscode.Diagnostic;
      const actions = await quickFixes(doc, diagnostic);
      const create = actions.find((a) => a.title.startsWith('Create a keystore'));
      const actual = { command: create?.command?.command, action: (create?.command?.arguments?.[0] as { action?: string } | undefined)?.action };
      const expected = { command: 'miKeystores.runFixAction', action: 'createKeystore' };
      assert.deepEqual(actual, expected);
    } finally {
      home.cleanup();
    }
  });

  // Windows PowerShell 5 writes `-Encoding UTF8` files with a byte order mark, which MI's TOML parser stops
  // at; VS Code shows the text without it, so only the file on disk tells.
  it('reports a byte order mark the editor hides, and its fix saves the file without it', async () => {
    const home = tempMiHome(TOML, {}, { inWorkspace: true });
    try {
      fs.writeFileSync(home.toml, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(home.toml)]));
      const doc = await vscode.workspace.openTextDocument(home.toml);
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.getText().charCodeAt(0), '['.charCodeAt(0), 'VS Code shows the text without the mark');
      const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'byte-order-mark'));
      const diagnostic = ds.find((d) => codeOf(d) === 'byte-order-mark') as vscode.Diagnostic;
      assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.severity], [0, 0, vscode.DiagnosticSeverity.Error]);
      const fix = (await quickFixes(doc, diagnostic)).find((a) => a.isPreferred);
      assert.ok(fix?.command, 'no preferred fix with a command');
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
      await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === 'byte-order-mark'));
      const actual = fs.readFileSync(home.toml);
      assert.deepEqual([...actual.subarray(0, 3)], [...Buffer.from('[ke')]);
      assert.equal(actual.toString('utf8'), TOML);
    } finally {
      home.cleanup();
    }
  });
});
