// Remembered passwords are keyed by the machine the extension host runs on and the path: two remote hosts or
// containers with the same path share VS Code's SecretStorage, and must not share a password.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { storeKey } from '../../src/vscode/passwords';

describe('remembered password keys', () => {
  it('name the remote kind and host as well as the path', () => {
    const actual = storeKey('/srv/mi/repository/resources/security/wso2carbon.jks');
    assert.equal(actual, `${vscode.env.remoteName ?? 'local'}@${os.hostname()}|/srv/mi/repository/resources/security/wso2carbon.jks`);
  });
});
