// Every command run with its options object (no prompt), in a real extension host; the files written
// are then checked with the JDK's keytool.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import * as vscode from 'vscode';
import { activate, closeAll, codeOf, fixture, keytool, quickFixes, tempDir, tempMiHome, waitForDiagnostics, workspaceDir } from './helpers';

/** keytool -list -v of a store. */
function list(store: string, password: string, type?: string): string {
  return keytool(['-list', '-v', '-keystore', store, '-storepass', password, ...(type ? ['-storetype', type] : [])]);
}

/** A writable copy of a fixture store in `dir`. */
function copyOf(dir: string, name: string): string {
  const to = path.join(dir, name);
  fs.copyFileSync(fixture(name), to);
  fs.chmodSync(to, 0o644);
  return to;
}

describe('commands', () => {
  let tmp: { dir: string; cleanup: () => void };
  before(activate);
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await closeAll();
    tmp.cleanup();
  });

  const generateOptions = (file: string) => ({
    path: file,
    type: 'PKCS12',
    alias: 'mi',
    dname: 'CN=mi.example.com, O=Test, C=LK',
    keyAlgorithm: 'RSA',
    keySize: 2048,
    validityDays: 30,
    san: ['dns:mi.example.com'],
    password: 'secret123',
  });

  it('generateKeystore writes a store keytool lists with the new key pair', async () => {
    const file = path.join(tmp.dir, 'new.p12');
    await vscode.commands.executeCommand('miKeystores.generateKeystore', generateOptions(file));
    const out = list(file, 'secret123', 'PKCS12');
    const actual = /Alias name: mi\n[\s\S]*Entry type: PrivateKeyEntry[\s\S]*Owner: CN=mi\.example\.com, O=Test, C=LK/.test(out);
    assert.equal(actual, true, out);
  });

  it('generateKeystore with a role writes that table into deployment.toml', async () => {
    const home = tempMiHome('[server]\nhostname = "mi.example.com"\n');
    try {
      const file = path.join(home.home, 'repository', 'resources', 'security', 'primary.p12');
      await vscode.commands.executeCommand('miKeystores.generateKeystore', { ...generateOptions(file), role: 'primary', deploymentToml: home.toml });
      const actual = fs.readFileSync(home.toml, 'utf8');
      const expected =
        '[server]\nhostname = "mi.example.com"\n\n[keystore.primary]\nfile_name = "repository/resources/security/primary.p12"\ntype = "PKCS12"\npassword = "secret123"\nalias = "mi"\nkey_password = "secret123"\n';
      assert.equal(actual, expected);
    } finally {
      home.cleanup();
    }
  });

  it('generateKeystore in an integration project keeps pom.xml and the Dockerfile in step', async () => {
    const root = path.join(tmp.dir, 'project');
    const resources = path.join(root, 'deployment', 'docker', 'resources');
    fs.mkdirSync(resources, { recursive: true });
    const pom = (name: string, pw: string) =>
      `<project>\n  <properties>\n    <projectType>integration-project</projectType>\n    <keystore.type>JKS</keystore.type>\n    <keystore.name>${name}</keystore.name>\n    <keystore.password>${pw}</keystore.password>\n    <keystore.alias>wso2carbon</keystore.alias>\n  </properties>\n</project>\n`;
    fs.writeFileSync(path.join(root, 'pom.xml'), pom('wso2carbon.jks', 'wso2carbon'));
    fs.writeFileSync(path.join(root, 'deployment', 'deployment.toml'), '[server]\nhostname = "localhost"\n');
    const dockerfile = path.join(root, 'deployment', 'docker', 'Dockerfile');
    fs.writeFileSync(dockerfile, 'FROM wso2/wso2mi:4.4.0\nCOPY resources/wso2carbon.jks ${WSO2_SERVER_HOME}/repository/resources/security/wso2carbon.jks\n');
    const file = path.join(resources, 'primary.p12');
    await vscode.commands.executeCommand('miKeystores.generateKeystore', { ...generateOptions(file), role: 'primary', deploymentToml: path.join(root, 'deployment', 'deployment.toml') });
    const actual = {
      pom: fs.readFileSync(path.join(root, 'pom.xml'), 'utf8'),
      dockerfile: fs.readFileSync(dockerfile, 'utf8'),
      toml: /file_name = "repository\/resources\/security\/primary\.p12"/.test(fs.readFileSync(path.join(root, 'deployment', 'deployment.toml'), 'utf8')),
    };
    const expected = {
      pom: pom('primary.p12', 'secret123').replace('<keystore.type>JKS<', '<keystore.type>PKCS12<').replace('<keystore.alias>wso2carbon<', '<keystore.alias>mi<'),
      dockerfile:
        'FROM wso2/wso2mi:4.4.0\nCOPY resources/wso2carbon.jks ${WSO2_SERVER_HOME}/repository/resources/security/wso2carbon.jks\nCOPY resources/primary.p12 ${WSO2_SERVER_HOME}/repository/resources/security/primary.p12\n',
      toml: true,
    };
    assert.deepEqual(actual, expected);
  });

  it('separateInternalKeystore writes [keystore.internal]', async () => {
    const home = tempMiHome('[keystore.primary]\nfile_name = "repository/resources/security/wso2carbon.jks"\n');
    try {
      const file = path.join(home.home, 'repository', 'resources', 'security', 'internal.p12');
      await vscode.commands.executeCommand('miKeystores.separateInternalKeystore', { ...generateOptions(file), deploymentToml: home.toml });
      const actual = /\[keystore\.internal\]\nfile_name = "repository\/resources\/security\/internal\.p12"/.test(fs.readFileSync(home.toml, 'utf8'));
      assert.equal(actual, true);
      assert.match(list(file, 'secret123', 'PKCS12'), /Alias name: mi/);
    } finally {
      home.cleanup();
    }
  });

  it('importCertificate from a file adds a trusted entry', async () => {
    const store = copyOf(tmp.dir, 'jks-ec.jks');
    await vscode.commands.executeCommand('miKeystores.importCertificate', { keystore: store, certificate: path.join(path.dirname(fixture('x')), 'pem', 'ca.pem'), alias: 'partner-ca', password: 'changeit' });
    const actual = /Alias name: partner-ca\n[\s\S]*?Entry type: trustedCertEntry/.test(list(store, 'changeit'));
    assert.equal(actual, true);
  });

  it('importCertificate from a TLS endpoint trusts the certificate the server presents', async () => {
    const pem = (n: string) => fs.readFileSync(path.join(path.dirname(fixture('x')), 'pem', n));
    const server = tls.createServer({ key: pem('server-key.pkcs8.pem'), cert: pem('server-signed.pem') }, (s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const store = copyOf(tmp.dir, 'jks-ec.jks');
      await vscode.commands.executeCommand('miKeystores.importCertificate', { keystore: store, host: '127.0.0.1', port, alias: 'endpoint', password: 'changeit' });
      const exported = keytool(['-exportcert', '-rfc', '-keystore', store, '-storepass', 'changeit', '-alias', 'endpoint']).replace(/\r/g, '');
      const actual = keytool(['-printcert', '-rfc', '-file', path.join(path.dirname(fixture('x')), 'pem', 'server-signed.pem')]).includes(exported.trim().split('\n')[1]);
      assert.equal(actual, true);
    } finally {
      server.close();
    }
  });

  it('importCaReply installs the CA-signed chain on the key entry', async () => {
    const store = copyOf(tmp.dir, 'jks-pending.jks');
    await vscode.commands.executeCommand('miKeystores.importCaReply', { keystore: store, alias: 'pending', reply: path.join(path.dirname(fixture('x')), 'pem', 'pending-reply-chain.pem'), password: 'changeit' });
    const actual = /Alias name: pending\n[\s\S]*?Certificate chain length: 2/.test(list(store, 'changeit'));
    assert.equal(actual, true);
  });

  it('generateCsr writes a request keytool can print', async () => {
    const store = copyOf(tmp.dir, 'jks-rsa.jks');
    const out = path.join(tmp.dir, 'server.csr');
    await vscode.commands.executeCommand('miKeystores.generateCsr', { keystore: store, alias: 'server', password: 'changeit', out });
    const actual = /Subject: CN=/.test(keytool(['-printcertreq', '-file', out]));
    assert.equal(actual, true);
  });

  /** The certificate of `alias` as keytool exports it. */
  const keytoolCert = (store: string, alias: string) => new X509Certificate(keytool(['-exportcert', '-rfc', '-keystore', store, '-storepass', 'changeit', '-alias', alias]));

  it('renewCertificate re-issues an expired self-signed certificate that keytool reads as valid', async () => {
    const store = copyOf(tmp.dir, 'jks-expired.jks');
    await vscode.commands.executeCommand('miKeystores.renewCertificate', { keystore: store, alias: 'expired', password: 'changeit', validityDays: 90 });
    const actual = new Date(keytoolCert(store, 'expired').validTo).getTime() > Date.now() + 80 * 86_400_000;
    assert.equal(actual, true);
  });

  it('renewCertificate keeps the private key, subject and SANs', async () => {
    const store = copyOf(tmp.dir, 'jks-rsa.jks');
    const before = keytoolCert(store, 'server');
    await vscode.commands.executeCommand('miKeystores.renewCertificate', { keystore: store, alias: 'server', password: 'changeit' });
    const after = keytoolCert(store, 'server');
    const key = (c: X509Certificate) => c.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    assert.deepEqual([key(after), after.subject, after.subjectAltName, after.fingerprint256 !== before.fingerprint256], [key(before), before.subject, before.subjectAltName, true]);
  });

  it('renewCertificate refuses a CA-signed certificate when scripted', async () => {
    const store = copyOf(tmp.dir, 'jks-chain.jks');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('miKeystores.renewCertificate', { keystore: store, alias: 'server', password: 'changeit' })),
      /CSR/,
    );
  });

  it('the renew quick fix of an expired certificate clears the finding without a prompt', async () => {
    const home = tempMiHome('[keystore.primary]\nfile_name = "repository/resources/security/ks.jks"\npassword = "changeit"\nalias = "expired"\nkey_password = "changeit"\n', { 'ks.jks': fixture('jks-expired.jks') });
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      await vscode.window.showTextDocument(doc);
      const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'certificate-expired'));
      const diagnostic = ds.find((d) => codeOf(d) === 'certificate-expired') as vscode.Diagnostic;
      const actions = await quickFixes(doc, diagnostic);
      const renew = actions.find((a) => a.title.startsWith('Renew the certificate'));
      await vscode.commands.executeCommand(renew?.command?.command as string, ...(renew?.command?.arguments ?? []));
      const actual = await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === 'certificate-expired'));
      assert.equal(actual.some((x) => codeOf(x) === 'certificate-expired'), false);
    } finally {
      home.cleanup();
    }
  });

  it('generateKeystore run with options in a home with a truststore finishes without touching the truststore', async () => {
    const toml = '[truststore]\nfile_name = "repository/resources/security/trust.jks"\npassword = "changeit"\n';
    const home = tempMiHome(toml, { 'trust.jks': fixture('jks-rsa.jks') });
    try {
      const trust = path.join(home.home, 'repository', 'resources', 'security', 'trust.jks');
      const before = fs.readFileSync(trust);
      const file = path.join(home.home, 'repository', 'resources', 'security', 'primary.p12');
      await vscode.commands.executeCommand('miKeystores.generateKeystore', { ...generateOptions(file), role: 'primary', deploymentToml: home.toml });
      assert.equal(fs.readFileSync(trust).equals(before), true);
    } finally {
      home.cleanup();
    }
  });

  it('exportCertificate writes the DER certificate of the alias', async () => {
    const store = copyOf(tmp.dir, 'jks-rsa.jks');
    const out = path.join(tmp.dir, 'server.cer');
    await vscode.commands.executeCommand('miKeystores.exportCertificate', { keystore: store, alias: 'server', out, format: 'der', password: 'changeit' });
    const expected = keytool(['-exportcert', '-keystore', store, '-storepass', 'changeit', '-alias', 'server', '-rfc']).replace(/\s+/g, '');
    const actual = keytool(['-printcert', '-rfc', '-file', out]).replace(/\s+/g, '');
    assert.equal(actual.includes(expected.replace(/-----[A-Z ]+-----/g, '')), true);
  });

  it('deleteEntry removes the alias', async () => {
    const store = copyOf(tmp.dir, 'jks-rsa.jks');
    await vscode.commands.executeCommand('miKeystores.deleteEntry', { keystore: store, alias: 'ca', password: 'changeit' });
    const actual = /Alias name: ca\n/.test(list(store, 'changeit'));
    assert.equal(actual, false);
  });

  it('renameAlias renames the entry', async () => {
    const store = copyOf(tmp.dir, 'jks-rsa.jks');
    await vscode.commands.executeCommand('miKeystores.renameAlias', { keystore: store, alias: 'server', newAlias: 'web', password: 'changeit' });
    const out = list(store, 'changeit');
    const actual = /Alias name: web\n/.test(out) && !/Alias name: server\n/.test(out);
    assert.equal(actual, true);
  });

  it('changePassword re-protects the store and the deployment.toml that holds the old password', async () => {
    const toml = '[keystore.primary]\nfile_name = "repository/resources/security/ks.jks"\ntype = "JKS"\npassword = "changeit"\nalias = "server"\nkey_password = "changeit"\n';
    const home = tempMiHome(toml, { 'ks.jks': fixture('jks-rsa.jks') }, { inWorkspace: true });
    try {
      const store = path.join(home.home, 'repository', 'resources', 'security', 'ks.jks');
      // Let the workspace model discover the new home before the command looks for its config.
      await vscode.commands.executeCommand('miKeystores.refresh');
      await vscode.commands.executeCommand('miKeystores.changePassword', { keystore: store, password: 'changeit', newPassword: 'newpass1' });
      assert.match(list(store, 'newpass1'), /Alias name: server/);
      const actual = fs.readFileSync(home.toml, 'utf8');
      const expected = toml.replace(/"changeit"/g, '"newpass1"');
      assert.equal(actual, expected);
    } finally {
      home.cleanup();
    }
  });

  it('convertKeystore writes a PKCS12 copy with the same entries', async () => {
    const store = copyOf(tmp.dir, 'jks-rsa.jks');
    const out = path.join(tmp.dir, 'converted.p12');
    await vscode.commands.executeCommand('miKeystores.convertKeystore', { keystore: store, out, type: 'PKCS12', password: 'changeit' });
    const listed = list(out, 'changeit', 'PKCS12');
    const actual = /Alias name: server\n[\s\S]*?Entry type: PrivateKeyEntry/.test(listed) && /Alias name: ca\n/.test(listed);
    assert.equal(actual, true, listed);
  });

  it('revealInDeploymentToml opens the line that configures a store', async () => {
    const runtime = path.join(workspaceDir(), 'mi-runtime');
    const found = await vscode.commands.executeCommand('miKeystores.revealInDeploymentToml', { keystore: path.join(runtime, 'repository', 'resources', 'security', 'wso2carbon.jks') });
    const editor = vscode.window.activeTextEditor;
    const actual = { found, file: editor?.document.uri.fsPath, line: editor?.document.lineAt(editor.selection.start.line).text };
    const expected = { found: true, file: path.join(runtime, 'conf', 'deployment.toml'), line: 'file_name = "repository/resources/security/wso2carbon.jks"' };
    assert.deepEqual(actual, expected);
  });

  it('fixAll applies the safe fixes of a file', async () => {
    const home = tempMiHome('[keystore.primary]\nfile_name = "a.jks"\n\n[truststore]\nfile_name = "b.jks"\n');
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      await vscode.window.showTextDocument(doc);
      const { waitForDiagnostics, codeOf } = await import('./helpers');
      await waitForDiagnostics(doc.uri, (d) => d.filter((x) => codeOf(x) === 'bare-file-name').length === 2);
      const result = await vscode.commands.executeCommand<{ fixed: number }>('miKeystores.fixAll', { file: home.toml });
      const actual = { fixed: result.fixed, text: doc.getText() };
      const expected = {
        fixed: 2,
        text: '[keystore.primary]\nfile_name = "repository/resources/security/a.jks"\n\n[truststore]\nfile_name = "repository/resources/security/b.jks"\n',
      };
      assert.deepEqual(actual, expected);
    } finally {
      home.cleanup();
    }
  });

  it('refresh and forgetPasswords run without a prompt', async () => {
    await vscode.commands.executeCommand('miKeystores.refresh');
    const actual = await vscode.commands.executeCommand<{ forgotten: number }>('miKeystores.forgetPasswords');
    assert.equal(typeof actual.forgotten, 'number');
  });

  it('rejects a scripted call that misses a required option, without prompting', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('miKeystores.deleteEntry', { keystore: path.join(tmp.dir, 'none.jks'), alias: 'x' })),
      /no such file|password/,
    );
  });
});
