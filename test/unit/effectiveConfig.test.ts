/** The effective configuration: values, their origins (a line or a default through $ref) and anchors. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { buildEffectiveConfig, storeById, type EffectiveConfig } from '../../src/core/workspace/effectiveConfig';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import { itShared, WSO2 } from '../helpers/fixtures';

const ROOT = path.join(os.tmpdir(), 'mi-effective-not-created');
const HOME: MiRuntimeHome = { kind: 'runtime', root: ROOT, deploymentToml: path.join(ROOT, 'conf/deployment.toml') };

function effective(text: string, options: Parameters<typeof buildEffectiveConfig>[2] = {}): EffectiveConfig {
  return buildEffectiveConfig(parseDeploymentToml(text, HOME.deploymentToml), HOME, options);
}

function store(config: EffectiveConfig, id: string) {
  const s = storeById(config, id);
  assert.ok(s, `no store ${id}`);
  return s;
}

describe('effective configuration', () => {
  it('gives MI\'s defaults when the file has no keystore table', () => {
    const primary = store(effective('[server]\nhostname = "x"\n'), 'primary');
    const actual = [primary.file.value, primary.type?.value, primary.password?.state, primary.password?.value, primary.alias?.value];
    assert.deepEqual(actual, ['repository/resources/security/wso2carbon.jks', 'JKS', 'default', 'wso2carbon', 'wso2carbon']);
    assert.deepEqual(primary.file.origin, { kind: 'default' });
    assert.deepEqual(primary.file.anchor.start, { line: 0, character: 0 });
  });

  it('resolves the path against MI_HOME', () => {
    assert.equal(store(effective(''), 'truststore').path, path.join(ROOT, 'repository/resources/security/client-truststore.jks'));
  });

  it('takes written values from their line', () => {
    const primary = store(effective('[keystore.primary]\nfile_name = "a.p12"\ntype = "PKCS12"\n'), 'primary');
    assert.deepEqual(primary.file.origin, { kind: 'line', range: { start: { line: 1, character: 12 }, end: { line: 1, character: 19 } }, key: 'keystore.primary.file_name' });
    assert.equal(primary.type?.value, 'PKCS12');
  });

  it('defaults the internal keystore key by key to the primary through $ref', () => {
    const config = effective('[keystore.primary]\nfile_name = "p.jks"\npassword = "pw123456"\n\n[keystore.internal]\nfile_name = "i.jks"\n');
    const internal = store(config, 'internal');
    assert.equal(internal.file.value, 'i.jks');
    assert.equal(internal.password?.value, 'pw123456');
    assert.deepEqual(internal.password?.origin, { kind: 'line', range: { start: { line: 2, character: 11 }, end: { line: 2, character: 21 } }, key: 'keystore.primary.password', via: 'keystore.primary.password' });
    assert.deepEqual(internal.alias?.origin, { kind: 'default', via: 'keystore.primary.alias' });
  });

  it('anchors an inherited value on the header of the table that inherits it', () => {
    const internal = store(effective('[keystore.primary]\npassword = "pw123456"\n\n[keystore.internal]\nfile_name = "i.jks"\n'), 'internal');
    assert.deepEqual(internal.password?.anchor.start, { line: 3, character: 0 });
  });

  it('anchors a transport without a table on the primary line it inherits', () => {
    const listener = store(effective('[keystore.primary]\npassword = "pw123456"\n'), 'https-listener-keystore');
    assert.deepEqual(listener.password?.anchor.start, { line: 1, character: 11 });
  });

  itShared('follows a $ref written as a value', () => {
    const text = fs.readFileSync(path.join(WSO2, 'mi-config-tool/deployment-full.toml'), 'utf8');
    const internal = store(effective(text), 'internal');
    assert.equal(internal.file.value, 'repository/resources/security/wso2carbon.jks');
    assert.equal(internal.file.origin.kind === 'line' && internal.file.origin.via, 'keystore.primary.file_name');
  });

  itShared('lists every consumer of deployment-full.toml, custom transports included', () => {
    const text = fs.readFileSync(path.join(WSO2, 'mi-config-tool/deployment-full.toml'), 'utf8');
    const ids = effective(text).stores.map((s) => s.id);
    for (const id of ['primary', 'internal', 'truststore', 'https-listener-keystore', 'https-sender-truststore', 'vfs-listener-keystore', 'internal-api-keystore', 'custom-transport-listener-keystore[0]', 'custom-transport-sender-truststore[0]']) {
      assert.ok(ids.includes(id), id);
    }
  });

  itShared('skips RabbitMQ stores whose location is empty', () => {
    const text = fs.readFileSync(path.join(WSO2, 'mi-config-tool/deployment-full.toml'), 'utf8');
    assert.equal(effective(text).stores.some((s) => s.consumer.includes('rabbitmq')), false);
  });

  itShared('keeps the VFS listener key password apart from its store password', () => {
    const text = fs.readFileSync(path.join(WSO2, 'deployment-toml-samples/test-vfs-listener-keystore.deployment.toml'), 'utf8');
    const vfs = store(effective(text), 'vfs-listener-keystore');
    assert.deepEqual([vfs.password?.value, vfs.keyPassword?.value, vfs.alias?.value, vfs.keyRecovery], ['edcrfv', 'qazwsx', 'vfs', 'key-password']);
  });

  describe('passwords', () => {
    it('leaves $secret{} unresolved unless the caller supplies it', () => {
      const text = '[keystore.primary]\npassword = "$secret{ks}"\n\n[secrets]\nks = "c2VjcmV0IGJ5dGVz"\n';
      assert.deepEqual([store(effective(text), 'primary').password?.state, store(effective(text), 'primary').password?.value], ['secret', undefined]);
      assert.equal(store(effective(text, { secretPasswords: { ks: 'supplied' } }), 'primary').password?.value, 'supplied');
    });
    it('uses a [secrets] value still written as [plain text]', () => {
      const text = '[keystore.primary]\npassword = "$secret{ks}"\n\n[secrets]\nks = "[plain-value]"\n';
      assert.equal(store(effective(text), 'primary').password?.value, 'plain-value');
    });
    it('reads $env{} from the environment given', () => {
      const text = '[keystore.primary]\npassword = "$env{KS_PW}"\n';
      const unset = store(effective(text, { env: {} }), 'primary').password;
      const set = store(effective(text, { env: { KS_PW: 'from-env' } }), 'primary').password;
      assert.deepEqual([unset?.state, unset?.envVar, unset?.value, set?.value], ['env', 'KS_PW', undefined, 'from-env']);
    });
    it('marks the built-in default', () => {
      assert.equal(store(effective(''), 'truststore').password?.state, 'default');
    });
  });
});
