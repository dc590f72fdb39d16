/**
 * The cipher transformation MI really uses (deployment.toml's `[system.parameter]`, else the home's
 * conf/carbon.properties, else MI 4.x's OAEP-SHA1), the encryptors that follow it, and the checks of
 * `[secrets]` values: `secret-transformation-mismatch`, and `secret-undecryptable` saying what a value is.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import type { TomlDocument } from '../../src/core/config/toml';
import { applyEdits } from '../../src/core/secrets/applyEdits';
import { decryptSecret, encryptSecret } from '../../src/core/secrets/cipher';
import { encryptOneSecretEdit, encryptPlainSecretsEdits, reencryptSecretsEdits } from '../../src/core/secrets/encryptPlan';
import { RotationRefusedError } from '../../src/core/errors';
import { moveToSecretsEdits } from '../../src/core/secrets/moveToSecrets';
import { planInternalRotation, readInternalKey, type NewInternalKey } from '../../src/core/secrets/rotate';
import { checkSecretsDecryptable } from '../../src/core/secrets/secretChecks';
import {
  effectiveTransformation,
  transformationInProperties,
  workspaceTransformation,
  type EffectiveTransformation,
} from '../../src/core/secrets/transformation';
import { checkWorkspace } from '../../src/core/checks/index';
import { hoverAt } from '../../src/core/config/assist';
import { createAssistContext } from '../../src/core/workspace/assistContext';
import { buildEffectiveConfig } from '../../src/core/workspace/effectiveConfig';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import type { MiProject, MiRuntimeHome } from '../../src/core/workspace/discover';
import { FIXTURES, WSO2, itShared } from '../helpers/fixtures';

const MI46 = path.join(WSO2, 'mi-config-tool-4.6');
const SEC = 'repository/resources/security';
const OAEP = 'RSA/ECB/OAEPwithSHA1andMGF1Padding';
const FILE = '/mi/conf/deployment.toml';
const SET_RSA = `[system.parameter]\n'org.wso2.CipherTransformation' = "RSA"\n`;

let key: NewInternalKey;
let otherKey: NewInternalKey;
const temps: string[] = [];

before(async () => {
  key = await readInternalKey(path.join(FIXTURES, 'jks-chain.jks'), 'server', 'changeit');
  otherKey = await readInternalKey(path.join(FIXTURES, 'jks-rsa.jks'), 'server', 'changeit');
});

after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

function parse(text: string, file = FILE): TomlDocument {
  return parseDeploymentToml(text, file);
}

function formOf(ciphertextToml: string): string | false {
  const result = decryptSecret(ciphertextToml.replace(/^"|"$/g, ''), key.pkcs8);
  return result.ok && result.form;
}

/** An MI home whose primary (= internal) keystore is jks-chain.jks, with `carbonProperties` in conf/ when given. */
function home(toml: string, carbonProperties?: string): MiRuntimeHome {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-transformation-'));
  temps.push(root);
  fs.mkdirSync(path.join(root, 'conf'));
  fs.mkdirSync(path.join(root, SEC), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'jks-chain.jks'), path.join(root, SEC, 'ks.jks'));
  const text = `[keystore.primary]\nfile_name = "${SEC}/ks.jks"\ntype = "JKS"\npassword = "changeit"\nalias = "server"\nkey_password = "changeit"\n\n${toml}`;
  fs.writeFileSync(path.join(root, 'conf/deployment.toml'), text);
  if (carbonProperties !== undefined) fs.writeFileSync(path.join(root, 'conf/carbon.properties'), carbonProperties);
  return { kind: 'runtime', root, deploymentToml: path.join(root, 'conf/deployment.toml') };
}

describe('the effective cipher transformation', () => {
  it("is MI 4.x's OAEP-SHA1 when nothing overrides it, and says so", () => {
    const actual = effectiveTransformation(parse('[server]\nhostname = "localhost"\n'));
    assert.deepEqual([actual.transformation, actual.source], [OAEP, 'default']);
    assert.match(actual.reason, /MI 4\.x's default/);
  });

  it("is deployment.toml's [system.parameter] 'org.wso2.CipherTransformation', over carbon.properties", () => {
    const actual = effectiveTransformation(parse(SET_RSA), `org.wso2.CipherTransformation=${OAEP}\n`);
    assert.deepEqual([actual.transformation, actual.source, actual.range?.start.line], ['RSA', 'deployment.toml', 1]);
  });

  it('takes the property only as one quoted key, as WSO2 writes it (unquoted, TOML nests it and MI keeps its default)', () => {
    const quoted = effectiveTransformation(parse(`[system]\nparameter."org.wso2.CipherTransformation" = "RSA"\n`));
    const dotted = effectiveTransformation(parse('[system.parameter]\norg.wso2.CipherTransformation = "RSA"\n'));
    assert.deepEqual([quoted.transformation, dotted.transformation], ['RSA', OAEP]);
  });

  it("is the home's conf/carbon.properties when deployment.toml does not set it", () => {
    const actual = effectiveTransformation(parse(''), '# edited\norg.wso2.CipherTransformation = RSA\n');
    assert.deepEqual([actual.transformation, actual.source], ['RSA', 'carbon.properties']);
  });

  it('reads Java properties forms, keeps the last definition and ignores other keys and comments', () => {
    const text = '#org.wso2.CipherTransformation=commented\norg.wso2.CipherTransformationX=other\norg.wso2.CipherTransformation: first\n  org.wso2.CipherTransformation   RSA\n';
    assert.equal(transformationInProperties(text), 'RSA');
    assert.equal(transformationInProperties('org.wso2.SecureVaultPasswordRegEx=^[\\\\S]{5,30}$\n'), undefined);
  });

  it('reads conf/carbon.properties of a runtime home, and none for an integration project', async () => {
    const ws = home('', 'org.wso2.CipherTransformation=RSA\n');
    const doc = parse('', ws.deploymentToml);
    const project: MiProject = { kind: 'project', root: ws.root, deploymentToml: ws.deploymentToml, pomXml: path.join(ws.root, 'pom.xml'), dockerfile: null, resourcesDir: ws.root };
    assert.deepEqual([(await workspaceTransformation(doc, ws)).transformation, (await workspaceTransformation(doc, project)).transformation], ['RSA', OAEP]);
  });

  it('does not read a carbon.properties outside the workspace folder of an untrusted workspace', async () => {
    const ws = home('', 'org.wso2.CipherTransformation=RSA\n');
    const actual = await workspaceTransformation(parse('', ws.deploymentToml), ws, { readOutside: false, workspaceFolder: path.join(ws.root, 'conf', 'elsewhere') });
    assert.equal(actual.transformation, OAEP);
  });

  itShared("agrees with MI 4.6's shipped carbon.properties and default.json", () => {
    const shipped = transformationInProperties(fs.readFileSync(path.join(MI46, 'carbon.properties'), 'utf8'));
    const defaults = JSON.parse(fs.readFileSync(path.join(MI46, 'default.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual([shipped, defaults["system.parameter.'org.wso2.CipherTransformation'"]], [OAEP, OAEP]);
  });
});

describe('encryptors use the effective transformation', () => {
  // Before, every encryptor fell back to "RSA" (PKCS#1 v1.5), which a stock MI 4.x does not decrypt.
  it('encrypt-secrets writes OAEP-SHA1 when nothing is configured', () => {
    const doc = parse('[secrets]\na = "[alpha]"\n');
    assert.deepEqual(encryptPlainSecretsEdits(doc, key.certificate).map((e) => formOf(e.newText)), ['oaep-sha1']);
  });

  it('the secret-plain fix writes OAEP-SHA1 when nothing is configured, and PKCS#1 v1.5 when "RSA" is', () => {
    const plain = '[secrets]\na = "[alpha]"\n';
    const actual = [parse(plain), parse(`${SET_RSA}\n${plain}`)].map((doc) => formOf(encryptOneSecretEdit(doc, 'a', key.certificate)?.newText ?? ''));
    assert.deepEqual(actual, ['oaep-sha1', 'pkcs1']);
  });

  it('the move-to-[secrets] fix writes OAEP-SHA1 when nothing is configured', () => {
    const doc = parse('[keystore.primary]\npassword = "s3cret!"\n');
    const plan = moveToSecretsEdits(doc, 'keystore.primary.password', key.certificate);
    const after = parse(applyEdits(doc.text, plan.edits));
    const value = after.tables.find((t) => t.name === 'secrets')?.entries[0].value.value as string;
    assert.equal(formOf(value), 'oaep-sha1');
  });

  it("rotate-internal follows the home's carbon.properties and says why", async () => {
    const ws = home(`[secrets]\na = "${encryptSecret('alpha', key.certificate)}"\n`, 'org.wso2.CipherTransformation=RSA\n');
    const doc = parse(fs.readFileSync(ws.deploymentToml, 'utf8'), ws.deploymentToml);
    const plan = await planInternalRotation(buildEffectiveConfig(doc, ws, { env: {} }), { ...otherKey, path: path.join(ws.root, SEC, 'new.jks') });
    const secret = parse(applyEdits(doc.text, plan.edits)).tables.find((t) => t.name === 'secrets')?.entries[0].value.value as string;
    const decrypted = decryptSecret(secret, otherKey.pkcs8);
    assert.deepEqual([plan.transformation, decrypted.ok && decrypted.form], ['RSA', 'pkcs1']);
    assert.match(plan.transformationReason, /carbon\.properties/);
  });
});

describe('secret-transformation-mismatch', () => {
  const oaepEffective = (): EffectiveTransformation => effectiveTransformation(parse(''));
  const rsaEffective = (): EffectiveTransformation => effectiveTransformation(parse(SET_RSA));

  it('reports a PKCS#1 v1.5 ciphertext when MI decrypts with OAEP, on its value, as an error with the reason', () => {
    const doc = parse(`[secrets]\nok = "${encryptSecret('x', key.certificate, OAEP)}"\nold = "${encryptSecret('y', key.certificate, 'RSA')}"\n`);
    const actual = checkSecretsDecryptable(doc, key, oaepEffective());
    assert.deepEqual(actual.map((p) => [p.code, p.severity, p.range.start.line]), [['secret-transformation-mismatch', 'error', 2]]);
    assert.match(actual[0].message, /"old" was encrypted with PKCS#1 v1\.5 padding, but MI decrypts with RSA\/ECB\/OAEPwithSHA1andMGF1Padding \(MI 4\.x's default/);
    assert.ok(!actual[0].message.includes('y"'));
  });

  it('re-encrypts with the effective transformation in its quick fix, after which the check is silent', () => {
    const doc = parse(`[secrets]\nold = "${encryptSecret('y', key.certificate, 'RSA')}"\n`);
    const [problem] = checkSecretsDecryptable(doc, key, oaepEffective());
    const after = parse(applyEdits(doc.text, problem.fixes[0].edits ?? []));
    const value = after.tables.find((t) => t.name === 'secrets')?.entries[0].value.value as string;
    assert.deepEqual([problem.fixes[0].title, formOf(value), checkSecretsDecryptable(after, key, oaepEffective())], ['Re-encrypt "old" with RSA/ECB/OAEPwithSHA1andMGF1Padding', 'oaep-sha1', []]);
    assert.equal((decryptSecret(value, key.pkcs8) as { plaintext: string }).plaintext, 'y');
  });

  it('reports an OAEP ciphertext when deployment.toml configures "RSA"', () => {
    const doc = parse(`${SET_RSA}\n[secrets]\na = "${encryptSecret('x', key.certificate, OAEP)}"\n`);
    assert.deepEqual(checkSecretsDecryptable(doc, key, rsaEffective()).map((p) => p.code), ['secret-transformation-mismatch']);
  });

  it('is silent for a self-contained envelope, which names its own transformation', () => {
    const c = encryptSecret('x', key.certificate, 'RSA');
    const envelope = Buffer.from(JSON.stringify({ c, t: 'RSA' })).toString('base64');
    assert.deepEqual(checkSecretsDecryptable(parse(`[secrets]\na = "${envelope}"\n`), key, oaepEffective()), []);
  });

  it('has no verdict for a transformation this engine does not know', () => {
    const doc = parse(`[system.parameter]\n'org.wso2.CipherTransformation' = "RSA/ECB/OAEPWithSHA-256AndMGF1Padding"\n[secrets]\na = "${encryptSecret('x', key.certificate, 'RSA')}"\n`);
    assert.deepEqual(checkSecretsDecryptable(doc, key, effectiveTransformation(doc)), []);
  });

  it('fires in an MI home for a PKCS#1 v1.5 secret, and not when the home configures "RSA" in carbon.properties', async () => {
    const secrets = `[secrets]\na = "${encryptSecret('x', key.certificate, 'RSA')}"\n`;
    const codes = async (ws: MiRuntimeHome) => (await checkWorkspace(ws, { env: {}, cache: new KeystoreCache() })).filter((p) => p.code.startsWith('secret-')).map((p) => p.code);
    assert.deepEqual([await codes(home(secrets)), await codes(home(secrets, 'org.wso2.CipherTransformation=RSA\n'))], [['secret-transformation-mismatch'], []]);
  });
});

describe('secret-undecryptable says what a value is', () => {
  const effective = (): EffectiveTransformation => effectiveTransformation(parse(''));

  // A ciphertext supplied at deploy time: WSO2's "dynamic secrets" page (encrypted with apictl, passed in
  // as an environment variable or a system property) writes exactly these two forms.
  it('is silent for a [secrets] value taken from $env{} or $sys{} at deploy time', () => {
    const env = parse('[secrets]\nserver_secret = "$env{dynamic_secret}"\n');
    const sys = parse('[secrets]\nserver_secret = "$sys{dynamic_secret}"\n');
    assert.deepEqual([checkSecretsDecryptable(env, key, effective()), checkSecretsDecryptable(sys, key, effective())], [[], []]);
  });

  it('makes a rotation refuse such a secret, saying it is re-encrypted where it is made', () => {
    const doc = parse('[secrets]\nserver_secret = "$env{dynamic_secret}"\n');
    assert.throws(
      () => reencryptSecretsEdits(doc, key, otherKey.certificate),
      (err: unknown) => err instanceof RotationRefusedError && err.deployTime && /"server_secret" is supplied at deploy time/.test(err.message),
    );
  });

  it('is silent for an empty placeholder', () => {
    assert.deepEqual(checkSecretsDecryptable(parse('[secrets]\nadmin-password = ""\n'), key, effective()), []);
  });

  it('calls a value that is not base64 "not a cipher tool ciphertext", never "another key", and does not quote it', () => {
    const [problem] = checkSecretsDecryptable(parse('[secrets]\ndb = "my db pass!"\n'), key, effective());
    assert.equal(problem.code, 'secret-undecryptable');
    assert.match(problem.message, /not a cipher tool ciphertext at all/);
    assert.ok(!/another key/.test(problem.message) && !problem.message.includes('my db pass'));
  });

  it('calls base64 of the wrong length a cut-short or never-encrypted value, with both sizes', () => {
    const [problem] = checkSecretsDecryptable(parse('[secrets]\ndb = "c2VjcmV0"\n'), key, effective());
    assert.match(problem.message, /decodes to 6 bytes, but a ciphertext of the internal key "server".* is 256 bytes/);
    assert.ok(!/another key/.test(problem.message));
  });

  it('still says "encrypted with another key" for a whole ciphertext of another key', () => {
    const [problem] = checkSecretsDecryptable(parse(`[secrets]\nx = "${encryptSecret('x', otherKey.certificate)}"\n`), key, effective());
    assert.match(problem.message, /encrypted with another key/);
  });
});

describe('hover says which transformation MI decrypts [secrets] with, and why', () => {
  async function hoverOn(ws: MiRuntimeHome, line: number): Promise<string | undefined> {
    const doc = parse(fs.readFileSync(ws.deploymentToml, 'utf8'), ws.deploymentToml);
    return (await hoverAt(doc, { line, character: 2 }, createAssistContext(ws, doc, { cache: new KeystoreCache(), env: {} })))?.contents;
  }

  it("on a [secrets] entry of a stock home: OAEP-SHA1, MI 4.x's default", async () => {
    const actual = await hoverOn(home('[secrets]\nadmin = "[a]"\n'), 8);
    assert.match(actual ?? '', /\*\*Secret `admin`\*\*[\s\S]*`RSA\/ECB\/OAEPwithSHA1andMGF1Padding`: MI 4\.x's default/);
  });

  it("on a [secrets] entry of a home whose carbon.properties says RSA", async () => {
    const actual = await hoverOn(home('[secrets]\nadmin = "[a]"\n', 'org.wso2.CipherTransformation=RSA\n'), 8);
    assert.match(actual ?? '', /`RSA`: the MI home's conf\/carbon\.properties sets/);
  });

  it("on [system.parameter] 'org.wso2.CipherTransformation' itself", async () => {
    const actual = await hoverOn(home(SET_RSA), 8);
    assert.match(actual ?? '', /org\.wso2\.CipherTransformation[\s\S]*`RSA`: deployment\.toml sets/);
  });
});
