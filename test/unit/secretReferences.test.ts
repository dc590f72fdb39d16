/**
 * `$secret{…}` references as MI's config mapper resolves them, on minimal fixtures of patterns seen in
 * public deployment.toml files (each test says where). The verdicts were judged by hand from MI's
 * behaviour: the mapper takes everything between `$secret{` and `}` as the alias, `[runtime_secrets]
 * enable = "true"` leaves references for the vault at run time, and a `[secrets]` value may be a
 * `$env{}` filled at deploy time.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { checkDocument } from '../../src/core/checks/document';
import { checkWorkspace } from '../../src/core/checks/index';
import { applyEdits } from '../../src/core/secrets/applyEdits';
import { describeSecretReference, runtimeSecretsEnabled, vaultReference } from '../../src/core/secrets/references';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import type { Problem } from '../../src/core/problem';
import { FIXTURES } from '../helpers/fixtures';

const FILE = '/mi/conf/deployment.toml';
const SEC = 'repository/resources/security';
const SECRET_CODES = new Set(['secret-alias-invalid', 'secret-undefined', 'secret-plain', 'secret-undecryptable', 'secret-transformation-mismatch']);

function secretProblems(text: string): Problem[] {
  return checkDocument(parseDeploymentToml(text, FILE)).filter((p) => SECRET_CODES.has(p.code));
}

describe('$secret{} references as the config mapper reads them', () => {
  // WSO2's vault guides (AWS Secrets Manager, Azure Key Vault, HashiCorp) write `$secret{admin-password}`.
  it('accepts a hyphenated alias defined in [secrets]', () => {
    const text = '[super_admin]\npassword = "$secret{admin-password}"\n\n[secrets]\nadmin-password = "[admin]"\n';
    assert.deepEqual(secretProblems(text).map((p) => p.code), ['secret-plain']);
  });

  it('accepts a dotted alias quoted in [secrets]', () => {
    const text = '[keystore.primary]\npassword = "$secret{ks.pass}"\n\n[secrets]\n"ks.pass" = "[changeit]"\n';
    assert.deepEqual(secretProblems(text).map((p) => p.code), ['secret-plain']);
  });

  // MI's AWS Secrets Manager guide: `[runtime_secrets] enable = "true"` with `$secret{vault:aws:keystore-password}`.
  it('is silent for vault references when [runtime_secrets] is enabled', () => {
    const text = [
      '[runtime_secrets]',
      'enable = "true"',
      '',
      '[keystore.primary]',
      'file_name = "wso2carbon.jks"',
      'password = "$secret{vault:aws:keystore-password}"',
      '',
      '[truststore]',
      'password = "$secret{vault:aws:truststore-password}"',
      '',
    ].join('\n');
    assert.deepEqual(secretProblems(text), []);
  });

  // IS 5.12+/6.x vault guides: `[runtime_secrets] enable = "true"` and a plain alias with no [secrets] entry.
  it('is silent for a plain alias with no [secrets] entry when [runtime_secrets] is enabled (boolean or string)', () => {
    const quoted = '[runtime_secrets]\nenable = "true"\n\n[keystore.primary]\npassword = "$secret{ks_pass}"\n';
    const bare = '[runtime_secrets]\nenable = true\n\n[keystore.primary]\npassword = "$secret{ks_pass}"\n';
    assert.deepEqual([secretProblems(quoted), secretProblems(bare)], [[], []]);
  });

  // IS 5.11-and-older vault guides declare vault-held aliases as empty [secrets] entries.
  it('accepts an alias declared with an empty [secrets] value (a vault placeholder)', () => {
    const text = '[super_admin]\npassword = "$secret{admin-password}"\n\n[secrets]\nadmin-password = ""\n';
    assert.deepEqual(secretProblems(text), []);
  });

  it('still reports an undefined alias when [runtime_secrets] is disabled', () => {
    const text = '[runtime_secrets]\nenable = "false"\n\n[keystore.primary]\npassword = "$secret{ks_pass}"\n';
    assert.deepEqual(secretProblems(text).map((p) => [p.code, p.severity]), [['secret-undefined', 'error']]);
  });

  it('reports a vault reference without [runtime_secrets], with a fix that enables it', () => {
    const text = '[keystore.primary]\npassword = "$secret{vault:aws:keystore-password}"\n';
    const [problem, ...rest] = secretProblems(text);
    assert.deepEqual([problem.code, rest], ['secret-undefined', []]);
    assert.match(problem.message, /vault reference \(vault repository "aws"\), but \[runtime_secrets\] is not enabled/);
    const after = applyEdits(text, problem.fixes[0].edits ?? []);
    assert.deepEqual(secretProblems(after), []);
    assert.ok(runtimeSecretsEnabled(parseDeploymentToml(after, FILE)));
  });

  it('flags a [secrets] alias that cannot be a key of cipher-text.properties', () => {
    const text = '[secrets]\n"my key" = "[x]"\n';
    assert.deepEqual(secretProblems(text).map((p) => p.code), ['secret-alias-invalid', 'secret-plain']);
  });

  it('splits a vault reference into provider, repository and name (a version suffix stays in the name)', () => {
    assert.deepEqual(vaultReference('vault:aws:keystore-password#9d21'), { provider: 'vault', repository: 'aws', name: 'keystore-password#9d21' });
    assert.equal(vaultReference('admin-password'), undefined);
  });
});

describe('how a $secret{} password is described', () => {
  const doc = (text: string) => parseDeploymentToml(text, FILE);

  it('never calls a vault reference "encrypted by the cipher tool"', () => {
    const actual = describeSecretReference(doc('[runtime_secrets]\nenable = "true"\n'), 'vault:aws:keystore-password');
    assert.equal(actual, '$secret{vault:aws:keystore-password}, read from the vault repository "aws" at run time');
  });

  it('names a cipher tool ciphertext, a deploy-time $env{} and a missing alias for what they are', () => {
    const text = '[secrets]\na = "c2VjcmV0"\nb = "$env{B}"\n';
    const actual = ['a', 'b', 'c'].map((alias) => describeSecretReference(doc(text), alias));
    assert.deepEqual(actual, [
      '$secret{a}, encrypted by the cipher tool in [secrets]',
      '$secret{b}, whose ciphertext [secrets] takes from the deployment environment',
      '$secret{c}, which [secrets] does not define',
    ]);
  });

  it('says so in password-unresolved of an MI home whose keystore password is a vault reference', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-secret-refs-'));
    try {
      fs.mkdirSync(path.join(root, 'conf'));
      fs.mkdirSync(path.join(root, SEC), { recursive: true });
      fs.copyFileSync(path.join(FIXTURES, 'jks-chain.jks'), path.join(root, SEC, 'ks.jks'));
      const text = `[runtime_secrets]\nenable = "true"\n\n[keystore.primary]\nfile_name = "${SEC}/ks.jks"\ntype = "JKS"\npassword = "$secret{vault:aws:keystore-password}"\nalias = "server"\n`;
      fs.writeFileSync(path.join(root, 'conf/deployment.toml'), text);
      const ws: MiRuntimeHome = { kind: 'runtime', root, deploymentToml: path.join(root, 'conf/deployment.toml') };
      const problems = await checkWorkspace(ws, { cache: new KeystoreCache(), env: {} });
      const unresolved = problems.filter((p) => p.code === 'password-unresolved').map((p) => p.message);
      assert.ok(unresolved.length > 0 && unresolved.every((m) => !m.includes('encrypted by the cipher tool')), unresolved.join('\n'));
      assert.ok(unresolved.some((m) => m.includes('read from the vault repository "aws" at run time')), unresolved.join('\n'));
      assert.deepEqual(problems.filter((p) => SECRET_CODES.has(p.code)), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
