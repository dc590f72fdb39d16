// The trust map's configuration fixes in a real VS Code: an untrusted local TLS server gets "Add an SSL
// profile", whose command writes the profiles file, a dedicated truststore (keytool lists it) and the
// deployment.toml lines in one edit, after which the map judges the server by the profile (trusted); and
// MI's listener certificate without the `[server] hostname` gets "Renew MI's certificate with the missing
// SAN", after which keytool shows the names and the inbound connection is trusted; a mutual-TLS server gets
// "Choose the client key", which puts a workspace key it accepts into its profile.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, backendEndpoint, codeOf, removeTlsProject, waitForDiagnostics, workspaceDir } from './helpers';
import { makeTestPki, startTlsServer, type TestPki } from '../helpers/tlsPki';
import { writeMiProject } from '../helpers/miProject';

interface TlsJson {
  connections: { direction: string; verdict: string; host: string; port: number; message: string; truststore: string }[];
}

describe('trust map fixes: SSL profile and listener SAN', function () {
  this.timeout(120_000);
  let tmp: string;
  let pki: TestPki;
  let project: string;
  let primary: string;
  let server: { port: number; close: () => Promise<void> };

  before(async () => {
    await activate();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustfix-host-'));
    pki = makeTestPki(path.join(tmp, 'pki'));
    server = await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true });
    // Named mi-home-* so the other suites' listings ignore it.
    project = path.join(workspaceDir(), 'mi-home-tls-fixes');
    const resources = path.join(project, 'deployment', 'docker', 'resources');
    fs.mkdirSync(resources, { recursive: true });
    // The truststore trusts only the client CA: the server's chain leads to no anchor.
    const truststore = path.join(resources, 'client-truststore.jks');
    execFileSync('keytool', ['-importcert', '-noprompt', '-alias', 'clientca', '-file', pki.clientCa.cert, '-keystore', truststore, '-storetype', 'JKS', '-storepass', 'trustpass']);
    // MI's key names only localhost, in its CN: [server] hostname is missing.
    primary = path.join(resources, 'wso2carbon.jks');
    execFileSync('keytool', ['-genkeypair', '-alias', 'wso2carbon', '-keyalg', 'EC', '-dname', 'CN=localhost, O=Fix Test', '-validity', '30', '-keystore', primary, '-storetype', 'JKS', '-storepass', 'wso2carbon', '-keypass', 'wso2carbon']);
    const toml = [
      '[server]',
      'hostname = "mi.example.com"',
      '',
      '[keystore.primary]',
      `file_name = ${JSON.stringify(primary)}`,
      'type = "JKS"',
      'password = "wso2carbon"',
      'alias = "wso2carbon"',
      'key_password = "wso2carbon"',
      '',
      '[truststore]',
      `file_name = ${JSON.stringify(truststore)}`,
      'type = "JKS"',
      'password = "trustpass"',
      '',
    ].join('\n');
    writeMiProject(project, {
      toml,
      artifacts: backendEndpoint(server.port),
    });
    await vscode.commands.executeCommand('miKeystores.refresh');
  });

  after(() => removeTlsProject({ project, tmp, server }));

  it('adds an SSL profile with a dedicated truststore through the quick fix, and the map then uses it', async () => {
    const endpoint = vscode.Uri.file(path.join(project, 'src', 'main', 'wso2mi', 'artifacts', 'endpoints', 'Backend.xml'));
    await vscode.commands.executeCommand<TlsJson>('miKeystores.testConnections', { workspace: project, connect: true });
    const ds = await waitForDiagnostics(endpoint, (list) => list.some((d) => codeOf(d) === 'untrusted'));
    const diagnostic = ds.find((d) => codeOf(d) === 'untrusted') as vscode.Diagnostic;
    await vscode.window.showTextDocument(endpoint);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', endpoint, diagnostic.range);
    const fix = actions.find((a) => a.title === `Add an SSL profile for 127.0.0.1:${server.port} with its own truststore`);
    assert.ok(fix?.command, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    // The quick fix runs this command with what it knows; scripted, nothing prompts.
    const prefill = (fix.command.arguments?.[0] as { prefill: Record<string, unknown> }).prefill;
    const result = await vscode.commands.executeCommand<{ profilesFile: string; storeFile: string; verdict: string }>('miKeystores.addSslProfile', prefill);
    const listing = execFileSync('keytool', ['-list', '-keystore', result.storeFile, '-storepass', 'trustpass'], { encoding: 'utf8' });
    const again = await vscode.commands.executeCommand<TlsJson>('miKeystores.testConnections', { workspace: project, connect: false });
    await waitForDiagnostics(endpoint, (list) => !list.some((d) => codeOf(d) === 'untrusted'));
    const outbound = again.connections.find((c) => c.direction === 'outbound');
    const actual = {
      verdict: result.verdict,
      profilesFile: path.relative(project, result.profilesFile),
      store: path.relative(project, result.storeFile),
      listed: /^127\.0\.0\.1-ca, .*trustedCertEntry/m.test(listing),
      // MI looks 127.0.0.1 up by the name it resolves back to: the profile is written for localhost.
      profile: fs.readFileSync(result.profilesFile, 'utf8').includes(`<servers>localhost:${server.port}</servers>`),
      toml: fs.readFileSync(path.join(project, 'deployment', 'deployment.toml'), 'utf8').includes('[transport.http]\nsender.ssl_profile.file_path = "conf/sslprofiles/senderprofiles.xml"\nsender.ssl_profile.read_interval = 600000\n'),
      remapped: [outbound?.verdict, outbound?.truststore, outbound?.message.endsWith('(SSL profile)')],
    };
    assert.deepEqual(actual, {
      verdict: 'trusted',
      profilesFile: path.join('deployment', 'conf', 'sslprofiles', 'senderprofiles.xml'),
      store: path.join('deployment', 'docker', 'resources', `127.0.0.1-${server.port}-truststore.p12`),
      listed: true,
      profile: true,
      toml: true,
      remapped: ['trusted', `repository/resources/security/127.0.0.1-${server.port}-truststore.p12`, true],
    });
  });

  it('chooses the client key a mutual-TLS server accepts through the quick fix, and the server is then reached', async () => {
    const mutual = await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true, requireClientCa: pki.clientCa, maxVersion: 'TLSv1.2' });
    try {
      // The server's chain is trusted; the sender's keystore (MI's own key) is not what it wants; a partner key
      // lies in the security folder.
      execFileSync('keytool', ['-importcert', '-noprompt', '-alias', 'root', '-file', pki.root.cert, '-keystore', path.join(project, 'deployment', 'docker', 'resources', 'client-truststore.jks'), '-storepass', 'trustpass']);
      const partner = path.join(project, 'deployment', 'docker', 'resources', 'partner-client.p12');
      fs.copyFileSync(pki.clientKeystore, partner);
      const file = path.join(project, 'src', 'main', 'wso2mi', 'artifacts', 'endpoints', 'Partner.xml');
      fs.writeFileSync(file, `<endpoint name="Partner" xmlns="http://ws.apache.org/ns/synapse">\n  <address uri="https://127.0.0.1:${mutual.port}/svc"/>\n</endpoint>\n`);
      const uri = vscode.Uri.file(file);
      const key = `127.0.0.1:${mutual.port}`;
      await vscode.commands.executeCommand('miKeystores.testConnections', { workspace: project, connect: true, only: key });
      const ds = await waitForDiagnostics(uri, (list) => list.some((d) => codeOf(d) === 'client-certificate-required'));
      const diagnostic = ds.find((d) => codeOf(d) === 'client-certificate-required') as vscode.Diagnostic;
      await vscode.window.showTextDocument(uri);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
      const fix = actions.find((a) => a.title === `Choose the client key for mutual TLS with ${key}…`);
      assert.ok(fix?.command, `actions: ${actions.map((a) => a.title).join(' | ')}`);
      const prefill = (fix.command.arguments?.[0] as { prefill: Record<string, unknown> }).prefill;
      const result = await vscode.commands.executeCommand<{ profilesFile: string; verdict: string }>('miKeystores.chooseClientKey', { ...prefill, keystore: partner, alias: 'client', keystorePassword: 'clientpass' });
      const live = await vscode.commands.executeCommand<TlsJson>('miKeystores.testConnections', { workspace: project, connect: true, only: key });
      await waitForDiagnostics(uri, (list) => !list.some((d) => codeOf(d) === 'client-certificate-required'));
      const profiles = fs.readFileSync(result.profilesFile, 'utf8');
      const actual = {
        verdict: result.verdict,
        live: live.connections.find((c) => c.port === mutual.port)?.verdict,
        keystore: profiles.includes(`<servers>localhost:${mutual.port}</servers>\n        <KeyStore>\n            <Location>repository/resources/security/partner-client.p12</Location>`),
      };
      assert.deepEqual(actual, { verdict: 'trusted', live: 'trusted', keystore: true });
    } finally {
      await mutual.close();
    }
  });

  it("renews MI's listener certificate with the missing SAN through the quick fix on deployment.toml", async () => {
    const toml = vscode.Uri.file(path.join(project, 'deployment', 'deployment.toml'));
    await vscode.commands.executeCommand('miKeystores.testConnections', { workspace: project, connect: false });
    const ds = await waitForDiagnostics(toml, (list) => list.some((d) => codeOf(d) === 'hostname-mismatch'));
    const diagnostic = ds.find((d) => codeOf(d) === 'hostname-mismatch') as vscode.Diagnostic;
    await vscode.window.showTextDocument(toml);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', toml, diagnostic.range);
    const fix = actions.find((a) => a.title.startsWith("Renew MI's certificate with the missing SAN"));
    assert.ok(fix?.command, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    const prefill = (fix.command.arguments?.[0] as { prefill: Record<string, unknown> }).prefill;
    const before = execFileSync('keytool', ['-exportcert', '-rfc', '-alias', 'wso2carbon', '-keystore', primary, '-storepass', 'wso2carbon'], { encoding: 'utf8' });
    const result = await vscode.commands.executeCommand<{ added: string[]; verdict: string }>('miKeystores.renewListenerCertificate', { ...prefill, password: 'wso2carbon' });
    const listing = execFileSync('keytool', ['-list', '-v', '-alias', 'wso2carbon', '-keystore', primary, '-storepass', 'wso2carbon'], { encoding: 'utf8' });
    const after = execFileSync('keytool', ['-exportcert', '-rfc', '-alias', 'wso2carbon', '-keystore', primary, '-storepass', 'wso2carbon'], { encoding: 'utf8' });
    await waitForDiagnostics(toml, (list) => !list.some((d) => codeOf(d) === 'hostname-mismatch'));
    const publicKey = (pem: string) => new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const actual = {
      added: result.added,
      verdict: result.verdict,
      sans: /DNSName: localhost\s+DNSName: mi\.example\.com/.test(listing),
      renewed: before !== after,
      sameKey: publicKey(before) === publicKey(after),
    };
    assert.deepEqual(actual, { added: ['DNS:localhost', 'DNS:mi.example.com'], verdict: 'trusted', sans: true, renewed: true, sameKey: true });
  });
});
