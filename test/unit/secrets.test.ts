/**
 * The secure vault's plans (encrypt, move a password into [secrets], rotate the internal keystore) and the
 * `secret-undecryptable` check on WSO2's own sample. Keys come from the keytool-made fixtures.
 */
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import type { TomlDocument } from '../../src/core/config/toml';
import type { TextEdit } from '../../src/core/problem';
import { applyEdits } from '../../src/core/secrets/applyEdits';
import { decryptSecret, encryptSecret } from '../../src/core/secrets/cipher';
import {
  configuredTransformation,
  encryptOneSecretEdit,
  encryptPlainSecretsEdits,
  plainSecrets,
} from '../../src/core/secrets/encryptPlan';
import { moveToSecretsEdits, secretAliasFor } from '../../src/core/secrets/moveToSecrets';
import { InternalKeyUnavailableError, KeyPasswordDiffersError, RotationRefusedError } from '../../src/core/errors';
import {
  internalTableEdits,
  planInternalRotation,
  readInternalKey,
  rotateInternalKeystoreEdits,
  type NewInternalKey,
} from '../../src/core/secrets/rotate';
import { buildEffectiveConfig } from '../../src/core/workspace/effectiveConfig';
import { checkSecretsDecryptable, secretCiphertexts } from '../../src/core/secrets/secretChecks';
import { checkWorkspace } from '../../src/core/checks/index';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import { describeShared, FIXTURES, WSO2 } from '../helpers/fixtures';

const SEC = 'repository/resources/security';
const OAEP = 'RSA/ECB/OAEPwithSHA1andMGF1Padding';
const FILE = '/mi/conf/deployment.toml';

let oldKey: NewInternalKey;
let newKey: NewInternalKey;
const temps: string[] = [];

before(async () => {
  oldKey = await readInternalKey(path.join(FIXTURES, 'jks-chain.jks'), 'server', 'changeit');
  newKey = await readInternalKey(path.join(FIXTURES, 'jks-rsa.jks'), 'server', 'changeit');
});

after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-secrets-'));
  temps.push(dir);
  return dir;
}

function parse(text: string): TomlDocument {
  return parseDeploymentToml(text, FILE);
}

function apply(doc: TomlDocument, edits: readonly TextEdit[]): TomlDocument {
  return parse(applyEdits(doc.text, edits));
}

/** The `[secrets]` values of a document by alias. */
function secretValues(doc: TomlDocument): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of doc.tables) for (const e of t.entries) if (e.fullKey.startsWith('secrets.')) out[e.fullKey.slice(8)] = String(e.value.value);
  return out;
}

/** The text with every `[secrets]` value replaced by a marker, to compare everything around them. */
function withoutSecretValues(doc: TomlDocument): string {
  const ranges = doc.tables.flatMap((t) => t.entries).filter((e) => e.fullKey.startsWith('secrets.')).map((e) => e.value.range);
  return applyEdits(doc.text, ranges.map((range) => ({ range, newText: '<value>' })));
}

function decryptAll(doc: TomlDocument, pkcs8: Uint8Array): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [alias, value] of Object.entries(secretValues(doc))) {
    const r = decryptSecret(value, pkcs8);
    out[alias] = r.ok ? r.plaintext : null;
  }
  return out;
}

const PLAIN_TOML = [
  '# MI config',
  '[server]',
  'hostname = "localhost"   # kept',
  '',
  '[secrets]',
  '# the admin password',
  'admin_pwd   =   "[admin]"',
  'db_pwd = "[pä ss]"  # trailing comment',
  '',
  '[[datasource]]',
  'password = "$secret{db_pwd}"',
  '',
].join('\r\n');

/** MGF1 with SHA-1 (RFC 8017 B.2.1). */
function mgf1(seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 0; out.length * 20 < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    out.push(crypto.createHash('sha1').update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * An RSA-OAEP (SHA-1) ciphertext of `message` for `publicKey` whose encoded message also unpads as PKCS#1
 * v1.5 (00 02, eight non-zero bytes, then a 00): the seed is searched for (RFC 8017 §7.1.1), ~1 in 500.
 */
function oaepLookingLikePkcs1(message: Buffer, publicKey: crypto.KeyObject): Buffer {
  const k = Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const lHash = crypto.createHash('sha1').digest();
  const db = Buffer.concat([lHash, Buffer.alloc(k - message.length - 2 * 20 - 2), Buffer.from([1]), message]);
  for (;;) {
    const seed = crypto.randomBytes(20);
    const dbMask = mgf1(seed, db.length);
    const maskedDb = Buffer.from(db.map((b, i) => b ^ dbMask[i]));
    const seedMask = mgf1(maskedDb, 20);
    const maskedSeed = Buffer.from(seed.map((b, i) => b ^ seedMask[i]));
    const em = Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
    if (em[1] === 2 && em.subarray(2, 10).every((b) => b !== 0) && em.indexOf(0, 10) !== -1) {
      return crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_NO_PADDING }, em);
    }
  }
}

describe('decryptSecret', () => {
  it('reads an OAEP ciphertext that also unpads as PKCS#1 v1.5 as OAEP, not as garbage', () => {
    const publicKey = new crypto.X509Certificate(oldKey.certificate).publicKey;
    const ciphertext = oaepLookingLikePkcs1(Buffer.from('admin-password'), publicKey);
    const actual = decryptSecret(ciphertext.toString('base64'), oldKey.pkcs8);
    assert.deepEqual(actual, { ok: true, plaintext: 'admin-password', form: 'oaep-sha1' });
  });
});

describe('applyEdits', () => {
  it('applies non-overlapping edits and keeps every other character', () => {
    const text = 'a = "1"\nb = "2"\n';
    const actual = applyEdits(text, [
      { range: { start: { line: 1, character: 4 }, end: { line: 1, character: 7 } }, newText: '"two"' },
      { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } }, newText: '"one"' },
    ]);
    assert.equal(actual, 'a = "one"\nb = "two"\n');
  });

  it('keeps insertions at the same point in list order', () => {
    const at = { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } };
    const actual = applyEdits('ab', [
      { range: at, newText: '1' },
      { range: at, newText: '2' },
    ]);
    assert.equal(actual, 'a12b');
  });

  it('refuses overlapping edits', () => {
    const edits = [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, newText: 'x' },
      { range: { start: { line: 0, character: 2 }, end: { line: 0, character: 4 } }, newText: 'y' },
    ];
    assert.throws(() => applyEdits('abcdef', edits), RangeError);
  });
});

describe('encrypt [plain] secrets', () => {
  it('replaces every [plain] value by a ciphertext the internal key decrypts to the plain text', () => {
    const doc = parse(PLAIN_TOML);
    const actual = decryptAll(apply(doc, encryptPlainSecretsEdits(doc, oldKey.certificate)), oldKey.pkcs8);
    assert.deepEqual(actual, { admin_pwd: 'admin', db_pwd: 'pä ss' });
  });

  it('changes nothing but the secret values (comments, spacing, CRLF stay)', () => {
    const doc = parse(PLAIN_TOML);
    const after = apply(doc, encryptPlainSecretsEdits(doc, oldKey.certificate));
    assert.equal(withoutSecretValues(after), withoutSecretValues(doc));
  });

  it('uses OAEP-SHA1 when no transformation is configured, as a stock MI 4.x decrypts', () => {
    const doc = parse(PLAIN_TOML);
    const after = apply(doc, encryptPlainSecretsEdits(doc, oldKey.certificate));
    const actual = decryptSecret(secretValues(after).admin_pwd, oldKey.pkcs8);
    assert.equal(actual.ok && actual.form, 'oaep-sha1');
  });

  it('uses PKCS#1 v1.5 where [system.parameter] "org.wso2.CipherTransformation" says "RSA"', () => {
    const doc = parse(`[system.parameter]\n"org.wso2.CipherTransformation" = "RSA"\n\n${PLAIN_TOML}`);
    const after = apply(doc, encryptPlainSecretsEdits(doc, oldKey.certificate));
    const actual = decryptSecret(secretValues(after).admin_pwd, oldKey.pkcs8);
    assert.equal(actual.ok && actual.form, 'pkcs1');
  });

  it('honours [system.parameter] "org.wso2.CipherTransformation" (OAEP)', () => {
    const doc = parse(`[system.parameter]\n"org.wso2.CipherTransformation" = "${OAEP}"\n\n[secrets]\na = "[x]"\n`);
    assert.equal(configuredTransformation(doc), OAEP);
    const after = apply(doc, encryptPlainSecretsEdits(doc, oldKey.certificate));
    const actual = decryptSecret(secretValues(after).a, oldKey.pkcs8);
    assert.equal(actual.ok && actual.form, 'oaep-sha1');
  });

  it('leaves an empty "[]" placeholder alone', () => {
    const doc = parse('[secrets]\nempty = "[]"\n');
    assert.deepEqual(encryptPlainSecretsEdits(doc, oldKey.certificate), []);
  });

  it('encrypts exactly one alias for the secret-plain quick fix', () => {
    const doc = parse(PLAIN_TOML);
    const edit = encryptOneSecretEdit(doc, 'db_pwd', oldKey.certificate);
    assert.ok(edit, 'no edit');
    const after = apply(doc, [edit]);
    assert.deepEqual(plainSecrets(after).map((s) => s.alias), ['admin_pwd']);
    assert.equal(decryptAll(after, oldKey.pkcs8).db_pwd, 'pä ss');
  });

  it('plans nothing for an alias that is not [plain]', () => {
    const doc = parse('[secrets]\na = "AAAA"\n');
    assert.equal(encryptOneSecretEdit(doc, 'a', oldKey.certificate), undefined);
  });

  it('leaves a secret our encryptor made with the right key silent in secret-undecryptable', () => {
    const doc = parse(`[secrets]\na = "${encryptSecret('x', oldKey.certificate)}"\n`);
    assert.deepEqual(checkSecretsDecryptable(doc, oldKey), []);
  });

  it('reports a secret made with another key as secret-undecryptable on its value, naming the key tried', () => {
    const doc = parse(`[secrets]\nok = "${encryptSecret('x', oldKey.certificate)}"\nother = "${encryptSecret('y', newKey.certificate)}"\n`);
    const actual = checkSecretsDecryptable(doc, oldKey);
    assert.deepEqual(actual.map((p) => [p.code, p.range.start.line]), [['secret-undecryptable', 2]]);
    assert.match(actual[0].message, /"other".*"server".*SHA-256 [0-9A-F]{2}:/);
  });
});

describe('move a plain-text password into [secrets]', () => {
  const TOML = '[keystore.primary]\nfile_name = "wso2carbon.jks"\npassword = "wso2carbon" # keep\nalias = "wso2carbon"\n';

  it('derives a valid alias from the key', () => {
    assert.equal(secretAliasFor(parse(TOML), 'keystore.primary.password'), 'keystore_primary_password');
  });

  it('makes the alias unique within [secrets]', () => {
    const doc = parse(`${TOML}\n[secrets]\nkeystore_primary_password = "x"\nkeystore_primary_password_2 = "y"\n`);
    assert.equal(secretAliasFor(doc, 'keystore.primary.password'), 'keystore_primary_password_3');
  });

  it('writes "$secret{alias}" in place of the value and creates [secrets] with its ciphertext', () => {
    const doc = parse(TOML);
    const plan = moveToSecretsEdits(doc, 'keystore.primary.password', oldKey.certificate);
    const after = apply(doc, plan.edits);
    const expected = `${TOML.replace('"wso2carbon" # keep', `"$secret{${plan.alias}}" # keep`)}\n[secrets]\n${plan.alias} = "${secretValues(after)[plan.alias]}"\n`;
    assert.equal(after.text, expected);
    assert.deepEqual(decryptAll(after, oldKey.pkcs8), { keystore_primary_password: 'wso2carbon' });
  });

  it('adds to an existing [secrets] table after its last alias', () => {
    const doc = parse(`${TOML}\n[secrets]\nother = "[x]"\n\n[server]\nhostname = "h"\n`);
    const plan = moveToSecretsEdits(doc, 'keystore.primary.password', oldKey.certificate);
    const after = apply(doc, plan.edits);
    assert.deepEqual(Object.keys(secretValues(after)), ['other', 'keystore_primary_password']);
    assert.equal(after.tables.filter((t) => t.name === 'secrets').length, 1);
    assert.equal(after.issues.length, 0);
  });

  it('tells apart the instances of an array table by the problem range', () => {
    const doc = parse('[[transport.rabbitmq.listener]]\nparameter.password = "one"\n\n[[transport.rabbitmq.listener]]\nparameter.password = "two"\n');
    const second = doc.tables[2].entries[0].value.range;
    const after = apply(doc, moveToSecretsEdits(doc, second, oldKey.certificate).edits);
    assert.deepEqual(decryptAll(after, oldKey.pkcs8), { transport_rabbitmq_listener_parameter_password: 'two' });
    assert.match(after.text, /parameter\.password = "one"[\s\S]*parameter\.password = "\$secret\{transport_rabbitmq_listener_parameter_password\}"/);
  });

  it('refuses a value that is already a reference', () => {
    const doc = parse('[keystore.primary]\npassword = "$env{KS_PASS}"\n');
    assert.throws(() => moveToSecretsEdits(doc, 'keystore.primary.password', oldKey.certificate), /already a reference/);
  });
});

describe('rotate the internal keystore', () => {
  const HOME: MiRuntimeHome = { kind: 'runtime', root: '/mi', deploymentToml: FILE };
  const newAtHome = (): NewInternalKey => ({ ...newKey, path: `/mi/${SEC}/new.jks` });

  function withSecrets(extra = ''): TomlDocument {
    return parse(
      `[keystore.primary]\nfile_name = "old.jks"\npassword = "changeit"\nalias = "server"\n\n[secrets]\n# keep me\n` +
        `a = "${encryptSecret('alpha', oldKey.certificate)}"\nb = "${encryptSecret('beta', oldKey.certificate, OAEP)}"\nc = "[later]"\n${extra}`,
    );
  }

  it('re-encrypts every ciphertext so the new key decrypts it to the same plain text', () => {
    const doc = withSecrets();
    const after = apply(doc, rotateInternalKeystoreEdits(doc, HOME, oldKey, newAtHome()));
    assert.deepEqual(decryptAll(after, newKey.pkcs8), { a: 'alpha', b: 'beta', c: null });
  });

  it('leaves [plain] secrets for the cipher tool', () => {
    const doc = withSecrets();
    const after = apply(doc, rotateInternalKeystoreEdits(doc, HOME, oldKey, newAtHome()));
    assert.equal(secretValues(after).c, '[later]');
  });

  it('appends a [keystore.internal] table naming the new store when the file has none', () => {
    const doc = withSecrets();
    const after = apply(doc, rotateInternalKeystoreEdits(doc, HOME, oldKey, newAtHome()));
    const actual = after.tables.find((t) => t.name === 'keystore.internal')?.entries.map((e) => [e.keyParts.join('.'), e.value.value]);
    assert.deepEqual(actual, [
      ['file_name', `${SEC}/new.jks`],
      ['type', 'JKS'],
      ['alias', 'server'],
      ['password', 'changeit'],
      ['key_password', 'changeit'],
    ]);
  });

  it('edits an existing [keystore.internal] in place and adds the missing keys after its last one', () => {
    const doc = parse('[keystore.internal]\nfile_name = "old.jks" # old\nalias = "x"\n\n[server]\nhostname = "h"\n');
    const after = applyEdits(doc.text, internalTableEdits(doc, HOME, newAtHome()));
    assert.equal(after, `[keystore.internal]\nfile_name = "${SEC}/new.jks" # old\nalias = "server"\ntype = "JKS"\npassword = "changeit"\nkey_password = "changeit"\n\n[server]\nhostname = "h"\n`);
  });

  it('keeps everything but the secret values and the internal table byte-identical', () => {
    const doc = withSecrets();
    const after = apply(doc, rotateInternalKeystoreEdits(doc, HOME, oldKey, newAtHome()));
    const actual = withoutSecretValues(after);
    assert.ok(actual.startsWith(withoutSecretValues(doc)), actual);
  });

  it('refuses when a secret does not decrypt with the old key, naming its alias', () => {
    const doc = withSecrets(`d = "${encryptSecret('delta', newKey.certificate)}"\n`);
    assert.throws(
      () => rotateInternalKeystoreEdits(doc, HOME, oldKey, newAtHome()),
      (err: unknown) => err instanceof RotationRefusedError && err.aliases.join() === 'd' && /"d"/.test(err.message),
    );
  });

  it('refuses a JKS key whose password differs from the store password (MI reads it with the store password)', async () => {
    await assert.rejects(readInternalKey(path.join(FIXTURES, 'jks-keypass.jks'), 'signer', 'storepass1'), KeyPasswordDiffersError);
  });

  it('refuses a non-RSA key as the new internal key', async () => {
    await assert.rejects(readInternalKey(path.join(FIXTURES, 'jks-ec.jks'), 'ec256', 'changeit'), /RSA/);
  });
});

describe('plan a rotation of an MI home', () => {
  function config(secrets: string, password = '"changeit"') {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'conf'));
    fs.mkdirSync(path.join(root, SEC), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'jks-chain.jks'), path.join(root, SEC, 'old.jks'));
    const text = `[keystore.primary]\nfile_name = "${SEC}/old.jks"\ntype = "JKS"\npassword = ${password}\nalias = "server"\n\n[secrets]\n${secrets}`;
    const ws: MiRuntimeHome = { kind: 'runtime', root, deploymentToml: path.join(root, 'conf/deployment.toml') };
    fs.writeFileSync(ws.deploymentToml, text);
    return buildEffectiveConfig(parseDeploymentToml(text, ws.deploymentToml), ws, { env: {} });
  }

  it('decrypts with the current internal key and names the aliases carried over', async () => {
    const cfg = config(`a = "${encryptSecret('alpha', oldKey.certificate)}"\nb = "[later]"\n`);
    const plan = await planInternalRotation(cfg, newKey);
    assert.deepEqual([plan.aliases, decryptAll(apply(cfg.document, plan.edits), newKey.pkcs8)], [['a'], { a: 'alpha', b: null }]);
  });

  it('refuses when the current internal key cannot be read, saying a password would help', async () => {
    const cfg = config(`a = "${encryptSecret('alpha', oldKey.certificate)}"\n`, '"$env{OLD_PW}"');
    await assert.rejects(planInternalRotation(cfg, newKey), (err: unknown) => err instanceof InternalKeyUnavailableError && err.needsPassword);
  });

  it('uses the old password given when the file does not give it in the clear', async () => {
    const cfg = config(`a = "${encryptSecret('alpha', oldKey.certificate)}"\n`, '"$env{OLD_PW}"');
    const plan = await planInternalRotation(cfg, newKey, { oldPassword: 'changeit' });
    assert.deepEqual(decryptAll(apply(cfg.document, plan.edits), newKey.pkcs8), { a: 'alpha' });
  });

  it('only repoints [keystore.internal] when there is no ciphertext, even without the old key', async () => {
    const cfg = config('c = "[later]"\n', '"$env{OLD_PW}"');
    const plan = await planInternalRotation(cfg, newKey);
    assert.deepEqual([plan.oldKey, apply(cfg.document, plan.edits).tables.some((t) => t.name === 'keystore.internal')], [null, true]);
  });
});

describeShared('secret-undecryptable in an MI home', () => {
  const NOW = new Date('2026-11-27T00:00:00Z');

  function home(tomlText: string, kernel = 'kernel-4.9.x-head.'): MiRuntimeHome {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'conf'));
    fs.mkdirSync(path.join(root, SEC), { recursive: true });
    fs.writeFileSync(path.join(root, 'conf/deployment.toml'), tomlText);
    fs.copyFileSync(path.join(WSO2, `keystores/wso2carbon.${kernel}jks`), path.join(root, SEC, 'wso2carbon.jks'));
    fs.copyFileSync(path.join(WSO2, `keystores/client-truststore.${kernel}jks`), path.join(root, SEC, 'client-truststore.jks'));
    return { kind: 'runtime', root, deploymentToml: path.join(root, 'conf/deployment.toml') };
  }

  it("reports WSO2's test-securevault-secrets sample with WSO2's default stores", async () => {
    const sample = fs.readFileSync(path.join(WSO2, 'deployment-toml-samples/test-securevault-secrets.deployment.toml'), 'utf8');
    const problems = await checkWorkspace(home(sample), { env: {}, now: NOW, cache: new KeystoreCache() });
    const actual = problems.filter((p) => p.code === 'secret-undecryptable').map((p) => [p.severity, p.range.start.line]);
    const expectedLine = sample.split('\n').findIndex((l) => l.startsWith('rabbit_pwd'));
    assert.deepEqual(actual, [['error', expectedLine]]);
  });

  it("reports it too with MI 4.4's default stores (kernel 4.9.27, PKCS12 named .jks)", async () => {
    const sample = fs.readFileSync(path.join(WSO2, 'deployment-toml-samples/test-securevault-secrets.deployment.toml'), 'utf8');
    const problems = await checkWorkspace(home(sample, ''), { env: {}, now: NOW, cache: new KeystoreCache() });
    assert.equal(problems.filter((p) => p.code === 'secret-undecryptable').length, 1);
  });

  it('is silent for a secret our encryptor made with the default internal key', async () => {
    const defaultKey = await readInternalKey(path.join(WSO2, 'keystores/wso2carbon.kernel-4.9.x-head.jks'), 'wso2carbon', 'wso2carbon');
    const ws = home(`[secrets]\nrabbit_pwd = "${encryptSecret('guest', defaultKey.certificate)}"\n`);
    const problems = await checkWorkspace(ws, { env: {}, now: NOW, cache: new KeystoreCache() });
    assert.deepEqual(problems.filter((p) => p.code === 'secret-undecryptable'), []);
  });

  it('finds the sample secret among the ciphertexts', () => {
    const sample = fs.readFileSync(path.join(WSO2, 'deployment-toml-samples/test-securevault-secrets.deployment.toml'), 'utf8');
    assert.deepEqual(secretCiphertexts(parse(sample)).map((s) => s.alias), ['rabbit_pwd']);
  });
});
