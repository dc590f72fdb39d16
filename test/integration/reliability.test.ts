// Reliability and secret hygiene in a real extension host: a store changed on disk between a command's read
// and its write is never overwritten; two commands on one store run one after the other; a config edit to a
// deployment.toml with unsaved changes goes through its editor; and no password a command was given ends
// up in the log, the extension's storage, the settings or a new temp file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAll, fixture, keytool, tempDir, tempMiHome } from './helpers';
import { opensslEncrypt, pemFixture, testingApi, type TestingApi } from './testingApi';

/** The aliases keytool lists in a store. */
function aliases(store: string, password: string): string[] {
  const out = keytool(['-list', '-keystore', store, '-storepass', password]);
  return [...out.matchAll(/^([^,\n]+), .*, (?:PrivateKeyEntry|trustedCertEntry|SecretKeyEntry),\s*$/gm)].map((m) => m[1]).sort();
}

/** A writable copy of a fixture store in `dir`. */
function copyOf(dir: string, name: string, as = name): string {
  const to = path.join(dir, as);
  fs.copyFileSync(fixture(name), to);
  fs.chmodSync(to, 0o644);
  return to;
}

describe('reliability', () => {
  let testing: TestingApi;
  let tmp: { dir: string; cleanup: () => void };
  before(async () => {
    testing = await testingApi();
  });
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    testing.hooks.beforeKeystoreWrite = undefined;
    await closeAll();
    tmp.cleanup();
  });

  it('a store changed on disk between the read and the write is not overwritten', async () => {
    const store = copyOf(tmp.dir, 'p12-default.p12', 'store.p12');
    // Between the command's read and its rename, someone else (keytool) adds an entry to the same file.
    testing.hooks.beforeKeystoreWrite = () => {
      keytool(['-importcert', '-noprompt', '-keystore', store, '-storepass', 'changeit', '-alias', 'intruder', '-file', pemFixture('server-signed.pem')]);
    };
    const run = vscode.commands.executeCommand('miKeystores.deleteEntry', { keystore: store, alias: 'ca', password: 'changeit' });
    await assert.rejects(Promise.resolve(run), /changed on disk/);
    testing.hooks.beforeKeystoreWrite = undefined;
    assert.deepEqual(aliases(store, 'changeit'), ['ca', 'intruder', 'server']);
  });

  it('a refused write reloads the view with the file as it is on disk', async () => {
    const store = copyOf(tmp.dir, 'p12-default.p12', 'store.p12');
    testing.hooks.beforeKeystoreWrite = () => {
      keytool(['-importcert', '-noprompt', '-keystore', store, '-storepass', 'changeit', '-alias', 'intruder', '-file', pemFixture('server-signed.pem')]);
    };
    const announced = new Promise<boolean>((resolve) => {
      const sub = testing.onDidChangeModel((files) => {
        if (files.includes(store)) {
          sub.dispose();
          resolve(true);
        }
      });
    });
    await Promise.resolve(vscode.commands.executeCommand('miKeystores.deleteEntry', { keystore: store, alias: 'ca', password: 'changeit' })).catch(() => undefined);
    assert.equal(await announced, true);
  });

  it('a refused write leaves no temp file next to the store', async () => {
    const store = copyOf(tmp.dir, 'p12-default.p12', 'store.p12');
    testing.hooks.beforeKeystoreWrite = () => {
      keytool(['-importcert', '-noprompt', '-keystore', store, '-storepass', 'changeit', '-alias', 'intruder', '-file', pemFixture('server-signed.pem')]);
    };
    await Promise.resolve(vscode.commands.executeCommand('miKeystores.renameAlias', { keystore: store, alias: 'ca', newAlias: 'root', password: 'changeit' })).catch(() => undefined);
    assert.deepEqual(fs.readdirSync(tmp.dir), ['store.p12']);
  });

  it('two commands on one store run one after the other: both changes are kept', async () => {
    const store = copyOf(tmp.dir, 'p12-default.p12', 'store.p12');
    await Promise.all([
      vscode.commands.executeCommand('miKeystores.deleteEntry', { keystore: store, alias: 'ca', password: 'changeit' }),
      vscode.commands.executeCommand('miKeystores.renameAlias', { keystore: store, alias: 'server', newAlias: 'mi', password: 'changeit' }),
      vscode.commands.executeCommand('miKeystores.importCertificate', { keystore: store, certificate: pemFixture('ca.pem'), alias: 'root', password: 'changeit' }),
    ]);
    assert.deepEqual(aliases(store, 'changeit'), ['mi', 'root']);
  });

  describe('a deployment.toml with unsaved changes', () => {
    const generate = (file: string, toml: string) =>
      vscode.commands.executeCommand('miKeystores.generateKeystore', {
        path: file,
        type: 'PKCS12',
        alias: 'mi',
        dname: 'CN=mi.example.com',
        keyAlgorithm: 'RSA',
        keySize: 2048,
        validityDays: 30,
        password: 'secret123',
        role: 'primary',
        deploymentToml: toml,
      });

    it('gets the config edit in its editor, which stays dirty', async () => {
      const home = tempMiHome('[server]\nhostname = "localhost"\n');
      try {
        const doc = await vscode.workspace.openTextDocument(home.toml);
        const editor = await vscode.window.showTextDocument(doc);
        await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# unsaved note\n'));
        await generate(path.join(home.home, 'repository', 'resources', 'security', 'primary.p12'), home.toml);
        const actual = { dirty: doc.isDirty, note: doc.getText().startsWith('# unsaved note\n'), table: doc.getText().includes('[keystore.primary]') };
        assert.deepEqual(actual, { dirty: true, note: true, table: true });
      } finally {
        home.cleanup();
      }
    });

    it('is left unchanged on disk until the editor is saved', async () => {
      const original = '[server]\nhostname = "localhost"\n';
      const home = tempMiHome(original);
      try {
        const doc = await vscode.workspace.openTextDocument(home.toml);
        const editor = await vscode.window.showTextDocument(doc);
        await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# unsaved note\n'));
        await generate(path.join(home.home, 'repository', 'resources', 'security', 'primary.p12'), home.toml);
        const before = fs.readFileSync(home.toml, 'utf8');
        await doc.save();
        const actual = { before, after: fs.readFileSync(home.toml, 'utf8').includes('[keystore.primary]') };
        assert.deepEqual(actual, { before: original, after: true });
      } finally {
        home.cleanup();
      }
    });
  });

  describe('secret hygiene', () => {
    // Distinctive, so that a hit can only come from this test.
    const PASSWORD = 'Hyg13ne-Pw#7Qz';
    const NEW_PASSWORD = 'Hyg13ne-New#4Kx';
    const WRONG_PASSWORD = 'Hyg13ne-Wrong#9Lm';
    const SECRET = 'Hyg13ne-Secret#2Vb';

    /** Every byte form a password could leak in: UTF-8, UTF-16 LE/BE (Java's char[] and BMPString), base64 at each alignment, hex. */
    function needles(secret: string): Buffer[] {
      const utf8 = Buffer.from(secret, 'utf8');
      const le = Buffer.from(secret, 'utf16le');
      const be = Buffer.from(le).swap16();
      const b64 = [0, 1, 2].map((shift) => {
        // The part of the base64 that does not depend on the bytes around the password.
        const s = Buffer.concat([Buffer.alloc(shift, 0x41), utf8]).toString('base64');
        const start = Math.ceil((shift * 4) / 3) + 1;
        return Buffer.from(s.slice(start, Math.floor(((shift + utf8.length) * 4) / 3) - 1));
      });
      return [utf8, le, be, ...b64, Buffer.from(utf8.toString('hex'))];
    }

    /** Files under `dir` (recursively), optionally only those changed since `since` (ms). */
    function filesUnder(dir: string, since = 0): string[] {
      const out: string[] = [];
      const walk = (d: string) => {
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(d, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.isFile()) {
            try {
              const st = fs.statSync(p);
              if (st.mtimeMs >= since && st.size < 50 * 1024 * 1024) out.push(p);
            } catch {
              // Gone meanwhile.
            }
          }
        }
      };
      walk(dir);
      return out;
    }

    /** The files (and `label`led texts) that hold any form of any of `secrets`. */
    function hits(files: readonly string[], texts: Record<string, string>, secrets: readonly string[]): string[] {
      const all = secrets.flatMap(needles);
      const found: string[] = [];
      for (const f of files) {
        let bytes: Buffer;
        try {
          bytes = fs.readFileSync(f);
        } catch {
          continue;
        }
        if (all.some((n) => bytes.includes(n))) found.push(f);
      }
      for (const [label, text] of Object.entries(texts)) if (all.some((n) => Buffer.from(text, 'utf8').includes(n))) found.push(label);
      return found;
    }

    it('no command leaves a password in the log, storage, settings or a new temp file', async () => {
      const started = Date.now() - 1000;
      const dir = tmp.dir;
      const run = (id: string, options: object) => Promise.resolve(vscode.commands.executeCommand(id, options));
      // generate, export, CSR, import, rename, delete, change password, convert, CA reply.
      const store = path.join(dir, 'made.p12');
      await run('miKeystores.generateKeystore', { path: store, type: 'PKCS12', alias: 'mi', dname: 'CN=hygiene', keyAlgorithm: 'RSA', keySize: 2048, validityDays: 30, password: PASSWORD });
      await run('miKeystores.exportCertificate', { keystore: store, alias: 'mi', out: path.join(dir, 'mi.pem'), format: 'pem', password: PASSWORD });
      await run('miKeystores.generateCsr', { keystore: store, alias: 'mi', out: path.join(dir, 'mi.csr'), password: PASSWORD });
      await run('miKeystores.importCertificate', { keystore: store, certificate: pemFixture('ca.pem'), alias: 'ca', password: PASSWORD });
      await run('miKeystores.renameAlias', { keystore: store, alias: 'ca', newAlias: 'root', password: PASSWORD });
      await run('miKeystores.deleteEntry', { keystore: store, alias: 'root', password: PASSWORD });
      await run('miKeystores.convertKeystore', { keystore: store, out: path.join(dir, 'made.jks'), type: 'JKS', password: PASSWORD });
      await run('miKeystores.changePassword', { keystore: store, password: PASSWORD, newPassword: NEW_PASSWORD, updateConfig: false });
      const chain = copyOf(dir, 'p12-chain.p12', 'chain.p12');
      await run('miKeystores.changePassword', { keystore: chain, password: 'changeit', newPassword: PASSWORD, updateConfig: false });
      await run('miKeystores.importCaReply', { keystore: chain, alias: 'server', reply: pemFixture('reply-chain.pem'), password: PASSWORD });
      // Failures log too: a wrong password and a refused rotation must not leak either.
      await run('miKeystores.deleteEntry', { keystore: store, alias: 'mi', password: WRONG_PASSWORD }).catch(() => undefined);
      // The vault: a rotation (which writes the new store's password into deployment.toml, as asked) and its refusal.
      // The secret is decrypted in memory and re-encrypted; its plain text must not leak either.
      const ciphertext = opensslEncrypt(SECRET, pemFixture('server-signed.pem'), dir);
      const home = tempMiHome(
        `[keystore.primary]\nfile_name = "repository/resources/security/primary.p12"\ntype = "PKCS12"\npassword = "changeit"\nalias = "server"\nkey_password = "changeit"\n\n[secrets]\none = "${ciphertext}"\n`,
        { 'primary.p12': fixture('p12-chain.p12') },
      );
      const tomlBefore = fs.readFileSync(home.toml);
      try {
        await run('miKeystores.rotateInternalKeystore', { newKeystore: chain, alias: 'server', password: PASSWORD, deploymentToml: home.toml });
        // deployment.toml now holds PASSWORD because the rotation was asked to write it there; VS Code's local
        // history may keep copies of it. Those exact copies are the only files left out of the search.
        const tomlVersions = [tomlBefore, fs.readFileSync(home.toml)];
        const isTomlCopy = (f: string) => {
          try {
            const bytes = fs.readFileSync(f);
            return tomlVersions.some((v) => v.equals(bytes));
          } catch {
            return false;
          }
        };
        const storage = testing.storagePaths.flatMap((p) => filesUnder(p));
        // globalStorageUri is <user data>/User/globalStorage/<extension id>: the whole user data folder holds
        // settings.json, the state databases and the logs (the output channel's file among them).
        const userData = testing.storagePaths.length ? path.resolve(testing.storagePaths[0], '..', '..', '..') : undefined;
        const userFiles = userData ? filesUnder(userData) : [];
        const tempFiles = filesUnder(os.tmpdir(), started).filter((f) => f !== home.toml);
        const settings = vscode.workspace.getConfiguration('miKeystores');
        const texts = {
          log: testing.logLines().join('\n'),
          settings: JSON.stringify(Object.keys(settings).map((k) => settings.inspect(k))),
          userSettings: userData && fs.existsSync(path.join(userData, 'User', 'settings.json')) ? fs.readFileSync(path.join(userData, 'User', 'settings.json'), 'utf8') : '',
        };
        const actual = hits([...new Set([...storage, ...userFiles, ...tempFiles])].filter((f) => !isTomlCopy(f)), texts, [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, SECRET]);
        assert.deepEqual(actual, []);
        assert.ok(userFiles.length > 0 && tempFiles.length > 0, `searched ${userFiles.length} user data and ${tempFiles.length} new temp files`);
      } finally {
        home.cleanup();
      }
    });
  });
});
