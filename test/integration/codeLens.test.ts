// The CodeLens on a configured alias shows expiry, CN and fingerprint, read from the real store.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, closeAll, workspaceDir } from './helpers';

describe('code lens', () => {
  before(activate);
  afterEach(closeAll);

  it('shows the expiry, CN and SHA-256 of the primary alias', async () => {
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'mi-runtime', 'conf', 'deployment.toml'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    const aliasLine = doc.getText().split('\n').findIndex((l) => l.startsWith('alias = "wso2carbon"'));
    const title = lenses.find((l) => l.range.start.line === aliasLine)?.command?.title ?? '';
    // The demo's default certificate expired on 2026-05-27, as the one WSO2 ships in new projects.
    const actual = /^expired \d+ days? ago · CN=localhost · SHA-256 [0-9A-F:]+…$/.test(title);
    assert.equal(actual, true, `lens: "${title}"`);
  });
});
