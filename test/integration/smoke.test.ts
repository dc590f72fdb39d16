// Smoke test inside a real VS Code extension host: the packaged manifest loads, the extension
// activates, and deployment.toml opens as TOML (our `contributes.languages`).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'mi-keystores.mi-keystores';

describe('smoke', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('finds the extension by its id', () => {
    const actual = vscode.extensions.getExtension(extensionId)?.id;
    const expected = extensionId;
    assert.equal(actual, expected);
  });

  it('activates the extension', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed in the host`);
    await extension.activate();
    const actual = extension.isActive;
    assert.equal(actual, true);
  });

  it('registers the toml language', async () => {
    const actual = (await vscode.languages.getLanguages()).includes('toml');
    assert.equal(actual, true);
  });

  it('opens deployment.toml as toml', async () => {
    const [uri] = await vscode.workspace.findFiles('**/conf/deployment.toml', '**/node_modules/**', 1);
    assert.ok(uri, 'the test workspace has no conf/deployment.toml');
    const document = await vscode.workspace.openTextDocument(uri);
    const actual = document.languageId;
    const expected = 'toml';
    assert.equal(actual, expected);
  });
});
