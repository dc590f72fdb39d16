/**
 * A transport's keystore is handed whole to a KeyManagerFactory, whose SunX509 key manager calls getKey on
 * every key entry with the key password, secret keys included. Found with a JDK 17 harness doing MI's load
 * (real-keystores file 236 and a keytool-made JCEKS): a secret key under another password stops the HTTPS
 * listener with UnrecoverableKeyException, though the store and its private key open.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWorkspace } from '../../src/core/checks/index';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { keytool } from '../helpers/keytool';

const SEC = 'repository/resources/security';

describe("a transport keystore's secret keys (keytool JCEKS)", function () {
  this.timeout(60_000);
  let home: string;
  let ws: MiRuntimeHome;

  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'key-manager-'));
    fs.mkdirSync(path.join(home, SEC), { recursive: true });
    fs.mkdirSync(path.join(home, 'conf'));
    const store = path.join(home, SEC, 'listener.jceks');
    const common = ['-keystore', store, '-storetype', 'JCEKS', '-storepass', 'changeit'];
    keytool(['-genkeypair', '-alias', 'server', '-keyalg', 'EC', '-dname', 'CN=localhost', ...common, '-keypass', 'changeit']);
    keytool(['-genseckey', '-alias', 'same', '-keyalg', 'AES', '-keysize', '128', ...common, '-keypass', 'changeit']);
    keytool(['-genseckey', '-alias', 'other', '-keyalg', 'AES', '-keysize', '128', ...common, '-keypass', 'another-pw']);
    ws = { kind: 'runtime', root: home, deploymentToml: path.join(home, 'conf', 'deployment.toml') };
    fs.writeFileSync(
      ws.deploymentToml,
      `[transport.http]\nlistener.keystore.location = "${SEC}/listener.jceks"\nlistener.keystore.type = "JCEKS"\nlistener.keystore.password = "changeit"\nlistener.keystore.key_password = "changeit"\n`,
    );
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  // A hostile store: keys sealed at the JDK's cap of 5,000,000 iterations (each ~20 s to open here) are
  // past the check's work budget and not tried; the check stays quick and says nothing false of them.
  it('does not open keys past its work budget (5,000,000-iteration seals)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-manager-hostile-'));
    try {
      fs.mkdirSync(path.join(dir, SEC), { recursive: true });
      fs.mkdirSync(path.join(dir, 'conf'));
      const store = path.join(dir, SEC, 'listener.jceks');
      const common = ['-keystore', store, '-storetype', 'JCEKS', '-storepass', 'changeit'];
      keytool(['-genkeypair', '-alias', 'server', '-keyalg', 'EC', '-dname', 'CN=localhost', ...common, '-keypass', 'changeit']);
      keytool(['-J-Djdk.jceks.iterationCount=5000000', '-genseckey', '-alias', 'slow', '-keyalg', 'AES', '-keysize', '128', ...common, '-keypass', 'another-pw']);
      fs.writeFileSync(
        path.join(dir, 'conf', 'deployment.toml'),
        `[transport.http]\nlistener.keystore.location = "${SEC}/listener.jceks"\nlistener.keystore.type = "JCEKS"\nlistener.keystore.password = "changeit"\nlistener.keystore.key_password = "changeit"\n`,
      );
      const started = Date.now();
      const problems = await checkWorkspace({ kind: 'runtime', root: dir, deploymentToml: path.join(dir, 'conf', 'deployment.toml') }, { cache: new KeystoreCache(), env: {} });
      const elapsed = Date.now() - started;
      assert.deepEqual(problems.filter((p) => p.code === 'wrong-key-password').map((p) => p.message), []);
      assert.ok(elapsed < 5000, `the check took ${elapsed} ms`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports the secret key the key password does not open, and only that one', async () => {
    const problems = await checkWorkspace(ws, { cache: new KeystoreCache(), env: {} });
    const actual = problems.filter((p) => p.code === 'wrong-key-password').map((p) => [p.severity, p.range.start.line, /secret key "other"/.test(p.message)]);
    assert.deepEqual(actual, [['error', 4, true]]);
  });
});
