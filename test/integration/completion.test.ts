// Completion and hover through the public API (vscode.executeCompletionItemProvider / executeHoverProvider).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, closeAll, tempMiHome } from './helpers';

describe('completion and hover', () => {
  before(activate);
  afterEach(closeAll);

  it('proposes the keystore tables after "[keystore."', async () => {
    const home = tempMiHome('[keystore.\n');
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(0, 10), '.');
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      const actual = labels.some((l) => l.includes('primary'));
      assert.equal(actual, true, `labels: ${labels.join(', ')}`);
    } finally {
      home.cleanup();
    }
  });

  it('proposes keys of [keystore.primary] on an empty line of it', async () => {
    const home = tempMiHome('[keystore.primary]\n\n');
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(1, 0));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      const actual = ['file_name', 'key_password'].every((k) => labels.includes(k));
      assert.equal(actual, true, `labels: ${labels.join(', ')}`);
    } finally {
      home.cleanup();
    }
  });

  it('explains a key on hover', async () => {
    const home = tempMiHome('[keystore.primary]\nkey_password = "x"\n');
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 3));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
      const actual = text.length > 0;
      assert.equal(actual, true);
    } finally {
      home.cleanup();
    }
  });
});
