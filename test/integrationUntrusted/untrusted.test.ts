// Restricted Mode, in a real extension host whose workspace is not trusted (scripts/runIntegrationUntrusted.mjs):
// the extension still checks deployment.toml at the TOML level, but reads no keystore (inside or outside the
// folder) and writes nothing. "Not read" is observed through the file's access time: the store's atime is set
// before its mtime, so any read updates it on a relatime (or strictatime) mount.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { problemCodeInfo } from '../../src/core/checks/codes';
import { activate, closeAll, codeOf, fixture, tempDir, waitForDiagnostics, workspaceDir } from '../integration/helpers';

/** Sets the file's atime well before its mtime, so the next read moves it; returns the atime set. */
function armAtime(file: string): number {
  const old = new Date('2001-01-01T00:00:00Z');
  fs.utimesSync(file, old, new Date());
  return fs.statSync(file).atimeMs;
}

/** A stable fingerprint of a folder: every file with its size and mtime. */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort().map((f) => {
    const st = fs.statSync(path.join(dir, f));
    return `${f}:${st.size}:${st.mtimeMs}`;
  });
}

describe('untrusted workspace', () => {
  let outside: { dir: string; cleanup: () => void };
  let home: string;
  before(activate);
  beforeEach(() => {
    outside = tempDir('mi-keystores-outside-');
    home = fs.mkdtempSync(path.join(workspaceDir(), 'untrusted-home-'));
    fs.mkdirSync(path.join(home, 'conf'), { recursive: true });
    fs.mkdirSync(path.join(home, 'repository', 'resources', 'security'), { recursive: true });
  });
  afterEach(async () => {
    await closeAll();
    outside.cleanup();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** A store copied outside the workspace and one inside it, both with their atime armed. */
  function stores(): { out: string; inside: string } {
    const out = path.join(outside.dir, 'outside.p12');
    const inside = path.join(home, 'repository', 'resources', 'security', 'inside.p12');
    for (const f of [out, inside]) {
      fs.copyFileSync(fixture('p12-chain.p12'), f);
      fs.chmodSync(f, 0o644);
    }
    return { out, inside };
  }

  it('runs in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('publishes only TOML-level diagnostics and reads no keystore', async () => {
    const { out, inside } = stores();
    const toml = path.join(home, 'conf', 'deployment.toml');
    fs.writeFileSync(
      toml,
      `[keystore.primary]\nfile_name = "${out}"\ntype = "PKCS12"\npassword = "wrong-password"\nalias = "server"\n\n[truststore]\nfile_name = "repository/resources/security/inside.p12"\ntype = "PKCS12"\npassword = "changeit"\n\n[secrets]\nplain = "[a-secret]"\n`,
    );
    const atimes = [armAtime(out), armAtime(inside)];
    const doc = await vscode.workspace.openTextDocument(toml);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'secret-plain'));
    // The quick fixes of the secure vault would need the internal key: asking for them must not read it either.
    await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, ds.find((x) => codeOf(x) === 'secret-plain')?.range, vscode.CodeActionKind.QuickFix.value);
    const actual = {
      scopes: [...new Set(ds.map((d) => problemCodeInfo(codeOf(d) ?? '')?.scope))],
      atimes: [fs.statSync(out).atimeMs, fs.statSync(inside).atimeMs],
    };
    assert.deepEqual(actual, { scopes: ['document'], atimes });
  });

  it('offers no secure vault quick fix (it would need the internal key)', async () => {
    const { inside } = stores();
    const toml = path.join(home, 'conf', 'deployment.toml');
    fs.writeFileSync(
      toml,
      `[keystore.primary]\nfile_name = "repository/resources/security/inside.p12"\ntype = "PKCS12"\npassword = "changeit"\nalias = "server"\nkey_password = "changeit"\n\n[secrets]\nplain = "[a-secret]"\n`,
    );
    armAtime(inside);
    const doc = await vscode.workspace.openTextDocument(toml);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'secret-plain'));
    const diagnostic = ds.find((x) => codeOf(x) === 'secret-plain') as vscode.Diagnostic;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    assert.deepEqual(actions.filter((a) => a.title.startsWith('Encrypt')).map((a) => a.title), []);
  });

  it('every command that writes refuses and leaves the files as they were', async () => {
    const { out, inside } = stores();
    const toml = path.join(home, 'conf', 'deployment.toml');
    fs.writeFileSync(toml, `[keystore.primary]\nfile_name = "repository/resources/security/inside.p12"\ntype = "PKCS12"\npassword = "changeit"\nalias = "server"\n`);
    const before = { home: listing(home), outside: listing(outside.dir) };
    const runs: Array<[string, object]> = [
      ['miKeystores.generateKeystore', { path: path.join(outside.dir, 'new.p12'), type: 'PKCS12', alias: 'mi', dname: 'CN=x', keyAlgorithm: 'RSA', keySize: 2048, validityDays: 30, password: 'changeit', role: 'primary', deploymentToml: toml }],
      ['miKeystores.deleteEntry', { keystore: out, alias: 'ca', password: 'changeit' }],
      ['miKeystores.renameAlias', { keystore: inside, alias: 'ca', newAlias: 'root', password: 'changeit' }],
      ['miKeystores.changePassword', { keystore: inside, password: 'changeit', newPassword: 'changed1' }],
      ['miKeystores.convertKeystore', { keystore: out, out: path.join(outside.dir, 'converted.jks'), type: 'JKS', password: 'changeit' }],
      ['miKeystores.exportCertificate', { keystore: out, alias: 'server', out: path.join(outside.dir, 'server.pem'), format: 'pem', password: 'changeit' }],
      ['miKeystores.generateCsr', { keystore: inside, alias: 'server', out: path.join(home, 'server.csr'), password: 'changeit' }],
      ['miKeystores.importCertificate', { keystore: inside, certificate: path.join(path.dirname(fixture('x')), 'pem', 'ca.pem'), alias: 'root', password: 'changeit' }],
      ['miKeystores.rotateInternalKeystore', { newKeystore: out, alias: 'server', password: 'changeit', deploymentToml: toml }],
      ['miKeystores.fixAll', { file: toml }],
    ];
    const outcomes: string[] = [];
    for (const [id, options] of runs) {
      // A refusal may be a rejection (scripted call) or nothing at all (the command's enablement); either is fine.
      const result = await Promise.resolve(vscode.commands.executeCommand(id, options)).then(
        () => 'resolved',
        (err: Error) => (/untrusted/i.test(err.message) ? 'refused' : `failed: ${err.message}`),
      );
      outcomes.push(`${id}: ${result}`);
    }
    const after = { home: listing(home), outside: listing(outside.dir) };
    assert.deepEqual(after, before, outcomes.join('\n'));
  });
});
