/**
 * The keystore checks, one code at a time: each triggers where it should and stays silent where it
 * should not. Workspaces are temporary MI homes holding keytool-made fixtures (test/fixtures/keystores).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWorkspace, type CheckOptions } from '../../src/core/checks/index';
import { applyEdits } from '../../src/core/secrets/applyEdits';
import { KEYSTORE_CODES } from '../helpers/keystoreCodes';
import type { Problem } from '../../src/core/problem';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import type { MiWorkspace } from '../../src/core/workspace/discover';
import { decodeKeystore, parseCertificate } from '../../src/core/keystore';
import { FIXTURES } from '../helpers/fixtures';

const SEC = 'repository/resources/security/';
const temps: string[] = [];

/** A temporary MI home: conf/deployment.toml = `toml`, `stores` = home-relative path → fixture name. */
function home(toml: string, stores: Record<string, string | Buffer>): MiWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-ks-'));
  temps.push(root);
  fs.mkdirSync(path.join(root, 'conf'));
  fs.mkdirSync(path.join(root, SEC), { recursive: true });
  fs.writeFileSync(path.join(root, 'conf/deployment.toml'), toml);
  for (const [rel, src] of Object.entries(stores)) {
    const dest = path.join(root, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (typeof src === 'string') fs.copyFileSync(path.join(FIXTURES, src), dest);
    else fs.writeFileSync(dest, src);
  }
  return { kind: 'runtime', root, deploymentToml: path.join(root, 'conf/deployment.toml') };
}

/** A primary + truststore configuration; `extra` is appended. */
function toml(o: { file?: string; type?: string; password?: string; alias?: string; keyPassword?: string; trust?: string; extra?: string } = {}): string {
  const lines = ['[keystore.primary]', `file_name = "${SEC}${o.file ?? 'k.jks'}"`];
  if (o.type) lines.push(`type = "${o.type}"`);
  lines.push(`password = "${o.password ?? 'changeit'}"`, `alias = "${o.alias ?? 'server'}"`, `key_password = "${o.keyPassword ?? o.password ?? 'changeit'}"`);
  lines.push('', '[truststore]', `file_name = "${SEC}${o.trust ?? 't.jks'}"`, 'password = "changeit"', '');
  return lines.join('\n') + (o.extra ?? '');
}

const GOOD = { [`${SEC}k.jks`]: 'jks-rsa.jks', [`${SEC}t.jks`]: 'jks-trust.jks' };

async function check(ws: MiWorkspace, options: Partial<CheckOptions> = {}): Promise<Problem[]> {
  return checkWorkspace(ws, { cache: new KeystoreCache(), env: {}, ...options });
}

function ofCode(problems: Problem[], code: string): Problem[] {
  return problems.filter((p) => p.code === code);
}

/** The 1-based line of a problem, as a person reads it. */
function lineOf(p: Problem): number {
  return p.range.start.line + 1;
}

describe('keystore checks', () => {
  after(() => {
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  describe('store-type-mismatch', () => {
    it('triggers when type says JKS and the file is PKCS12, with a fix that sets PKCS12', async () => {
      const ws = home(toml({ file: 'k.p12', type: 'JKS' }), { [`${SEC}k.p12`]: 'p12-default.p12', [`${SEC}t.jks`]: 'jks-trust.jks' });
      const actual = ofCode(await check(ws), 'store-type-mismatch');
      assert.equal(actual.length, 1);
      assert.equal(lineOf(actual[0]), 3);
      assert.equal(actual[0].fixes[0].edits?.[0].newText, '"PKCS12"');
    });
    // JDK 17 harness against MI's load (KeyStore.getInstance(type).load): keystore.type.compat lets JKS and
    // PKCS12 read each other, JCEKS reads JKS; a JCEKS file under JKS or PKCS12 fails "Invalid keystore format".
    it('a JCEKS file typed JKS (or left to the JKS default) is store-type-unloadable, an error; JCEKS itself is a valid type', async () => {
      const jceks = { [`${SEC}k.jks`]: 'jceks.jceks', [`${SEC}t.jks`]: 'jks-trust.jks' };
      const typed = await check(home(toml({ type: 'JKS' }), jceks));
      const defaulted = await check(home(toml(), jceks));
      const asJceks = await check(home(toml({ type: 'JCEKS' }), jceks));
      const jksAsJceks = await check(home(toml({ type: 'JCEKS' }), GOOD));
      const codesOf = (ps: Problem[]) => ps.filter((p) => /store-type|invalid-store-type/.test(p.code)).map((p) => `${p.code} ${p.severity}`);
      assert.deepEqual([codesOf(typed), codesOf(defaulted), codesOf(asJceks), codesOf(jksAsJceks)], [
        ['store-type-unloadable error'],
        ['store-type-unloadable error'],
        [],
        ['store-type-mismatch warning'],
      ]);
      assert.equal(ofCode(typed, 'store-type-unloadable')[0].fixes[0].edits?.[0].newText, '"JCEKS"');
    });
    it('stays silent when type matches the content', async () => {
      const ws = home(toml({ file: 'k.p12', type: 'PKCS12' }), { [`${SEC}k.p12`]: 'p12-default.p12', [`${SEC}t.jks`]: 'jks-trust.jks' });
      assert.deepEqual(ofCode(await check(ws), 'store-type-mismatch'), []);
    });
  });

  // Legal TOML that MI's config mapper reads like [keystore.primary] (Tuweni's dottedKeySet walks into it).
  describe('a keystore written as an inline table', () => {
    const inline = (file: string, type = 'JKS') =>
      `[keystore]\nprimary = { file_name = "${SEC}${file}", type = "${type}", password = "changeit", alias = "server", key_password = "changeit" }\n\n[truststore]\nfile_name = "${SEC}t.jks"\npassword = "changeit"\n`;
    it('is checked like the table: a missing file, a wrong type', async () => {
      const missing = ofCode(await check(home(inline('nosuch.jks'), GOOD)), 'keystore-not-found').map(lineOf);
      const mistyped = ofCode(await check(home(inline('k.p12'), { [`${SEC}k.p12`]: 'p12-default.p12', [`${SEC}t.jks`]: 'jks-trust.jks' })), 'store-type-mismatch');
      assert.deepEqual([missing, mistyped.map(lineOf), mistyped[0]?.fixes[0].edits?.[0].newText], [[2], [2], '"PKCS12"']);
    });
    it('gets its fixes inside the braces: a missing type is set in the inline table, where MI reads it', async () => {
      const text = `[keystore]\nprimary = { file_name = "${SEC}k.p12", password = "changeit", alias = "server", key_password = "changeit" }\n\n[truststore]\nfile_name = "${SEC}t.jks"\npassword = "changeit"\n`;
      const problems = await check(home(text, { [`${SEC}k.p12`]: 'p12-default.p12', [`${SEC}t.jks`]: 'jks-trust.jks' }));
      const fix = ofCode(problems, 'store-type-mismatch')[0]?.fixes.find((f) => f.preferred);
      assert.ok(fix?.edits, 'no preferred fix with edits');
      assert.equal(applyEdits(text, fix.edits), text.replace('key_password = "changeit" }', 'key_password = "changeit", type = "PKCS12" }'));
    });
    it('is the store MI uses: a sound one gives no error', async () => {
      assert.deepEqual((await check(home(inline('k.jks'), GOOD))).filter((p) => p.severity === 'error'), []);
    });
  });

  // JDK harness: the cipher tool's RSA/ECB/OAEPwithSHA1andMGF1Padding with an EC key fails (InvalidKeyException).
  describe('internal-key-not-rsa', () => {
    it('is an error on [secrets] when the internal key is EC, with the fix that makes an RSA internal keystore', async () => {
      const internal = `\n[keystore.internal]\nfile_name = "${SEC}i.jks"\npassword = "changeit"\nalias = "ec256"\nkey_password = "changeit"\n\n[secrets]\nadmin = "[admin-password]"\n`;
      const problems = ofCode(await check(home(toml({ extra: internal }), { ...GOOD, [`${SEC}i.jks`]: 'jks-ec.jks' })), 'internal-key-not-rsa');
      assert.deepEqual(problems.map((p) => [p.severity, lineOf(p), p.fixes[0]?.run?.args.keyAlgorithm]), [['error', 17, 'RSA']]);
    });
    it('says nothing without [secrets], nor with an RSA internal key', async () => {
      const ec = `\n[keystore.internal]\nfile_name = "${SEC}i.jks"\npassword = "changeit"\nalias = "ec256"\nkey_password = "changeit"\n`;
      const none = ofCode(await check(home(toml({ extra: ec }), { ...GOOD, [`${SEC}i.jks`]: 'jks-ec.jks' })), 'internal-key-not-rsa');
      const rsa = ofCode(await check(home(toml({ extra: '\n[secrets]\nadmin = "[admin-password]"\n' }), GOOD)), 'internal-key-not-rsa');
      assert.deepEqual([none, rsa], [[], []]);
    });
  });

  describe('keystore-not-found', () => {
    it('triggers on the file_name value when the file is missing', async () => {
      const ws = home(toml(), { [`${SEC}t.jks`]: 'jks-trust.jks' });
      const actual = ofCode(await check(ws), 'keystore-not-found');
      assert.equal(actual.length, 1);
      assert.equal(actual[0].severity, 'error');
      assert.deepEqual(actual[0].range.start, { line: 1, character: 12 });
      assert.match(actual[0].message, /Error opening Key store/);
    });
    it('stays silent when the file exists', async () => {
      assert.deepEqual(ofCode(await check(home(toml(), GOOD)), 'keystore-not-found'), []);
    });
    it('offers to point at repository/resources/security/ for a bare name found there', async () => {
      const ws = home(toml().replace(`"${SEC}k.jks"`, '"k.jks"'), GOOD);
      const actual = ofCode(await check(ws), 'keystore-not-found');
      assert.equal(actual[0].fixes[0].edits?.[0].newText, `"${SEC}k.jks"`);
    });
  });

  describe('keystore-in-legacy-folder', () => {
    it('triggers when the store sits in repository/security/, with move and point-at fixes', async () => {
      const ws = home(toml(), { 'repository/security/k.jks': 'jks-rsa.jks', [`${SEC}t.jks`]: 'jks-trust.jks' });
      const problems = await check(ws);
      const actual = ofCode(problems, 'keystore-in-legacy-folder');
      assert.equal(actual.length, 1);
      assert.deepEqual(actual[0].fixes[0].moveFile, { from: path.join(ws.root, 'repository/security/k.jks'), to: path.join(ws.root, SEC, 'k.jks') });
      assert.equal(actual[0].fixes[1].edits?.[0].newText, '"repository/security/k.jks"');
      assert.deepEqual(ofCode(problems, 'keystore-not-found'), []);
    });
    it('stays silent when the store is in repository/resources/security/', async () => {
      assert.deepEqual(ofCode(await check(home(toml(), GOOD)), 'keystore-in-legacy-folder'), []);
    });
  });

  describe('keystore-unreadable', () => {
    it('reports a file that is not a keystore', async () => {
      const ws = home(toml(), { [`${SEC}k.jks`]: Buffer.from('this is not a keystore at all'), [`${SEC}t.jks`]: 'jks-trust.jks' });
      assert.equal(ofCode(await check(ws), 'keystore-unreadable').length, 1);
    });
    it('reports a truncated JKS instead of throwing', async () => {
      // Defect: the file ends in the middle of the first entry.
      const truncated = fs.readFileSync(path.join(FIXTURES, 'jks-rsa.jks')).subarray(0, 60);
      const ws = home(toml(), { [`${SEC}k.jks`]: truncated, [`${SEC}t.jks`]: 'jks-trust.jks' });
      const actual = (await check(ws)).filter((p) => p.code === 'keystore-unreadable' || p.code === 'wrong-store-password');
      assert.equal(actual.length, 1);
    });
    it('stays silent for a valid store', async () => {
      assert.deepEqual(ofCode(await check(home(toml(), GOOD)), 'keystore-unreadable'), []);
    });
  });

  describe('wrong-store-password', () => {
    it('triggers on the password value, quoting the JDK message', async () => {
      const ws = home(toml({ password: 'not-the-password' }), GOOD);
      const actual = ofCode(await check(ws), 'wrong-store-password');
      assert.equal(actual.length, 1);
      assert.equal(lineOf(actual[0]), 3);
      assert.match(actual[0].message, /Keystore was tampered with, or password was incorrect/);
    });
    it('triggers for a PKCS12 store without MAC when no key opens with the password', async () => {
      const ws = home(toml({ file: 'k.p12', type: 'PKCS12', password: 'not-the-password' }), { [`${SEC}k.p12`]: 'p12-nomac.p12', [`${SEC}t.jks`]: 'jks-trust.jks' });
      assert.equal(ofCode(await check(ws), 'wrong-store-password').length, 1);
    });
    it('stays silent with the right password', async () => {
      assert.deepEqual(ofCode(await check(home(toml(), GOOD)), 'wrong-store-password'), []);
    });
  });

  describe('integrity-unverifiable', () => {
    it('triggers for PKCS12 without MAC', async () => {
      const ws = home(toml({ file: 'k.p12', type: 'PKCS12' }), { [`${SEC}k.p12`]: 'p12-nomac.p12', [`${SEC}t.jks`]: 'jks-trust.jks' });
      const actual = ofCode(await check(ws), 'integrity-unverifiable');
      assert.equal(actual.length, 1);
      assert.equal(actual[0].severity, 'information');
    });
    it('stays silent for PKCS12 with a MAC', async () => {
      const ws = home(toml({ file: 'k.p12', type: 'PKCS12' }), { [`${SEC}k.p12`]: 'p12-default.p12', [`${SEC}t.jks`]: 'jks-trust.jks' });
      assert.deepEqual(ofCode(await check(ws), 'integrity-unverifiable'), []);
    });
  });

  describe('password-unresolved', () => {
    const secretToml = toml({ password: '$secret{ks_pw}', keyPassword: '$secret{ks_pw}' });
    it('triggers for $secret{} without a supplied value, and skips the content checks', async () => {
      const problems = await check(home(secretToml, { ...GOOD, [`${SEC}k.jks`]: 'jks-expired.jks' }));
      assert.equal(ofCode(problems, 'password-unresolved').length, 1);
      assert.deepEqual(ofCode(problems, 'certificate-expired'), []);
    });
    it('stays silent when the caller supplies the secret, and the store is checked', async () => {
      const problems = await check(home(secretToml, GOOD), { env: {}, secretPasswords: { ks_pw: 'changeit' } });
      assert.deepEqual(ofCode(problems, 'password-unresolved'), []);
      assert.deepEqual(ofCode(problems, 'wrong-store-password'), []);
    });
    it('triggers for an unset $env{} and resolves a set one', async () => {
      const envToml = toml({ password: '$env{KS_PW}', keyPassword: '$env{KS_PW}' });
      assert.equal(ofCode(await check(home(envToml, GOOD)), 'password-unresolved').length, 1);
      const resolved = await check(home(envToml, GOOD), { env: { KS_PW: 'changeit' } });
      assert.deepEqual(ofCode(resolved, 'password-unresolved'), []);
    });
  });

  describe('alias-not-found', () => {
    it('triggers with one fix per private-key alias', async () => {
      const ws = home(toml({ alias: 'nope' }), { [`${SEC}k.jks`]: 'jks-ec.jks', [`${SEC}t.jks`]: 'jks-trust.jks' });
      const actual = ofCode(await check(ws), 'alias-not-found');
      assert.equal(actual.length, 1);
      assert.equal(lineOf(actual[0]), 4);
      assert.deepEqual(
        actual[0].fixes.map((f) => f.edits?.[0].newText),
        ['"ec256"', '"ec384"'],
      );
    });
    it('stays silent for an existing alias, whatever its case', async () => {
      assert.deepEqual(ofCode(await check(home(toml({ alias: 'SERVER' }), GOOD)), 'alias-not-found'), []);
    });
  });

  describe('alias-not-private-key', () => {
    it('triggers when the alias names a trusted certificate', async () => {
      const actual = ofCode(await check(home(toml({ alias: 'ca' }), GOOD)), 'alias-not-private-key');
      assert.equal(actual.length, 1);
      assert.match(actual[0].message, /Key is not a private key, alias: ca/);
    });
    it('stays silent for a private key', async () => {
      assert.deepEqual(ofCode(await check(home(toml(), GOOD)), 'alias-not-private-key'), []);
    });
  });

  describe('wrong-key-password', () => {
    const vfs = (keyPassword: string) =>
      toml({
        extra: `\n[transport.vfs]\nlistener.keystore.location = "${SEC}v.jks"\nlistener.keystore.password = "storepass1"\nlistener.keystore.key_password = "${keyPassword}"\nlistener.keystore.alias = "signer"\n`,
      });
    const stores = { ...GOOD, [`${SEC}v.jks`]: 'jks-keypass.jks' };
    it('triggers on the VFS listener key_password that does not recover the key', async () => {
      const actual = ofCode(await check(home(vfs('wrong-key-pw'), stores)), 'wrong-key-password');
      assert.equal(actual.length, 1);
      assert.equal(lineOf(actual[0]), 14);
    });
    it('stays silent when the VFS key password differs from the store password but is right', async () => {
      assert.deepEqual(ofCode(await check(home(vfs('keypass1'), stores)), 'wrong-key-password'), []);
    });
    it('triggers for the primary, whose key MI reads with the store password', async () => {
      const ws = home(toml({ file: 'k.jks', password: 'storepass1', alias: 'signer', keyPassword: 'keypass1' }), { [`${SEC}k.jks`]: 'jks-keypass.jks', [`${SEC}t.jks`]: 'jks-trust.jks' });
      assert.equal(ofCode(await check(ws), 'wrong-key-password').length, 1);
    });
  });

  describe('key-password-differs', () => {
    it('triggers on the primary key_password, with a fix copying the password value', async () => {
      const ws = home(toml({ keyPassword: 'something-else' }), GOOD);
      const actual = ofCode(await check(ws), 'key-password-differs');
      assert.equal(actual.length, 1);
      assert.equal(lineOf(actual[0]), 5);
      assert.equal(actual[0].fixes[0].edits?.[0].newText, '"changeit"');
    });
    it('stays silent when both are the same', async () => {
      assert.deepEqual(ofCode(await check(home(toml(), GOOD)), 'key-password-differs'), []);
    });
  });

  describe('certificate-expired / certificate-expiring', () => {
    it('reports an expired certificate as an error, once although several consumers use the store', async () => {
      const ws = home(toml({ alias: 'expired' }), { ...GOOD, [`${SEC}k.jks`]: 'jks-expired.jks' });
      const actual = ofCode(await check(ws), 'certificate-expired');
      assert.equal(actual.length, 1);
      assert.equal(actual[0].severity, 'error');
    });
    it('stays silent for a current certificate', async () => {
      assert.deepEqual(ofCode(await check(home(toml(), GOOD)), 'certificate-expired'), []);
    });
    // The internal keystore serves no TLS: a JDK harness encrypted and decrypted with an expired one.
    it('says nothing of the dates of a separate internal keystore, whose key only encrypts secrets', async () => {
      const internal = `\n[keystore.internal]\nfile_name = "${SEC}i.jks"\npassword = "changeit"\nalias = "expired"\nkey_password = "changeit"\n`;
      const ws = home(toml({ extra: internal }), { ...GOOD, [`${SEC}i.jks`]: 'jks-expired.jks' });
      assert.deepEqual((await check(ws)).filter((p) => /^certificate-/.test(p.code)), []);
    });
    it('warns within the expiry window and not outside it', async () => {
      const store = await decodeKeystore(fs.readFileSync(path.join(FIXTURES, 'jks-rsa.jks')), 'changeit');
      const entry = store.entries.find((e) => e.alias === 'server');
      assert.ok(entry && entry.kind === 'private-key');
      const notAfter = parseCertificate(entry.chain[0]).notAfter;
      const now = new Date(notAfter.getTime() - 10 * 86_400_000);
      assert.equal(ofCode(await check(home(toml(), GOOD), { env: {}, now }), 'certificate-expiring').length, 1);
      assert.deepEqual(ofCode(await check(home(toml(), GOOD), { env: {}, now, expiryDays: 5 }), 'certificate-expiring'), []);
    });
  });

  describe('weak-key / weak-signature', () => {
    it('reports RSA-1024 and SHA1withRSA', async () => {
      const problems = await check(home(toml({ alias: 'weak' }), { ...GOOD, [`${SEC}k.jks`]: 'jks-weak.jks' }));
      assert.equal(ofCode(problems, 'weak-key').length, 1);
      assert.equal(ofCode(problems, 'weak-signature').length, 1);
    });
    it('stays silent for RSA-2048 with SHA-256 and for EC P-256', async () => {
      const rsa = await check(home(toml(), GOOD));
      const ec = await check(home(toml({ alias: 'ec256' }), { ...GOOD, [`${SEC}k.jks`]: 'jks-ec.jks' }));
      assert.deepEqual([...ofCode(rsa, 'weak-key'), ...ofCode(rsa, 'weak-signature'), ...ofCode(ec, 'weak-key'), ...ofCode(ec, 'weak-signature')], []);
    });
  });

  describe('self-signed-primary', () => {
    it('informs about a self-signed primary certificate', async () => {
      const actual = ofCode(await check(home(toml(), GOOD)), 'self-signed-primary');
      assert.equal(actual.length, 1);
      assert.equal(actual[0].severity, 'information');
    });
    it('stays silent for a CA-signed one', async () => {
      const ws = home(toml(), { [`${SEC}k.jks`]: 'jks-chain.jks', [`${SEC}t.jks`]: 'jks-trust.jks' });
      assert.deepEqual(ofCode(await check(ws), 'self-signed-primary'), []);
    });
  });

  describe('internal-same-as-primary', () => {
    it('informs when [keystore.internal] is left to default to the primary', async () => {
      assert.equal(ofCode(await check(home(toml(), GOOD)), 'internal-same-as-primary').length, 1);
    });
    it('stays silent with a separate internal keystore', async () => {
      const extra = `\n[keystore.internal]\nfile_name = "${SEC}i.jks"\npassword = "changeit"\nalias = "server"\nkey_password = "changeit"\n`;
      const ws = home(toml({ extra }), { ...GOOD, [`${SEC}i.jks`]: 'jks-chain.jks' });
      assert.deepEqual(ofCode(await check(ws), 'internal-same-as-primary'), []);
    });
  });

  describe('truststore-missing-primary-cert', () => {
    it('warns when the truststore lacks the primary certificate, with an import fix', async () => {
      const ws = home(toml(), { [`${SEC}k.jks`]: 'jks-rsa.jks', [`${SEC}t.jks`]: 'ca.jks' });
      const actual = ofCode(await check(ws), 'truststore-missing-primary-cert');
      assert.equal(actual.length, 1);
      assert.equal(actual[0].fixes[0].run?.action, 'importCertificate');
    });
    it('stays silent when the truststore holds it', async () => {
      assert.deepEqual(ofCode(await check(home(toml(), GOOD)), 'truststore-missing-primary-cert'), []);
    });
  });

  describe('project-keystore-mismatch', () => {
    /** An integration project whose deployment.toml names `storeName`; pom.xml and Dockerfile name wso2carbon.jks. */
    function project(storeName: string): MiWorkspace {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-prj-'));
      temps.push(root);
      const res = path.join(root, 'deployment/docker/resources');
      fs.mkdirSync(res, { recursive: true });
      fs.writeFileSync(
        path.join(root, 'pom.xml'),
        '<project><properties>\n<projectType>integration-project</projectType>\n<keystore.name>wso2carbon.jks</keystore.name>\n<keystore.alias>server</keystore.alias>\n</properties></project>\n',
      );
      fs.writeFileSync(
        path.join(root, 'deployment/docker/Dockerfile'),
        'FROM wso2/wso2mi:4.4.0\nCOPY resources/wso2carbon.jks ${WSO2_SERVER_HOME}/repository/resources/security/wso2carbon.jks\nCOPY resources/t.jks ${WSO2_SERVER_HOME}/repository/resources/security/t.jks\n',
      );
      fs.writeFileSync(path.join(root, 'deployment/deployment.toml'), toml({ file: storeName }));
      fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), path.join(res, storeName));
      fs.copyFileSync(path.join(FIXTURES, 'jks-trust.jks'), path.join(res, 't.jks'));
      return {
        kind: 'project',
        root,
        deploymentToml: path.join(root, 'deployment/deployment.toml'),
        pomXml: path.join(root, 'pom.xml'),
        dockerfile: path.join(root, 'deployment/docker/Dockerfile'),
        resourcesDir: res,
      };
    }
    it('triggers on the pom.xml property and the stale Dockerfile COPY line when the toml names another store', async () => {
      const ws = project('mine.jks');
      const actual = ofCode(await check(ws), 'project-keystore-mismatch');
      assert.deepEqual(
        actual.map((p) => [path.basename(p.file), lineOf(p)]),
        [['Dockerfile', 2], ['pom.xml', 3]],
      );
      const pomFix = actual.find((p) => p.file.endsWith('pom.xml'))?.fixes[0].edits?.[0];
      assert.equal(pomFix?.newText, 'mine.jks');
    });
    it('stays silent when pom.xml, Dockerfile and deployment.toml agree', async () => {
      assert.deepEqual(ofCode(await check(project('wso2carbon.jks')), 'project-keystore-mismatch'), []);
    });
  });

  describe('untrusted workspace', () => {
    it('reads nothing outside the workspace folder when readOutside is false', async () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-out-'));
      temps.push(outside);
      fs.copyFileSync(path.join(FIXTURES, 'jks-expired.jks'), path.join(outside, 'k.jks'));
      const text = toml({ alias: 'expired' }).replace(`"${SEC}k.jks"`, JSON.stringify(path.join(outside, 'k.jks')));
      const trusted = await check(home(text, { [`${SEC}t.jks`]: 'jks-trust.jks' }));
      const untrusted = await check(home(text, { [`${SEC}t.jks`]: 'jks-trust.jks' }), { env: {}, readOutside: false });
      assert.equal(ofCode(trusted, 'certificate-expired').length, 1);
      assert.deepEqual(ofCode(untrusted, 'certificate-expired'), []);
    });
  });

  describe('large files', () => {
    it('refuses a file over 10 MB as unreadable without decoding it', async () => {
      const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0);
      const actual = ofCode(await check(home(toml(), { ...GOOD, [`${SEC}k.jks`]: big })), 'keystore-unreadable');
      assert.equal(actual.length, 1);
      assert.match(actual[0].message, /larger than 10 MB/);
    });
  });

  describe('anchors and hygiene', () => {
    it('puts problems of a fully default primary at the start of the file', async () => {
      const ws = home('[server]\nhostname = "localhost"\n', { [`${SEC}wso2carbon.jks`]: 'jks-rsa.jks', [`${SEC}client-truststore.jks`]: 'jks-trust.jks' });
      const actual = ofCode(await check(ws), 'wrong-store-password').filter((p) => /primary keystore/.test(p.message));
      assert.equal(actual.length, 1);
      assert.deepEqual(actual[0].range.start, { line: 0, character: 0 });
    });
    it('puts an inherited default on the header of the table that inherits it', async () => {
      const extra = `\n[keystore.internal]\nfile_name = "${SEC}i.jks"\n`;
      const ws = home(toml({ extra }), { ...GOOD, [`${SEC}i.jks`]: 'jks-keypass.jks' });
      const actual = ofCode(await check(ws), 'wrong-store-password');
      assert.equal(actual.length, 1);
      assert.equal(lineOf(actual[0]), 11);
    });
    it('never puts a password in a message', async () => {
      const ws = home(toml({ password: 'Secret-Pass-1', keyPassword: 'Other-Pass-2' }), GOOD);
      const messages = (await check(ws)).map((p) => p.message).join('\n');
      assert.doesNotMatch(messages, /Secret-Pass-1|Other-Pass-2/);
    });
    it('reports each code with its documented severity', async () => {
      const documented: Record<string, string> = {
        'store-type-mismatch': 'warning', 'keystore-not-found': 'error', 'keystore-in-legacy-folder': 'warning', 'keystore-unreadable': 'error',
        'wrong-store-password': 'error', 'integrity-unverifiable': 'information', 'password-unresolved': 'information', 'alias-not-found': 'error',
        'alias-not-private-key': 'error', 'wrong-key-password': 'error', 'key-password-differs': 'warning', 'certificate-expired': 'error',
        'certificate-expiring': 'warning', 'weak-key': 'warning', 'weak-signature': 'warning', 'self-signed-primary': 'information',
        'internal-same-as-primary': 'information', 'truststore-missing-primary-cert': 'warning', 'project-keystore-mismatch': 'warning',
        'store-type-unloadable': 'error',
      };
      assert.deepEqual({ ...KEYSTORE_CODES }, documented);
      const problems = await check(home(toml({ alias: 'nope', keyPassword: 'x-other' }), { [`${SEC}k.jks`]: 'jks-rsa.jks', [`${SEC}t.jks`]: 'ca.jks' }));
      for (const p of problems) if (p.code in documented) assert.equal(p.severity, documented[p.code], p.code);
    });
  });
});
