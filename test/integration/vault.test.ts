// The secure vault in a real extension host: the `secret-plain`, `plaintext-password` and
// `secret-transformation-mismatch` quick fixes and the rotateInternalKeystore command. Ciphertexts are made
// and opened with OpenSSL, never with the extension's own cipher, so a test passes only if what is written
// is really RSA-OAEP with SHA-1, the transformation a stock MI 4.x decrypts with.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAll, codeOf, fixture, quickFixes, tempDir, tempMiHome, waitForDiagnostics } from './helpers';
import { keyOfP12, opensslDecrypt, opensslEncrypt, pemFixture, testingApi, tomlValue, type TestingApi } from './testingApi';

/** [keystore.primary] on p12-chain.p12 (jks-chain's `server` key, = pem/server-key.pkcs8.pem); the internal key defaults to it. */
const PRIMARY =
  '[keystore.primary]\nfile_name = "repository/resources/security/primary.p12"\ntype = "PKCS12"\npassword = "changeit"\nalias = "server"\nkey_password = "changeit"\n';

describe('secure vault', () => {
  let testing: TestingApi;
  let tmp: { dir: string; cleanup: () => void };
  before(async () => {
    testing = await testingApi();
  });
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await closeAll();
    tmp.cleanup();
  });

  /** Opens a temp MI home's deployment.toml and waits for a diagnostic with `code` on line `line`. */
  async function openWith(toml: string, code: string, line: number, stores: Record<string, string> = { 'primary.p12': fixture('p12-chain.p12') }) {
    const home = tempMiHome(toml, stores);
    const doc = await vscode.workspace.openTextDocument(home.toml);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === code && x.range.start.line === line));
    return { home, doc, diagnostic: ds.find((x) => codeOf(x) === code && x.range.start.line === line) as vscode.Diagnostic };
  }

  it('secret-plain: the quick fix writes a ciphertext that the internal private key decrypts to the plain value', async () => {
    const { home, doc, diagnostic } = await openWith(`${PRIMARY}\n[secrets]\nadmin_password = "[s3cret-Admin]"\n`, 'secret-plain', 8);
    try {
      const fix = (await quickFixes(doc, diagnostic)).find((a) => a.title.startsWith('Encrypt "admin_password"'));
      assert.ok(fix?.edit, 'no encrypt quick fix');
      await vscode.workspace.applyEdit(fix.edit);
      const ciphertext = tomlValue(doc.getText(), 'admin_password') as string;
      const actual = opensslDecrypt(ciphertext, pemFixture('server-key.pkcs8.pem'), tmp.dir);
      assert.equal(actual, 's3cret-Admin');
    } finally {
      home.cleanup();
    }
  });

  it('secret-transformation-mismatch: the quick fix re-encrypts a PKCS#1 v1.5 secret with OAEP, which OpenSSL decrypts with OAEP', async () => {
    const pkcs1 = opensslEncrypt('legacy-Secret', pemFixture('server-signed.pem'), tmp.dir, 'pkcs1');
    const { home, doc, diagnostic } = await openWith(`${PRIMARY}\n[secrets]\nlegacy = "${pkcs1}"\n`, 'secret-transformation-mismatch', 8);
    try {
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
      const fix = (await quickFixes(doc, diagnostic)).find((a) => a.title === 'Re-encrypt "legacy" with RSA/ECB/OAEPwithSHA1andMGF1Padding');
      assert.ok(fix?.edit, 'no re-encrypt quick fix');
      await vscode.workspace.applyEdit(fix.edit);
      const ciphertext = tomlValue(doc.getText(), 'legacy') as string;
      assert.equal(opensslDecrypt(ciphertext, pemFixture('server-key.pkcs8.pem'), tmp.dir, 'oaep'), 'legacy-Secret');
      const after = await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === 'secret-transformation-mismatch'));
      assert.equal(after.some((x) => (codeOf(x) ?? '').startsWith('secret-')), false);
    } finally {
      home.cleanup();
    }
  });

  it('secret-plain: the diagnostic goes away once the fix is applied', async () => {
    const { home, doc, diagnostic } = await openWith(`${PRIMARY}\n[secrets]\nadmin_password = "[s3cret-Admin]"\n`, 'secret-plain', 8);
    try {
      const fix = (await quickFixes(doc, diagnostic)).find((a) => a.title.startsWith('Encrypt'));
      assert.ok(fix?.edit, 'no encrypt quick fix');
      await vscode.workspace.applyEdit(fix.edit);
      const actual = await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === 'secret-plain'));
      assert.equal(actual.some((x) => codeOf(x) === 'secret-plain'), false);
    } finally {
      home.cleanup();
    }
  });

  it('secret-plain: no encrypt fix is offered when the internal key cannot be read', async () => {
    // The bare truststore file name has a quick fix: once VS Code offers it, the workbench knows this
    // document's diagnostics, and an empty answer for the secret means there is no fix, not "not yet".
    const toml = `${PRIMARY.replace('password = "changeit"', 'password = "not-the-password"')}\n[secrets]\nadmin_password = "[s3cret-Admin]"\n\n[truststore]\nfile_name = "trust.jks"\n`;
    const { home, doc, diagnostic } = await openWith(toml, 'secret-plain', 8);
    try {
      const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'bare-file-name'));
      const bare = ds.find((d) => codeOf(d) === 'bare-file-name') as vscode.Diagnostic;
      assert.notDeepEqual(await quickFixes(doc, bare), []);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
      const actual = actions.filter((a) => a.title.startsWith('Encrypt')).length;
      assert.equal(actual, 0);
    } finally {
      home.cleanup();
    }
  });

  it('plaintext-password: the quick fix moves a keystore password into [secrets] as $secret{alias} with a ciphertext of it', async () => {
    const toml = `${PRIMARY}\n[truststore]\nfile_name = "repository/resources/security/trust.p12"\ntype = "PKCS12"\npassword = "trust-Pass-1"\n`;
    const stores = { 'primary.p12': fixture('p12-chain.p12'), 'trust.p12': fixture('p12-trust.p12') };
    const { home, doc, diagnostic } = await openWith(toml, 'plaintext-password', 10, stores);
    try {
      const fix = (await quickFixes(doc, diagnostic)).find((a) => a.title.startsWith('Move into [secrets]'));
      assert.ok(fix?.edit, 'no move-to-secrets quick fix');
      await vscode.workspace.applyEdit(fix.edit);
      const text = doc.getText();
      const reference = tomlValue(text.slice(text.indexOf('[truststore]')), 'password');
      const alias = /^\$secret\{([A-Za-z0-9_]+)\}$/.exec(reference ?? '')?.[1] as string;
      const secretsTable = text.slice(text.indexOf('[secrets]'));
      const actual = { reference, plaintext: opensslDecrypt(tomlValue(secretsTable, alias) as string, pemFixture('server-key.pkcs8.pem'), tmp.dir) };
      const expected = { reference: `$secret{${alias}}`, plaintext: 'trust-Pass-1' };
      assert.deepEqual(actual, expected);
    } finally {
      home.cleanup();
    }
  });

  it('plaintext-password: the fix then reminds that MI needs the keystore password at startup (password-tmp)', async () => {
    const toml = `${PRIMARY}\n[truststore]\nfile_name = "repository/resources/security/trust.p12"\ntype = "PKCS12"\npassword = "trust-Pass-1"\n`;
    const stores = { 'primary.p12': fixture('p12-chain.p12'), 'trust.p12': fixture('p12-trust.p12') };
    const { home, doc, diagnostic } = await openWith(toml, 'plaintext-password', 10, stores);
    try {
      const fix = (await quickFixes(doc, diagnostic)).find((a) => a.title.startsWith('Move into [secrets]'));
      assert.ok(fix?.edit && fix.command, 'no move-to-secrets quick fix with its follow-up command');
      await vscode.workspace.applyEdit(fix.edit);
      const before = testing.logLines().length;
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
      const actual = testing.logLines().slice(before).some((l) => l.includes('password-tmp'));
      assert.equal(actual, true);
    } finally {
      home.cleanup();
    }
  });

  describe('rotateInternalKeystore', () => {
    /** An MI home whose two secrets OpenSSL encrypted for the current internal key (p12-chain's `server`). */
    function homeWithSecrets(extraSecret = '') {
      const a = opensslEncrypt('first-Secret', pemFixture('server-signed.pem'), tmp.dir);
      const b = opensslEncrypt('second-Secret', pemFixture('server-signed.pem'), tmp.dir);
      const toml = `${PRIMARY}\n[secrets]\nfirst = "${a}"\nsecond = "${b}"\n${extraSecret}`;
      const home = tempMiHome(toml, { 'primary.p12': fixture('p12-chain.p12'), 'next.p12': fixture('p12-default.p12') });
      const next = path.join(home.home, 'repository', 'resources', 'security', 'next.p12');
      return { home, next, toml };
    }

    it('re-encrypts every secret for the new key and points [keystore.internal] at it', async () => {
      const { home, next } = homeWithSecrets();
      try {
        const result = await vscode.commands.executeCommand<{ aliases: string[] }>('miKeystores.rotateInternalKeystore', {
          newKeystore: next,
          alias: 'server',
          password: 'changeit',
          deploymentToml: home.toml,
        });
        const text = fs.readFileSync(home.toml, 'utf8');
        const internal = text.slice(text.indexOf('[keystore.internal]'));
        const key = keyOfP12(next, 'changeit', tmp.dir);
        const actual = {
          aliases: result.aliases,
          first: opensslDecrypt(tomlValue(text, 'first') as string, key, tmp.dir),
          second: opensslDecrypt(tomlValue(text, 'second') as string, key, tmp.dir),
          fileName: tomlValue(internal, 'file_name'),
          alias: tomlValue(internal, 'alias'),
        };
        const expected = { aliases: ['first', 'second'], first: 'first-Secret', second: 'second-Secret', fileName: 'repository/resources/security/next.p12', alias: 'server' };
        assert.deepEqual(actual, expected);
      } finally {
        home.cleanup();
      }
    });

    it('is one edit: a single undo restores deployment.toml', async () => {
      const { home, next, toml } = homeWithSecrets();
      try {
        const doc = await vscode.workspace.openTextDocument(home.toml);
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('miKeystores.rotateInternalKeystore', { newKeystore: next, alias: 'server', password: 'changeit', deploymentToml: home.toml });
        assert.notEqual(doc.getText(), toml, 'the rotation changed nothing');
        await vscode.commands.executeCommand('undo');
        assert.equal(doc.getText(), toml);
      } finally {
        home.cleanup();
      }
    });

    it('goes through the editor of a deployment.toml with unsaved changes, leaving the disk as it was', async () => {
      const { home, next, toml } = homeWithSecrets();
      try {
        const doc = await vscode.workspace.openTextDocument(home.toml);
        const editor = await vscode.window.showTextDocument(doc);
        await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# unsaved note\n'));
        await vscode.commands.executeCommand('miKeystores.rotateInternalKeystore', { newKeystore: next, alias: 'server', password: 'changeit', deploymentToml: home.toml });
        const actual = { dirty: doc.isDirty, note: doc.getText().startsWith('# unsaved note\n'), internal: doc.getText().includes('[keystore.internal]'), disk: fs.readFileSync(home.toml, 'utf8') };
        assert.deepEqual(actual, { dirty: true, note: true, internal: true, disk: toml });
      } finally {
        home.cleanup();
      }
    });

    it('asks for the current internal keystore password when deployment.toml does not give it in the clear', async () => {
      const { home, next } = homeWithSecrets();
      try {
        fs.writeFileSync(home.toml, fs.readFileSync(home.toml, 'utf8').replace('password = "changeit"', 'password = "$env{MI_KEYSTORES_IT_UNSET}"'));
        const options = { newKeystore: next, alias: 'server', password: 'changeit', deploymentToml: home.toml };
        await assert.rejects(Promise.resolve(vscode.commands.executeCommand('miKeystores.rotateInternalKeystore', options)), /Cannot read the current internal key/);
        const result = await vscode.commands.executeCommand<{ aliases: string[] }>('miKeystores.rotateInternalKeystore', { ...options, oldPassword: 'changeit' });
        assert.deepEqual(result.aliases, ['first', 'second']);
      } finally {
        home.cleanup();
      }
    });

    it('refuses, changing nothing, when a secret does not decrypt with the current internal key', async () => {
      const foreign = opensslEncrypt('made-for-another-key', pemFixture('ca.pem'), tmp.dir);
      const { home, next, toml } = homeWithSecrets(`stranger = "${foreign}"\n`);
      try {
        const run = vscode.commands.executeCommand('miKeystores.rotateInternalKeystore', { newKeystore: next, alias: 'server', password: 'changeit', deploymentToml: home.toml });
        await assert.rejects(Promise.resolve(run), /"stranger" cannot be decrypted/);
        assert.equal(fs.readFileSync(home.toml, 'utf8'), toml);
      } finally {
        home.cleanup();
      }
    });
  });
});
