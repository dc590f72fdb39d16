// The keystore editor in Restricted Mode: the file a person opens is read and listed (opening it is the
// person's own act), but the editor offers no write action.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, closeAll, workspaceDir } from '../integration/helpers';
import { testingApi, tomlValue } from '../integration/testingApi';
import { decodeKeystore } from '../../src/core/keystore';

type Hook = (file: string, message: unknown, toWebview: boolean) => void;

describe('keystore editor in an untrusted workspace', () => {
  before(activate);
  afterEach(closeAll);

  it('lists the store it is opened on and offers no write action', async () => {
    const file = path.join(workspaceDir(), 'mi-runtime', 'repository', 'resources', 'security', 'wso2carbon.jks');
    const hooks = (await testingApi()).hooks as { keystoreEditorMessage?: Hook };
    const sent = new Promise<{ type: string; canWrite?: boolean; model?: { entries: unknown[] } }>((resolve) => {
      hooks.keystoreEditorMessage = (f, m, toWebview) => {
        const msg = m as { type: string };
        if (toWebview && f === file && ['model', 'password', 'error'].includes(msg.type)) resolve(msg);
      };
    });
    try {
      assert.equal(vscode.workspace.isTrusted, false);
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'miKeystores.keystoreEditor');
      const m = await sent;
      const toml = fs.readFileSync(path.join(workspaceDir(), 'mi-runtime', 'conf', 'deployment.toml'), 'utf8');
      const store = await decodeKeystore(new Uint8Array(fs.readFileSync(file)), tomlValue(toml, 'password') ?? '');
      assert.deepEqual({ type: m.type, canWrite: m.canWrite, rows: m.model?.entries.length }, { type: 'model', canWrite: false, rows: store.entries.length });
    } finally {
      hooks.keystoreEditorMessage = undefined;
    }
  });
});
