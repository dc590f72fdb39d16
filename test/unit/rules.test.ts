/**
 * The rule engine and the verdicts that real users' files showed to be false: references resolved the
 * way MI's config mapper resolves them, consumers MI does not render, tables MI ignores, messages that
 * name the right thing, and files of other WSO2 products. Each MI home here has WSO2-like default stores
 * (alias and passwords `wso2carbon`) made by the engine (test/helpers/defaultStores.ts).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWorkspace, type CheckOptions } from '../../src/core/checks/index';
import { checkDocument } from '../../src/core/checks/document';
import { applyEdits } from '../../src/core/secrets/applyEdits';
import { PROBLEM_CODES } from '../../src/core/checks/codes';
import { RULES } from '../../src/core/checks/rules/index';
import { runDocumentRules } from '../../src/core/checks/engine';
import type { DocumentRule } from '../../src/core/checks/rule';
import { parseDeploymentToml } from '../../src/core/config/parse';
import type { Problem } from '../../src/core/problem';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { workspaceForFile, type MiWorkspace } from '../../src/core/workspace/discover';
import { decodeKeystore, encodeKeystore, exportCertificate, importTrustedCertificate } from '../../src/core/keystore';
import { writeDefaultStores } from '../helpers/defaultStores';
import { fixturePath } from '../helpers/fixtures';

const SEC = 'repository/resources/security';
const temps: string[] = [];
let defaults: string;

/** WSO2-like default stores: wso2carbon.jks (key `wso2carbon`) and client-truststore.jks trusting it. */
async function makeDefaultStores(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-rules-defaults-'));
  temps.push(dir);
  await writeDefaultStores(dir);
  return dir;
}

/** An MI-like home: `conf/deployment.toml` = `toml` (or `repository/conf/` for `layout: 'carbon'`), the default stores, `bin/` launchers. */
function home(toml: string, o: { launcher?: string; layout?: 'mi' | 'carbon'; stores?: Record<string, string> } = {}): MiWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-rules-'));
  temps.push(root);
  const conf = o.layout === 'carbon' ? path.join(root, 'repository/conf') : path.join(root, 'conf');
  fs.mkdirSync(conf, { recursive: true });
  fs.mkdirSync(path.join(root, SEC), { recursive: true });
  fs.writeFileSync(path.join(conf, 'deployment.toml'), toml);
  for (const f of ['wso2carbon.jks', 'client-truststore.jks']) fs.copyFileSync(path.join(defaults, f), path.join(root, SEC, f));
  for (const [rel, fixture] of Object.entries(o.stores ?? {})) fs.copyFileSync(fixturePath(fixture), path.join(root, rel));
  if (o.launcher) {
    fs.mkdirSync(path.join(root, 'bin'));
    fs.writeFileSync(path.join(root, 'bin', o.launcher), '#!/bin/sh\n');
  }
  return workspaceForFile(path.join(conf, 'deployment.toml'));
}

async function check(ws: MiWorkspace, options: Partial<CheckOptions> = {}): Promise<Problem[]> {
  return checkWorkspace(ws, { cache: new KeystoreCache(), env: {}, ...options });
}

const codes = (problems: readonly Problem[]): string[] => problems.map((p) => p.code);
const ofCode = (problems: readonly Problem[], code: string): Problem[] => problems.filter((p) => p.code === code);
const errors = (problems: readonly Problem[]): Problem[] => problems.filter((p) => p.severity === 'error');

before(async function () {
  this.timeout(60_000);
  defaults = await makeDefaultStores();
});
after(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

describe('rule engine', () => {
  it('every code is declared by exactly one rule, in kebab-case, with a doc and advice', () => {
    const names = PROBLEM_CODES.map((c) => c.code);
    const bad = PROBLEM_CODES.filter((c) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.code) || c.doc.length < 10 || !c.advice);
    assert.deepEqual([new Set(names).size === names.length, bad.map((c) => c.code)], [true, []]);
  });

  it('every module of src/core/checks/rules that exports a rule is registered', () => {
    const dir = path.resolve(__dirname, '../../src/core/checks/rules');
    const exported: string[] = [];
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, f)) as Record<string, unknown>;
      for (const v of Object.values(mod)) if (v && typeof v === 'object' && 'codes' in v && 'check' in v) exported.push((v as unknown as { id: string }).id);
    }
    assert.deepEqual(exported.sort(), RULES.map((r) => r.id).sort());
  });

  it('refuses a code the reporting rule did not declare', () => {
    const rogue: DocumentRule = { id: 'rogue', description: 'x', scope: 'document', codes: [], check: ({ report }) => report('made-up', { message: 'x', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }) };
    assert.throws(() => runDocumentRules([rogue], parseDeploymentToml('', '/w/deployment.toml'), 'mi'), /undeclared code made-up/);
  });

  it('stamps the declared severity and drops disabled codes', () => {
    const doc = parseDeploymentToml('[keystore.primary]\npassword = "wso2carbon"\n', '/w/deployment.toml');
    const all = checkDocument(doc);
    assert.deepEqual(ofCode(all, 'default-password').map((p) => p.severity), ['warning']);
    assert.deepEqual(ofCode(checkDocument(doc, { disabled: ['default-password'] }), 'default-password'), []);
  });
});

describe('references are resolved as MI resolves them, never compared as written', () => {
  it('alias = "$env{KS_ALIAS}" unset: no alias-not-found, one reference-unresolved', async () => {
    const problems = await check(home('[keystore.primary]\nalias = "$env{KS_ALIAS}"\n'));
    assert.deepEqual(ofCode(problems, 'alias-not-found'), []);
    const info = ofCode(problems, 'reference-unresolved');
    assert.equal(info.length, 1);
    assert.equal(info[0].severity, 'information');
    assert.match(info[0].message, /\$env\{KS_ALIAS\}.*KS_ALIAS is not set here, so the alias is not looked up\.$/);
  });

  it('alias = "$env{KS_ALIAS}" set: resolved and checked, the message quotes it as written', async () => {
    const ws = home('[keystore.primary]\nalias = "$env{KS_ALIAS}"\n');
    assert.deepEqual(errors(await check(ws, { env: { KS_ALIAS: 'wso2carbon' } })), []);
    const wrong = ofCode(await check(ws, { env: { KS_ALIAS: 'not-the-alias-xyz' } }), 'alias-not-found');
    assert.equal(wrong.length, 1);
    assert.match(wrong[0].message, /\$env\{KS_ALIAS\}/);
    assert.doesNotMatch(wrong[0].message, /not-the-alias-xyz/);
  });

  it('file_name = "$env{KS_FILE}": unset → reference-unresolved, no keystore-not-found; set → the message never shows its value', async () => {
    const ws = home('[keystore.primary]\nfile_name = "$env{KS_FILE}"\n');
    const unset = await check(ws);
    assert.deepEqual(ofCode(unset, 'keystore-not-found'), []);
    assert.deepEqual(ofCode(unset, 'reference-unresolved').map((p) => /, so (.*)$/.exec(p.message)?.[1]), ['the store file is not checked.']);
    const set = await check(ws, { env: { KS_FILE: 'repository/resources/security/private-name-42.jks' } });
    const missing = ofCode(set, 'keystore-not-found');
    assert.equal(missing.length, 1);
    assert.doesNotMatch(set.map((p) => p.message).join('\n'), /private-name-42/);
    assert.match(missing[0].message, /\$env\{KS_FILE\}/);
  });

  it('type = "$sys{ks.type}": no store-type-mismatch, said once as information', async () => {
    const problems = await check(home('[keystore.primary]\ntype = "$sys{ks.type}"\n'));
    assert.deepEqual(ofCode(problems, 'store-type-mismatch'), []);
    assert.deepEqual(ofCode(problems, 'invalid-store-type'), []);
    const info = ofCode(problems, 'reference-unresolved');
    assert.equal(info.length, 1);
    assert.match(info[0].message, /system property ks\.type.*, so its type is not compared with the file\.$/);
  });

  it('type = "$env{DB_PASSWORD}" set: no message quotes the expansion', async () => {
    const problems = await check(home('[keystore.primary]\ntype = "$env{DB_PASSWORD}"\n'), { env: { DB_PASSWORD: 'S3cr3t-Db-Pw' } });
    assert.doesNotMatch(JSON.stringify(problems), /S3cr3t-Db-Pw/);
    assert.match(ofCode(problems, 'store-type-mismatch')[0]?.message ?? '', /\$env\{DB_PASSWORD\}/);
  });

  it('$sys{carbon.home} at the start of a path is MI_HOME', async () => {
    const problems = await check(home('[keystore.primary]\nfile_name = "$sys{carbon.home}/repository/resources/security/wso2carbon.jks"\n'));
    assert.deepEqual(errors(problems), []);
    assert.deepEqual(ofCode(problems, 'reference-unresolved'), []);
  });

  it('$$env{VAR} (a typo on WSO2 pages) is flagged with a fix that removes the extra $', () => {
    const doc = parseDeploymentToml('[keystore.primary]\nkey_password = "$$env{KEY_PASS}"\n', '/w/deployment.toml');
    const p = ofCode(checkDocument(doc), 'reference-typo');
    assert.equal(p.length, 1);
    assert.equal(p[0].range.start.line, 1);
    assert.equal(p[0].fixes[0].edits?.[0].newText, '"$env{KEY_PASS}"');
  });
});

describe('only consumers MI renders are checked', () => {
  const vfs = (enable: string) => `[transport.vfs]\nlistener.enable = ${enable}\nlistener.keystore.location = "${SEC}/missing-vfs.jks"\nlistener.keystore.password = "wso2carbon"\n`;
  it('[transport.vfs] listener.enable = false: its missing keystore is not reported', async () => {
    const problems = await check(home(vfs('false')));
    assert.deepEqual(ofCode(problems, 'keystore-not-found'), []);
  });
  it('[transport.vfs] listener.enable = true (and by default): its missing keystore is an error', async () => {
    assert.equal(ofCode(await check(home(vfs('true'))), 'keystore-not-found').length, 1);
    const byDefault = `[transport.vfs]\nlistener.keystore.location = "${SEC}/missing-vfs.jks"\nlistener.keystore.password = "wso2carbon"\n`;
    assert.equal(ofCode(await check(home(byDefault)), 'keystore-not-found').length, 1);
  });
  it('[transport.http] listener.secured_enable = false: the HTTPS listener keystore is not opened', async () => {
    const toml = `[transport.http]\nlistener.secured_enable = false\nlistener.keystore.location = "${SEC}/missing-https.jks"\n`;
    assert.deepEqual(ofCode(await check(home(toml)), 'keystore-not-found'), []);
  });
});

describe('tables MI ignores get only obsolete-table', () => {
  it('[keystore.tls] with a bare file name and the default password', async () => {
    const problems = await check(home('[keystore.tls]\nfile_name = "wso2carbon.jks"\npassword = "wso2carbon"\nalias = "wso2carbon"\n'));
    // Line 1 is also where findings about MI's defaults go (the first line of the file): only the entries are judged here.
    assert.deepEqual(problems.filter((p) => p.range.start.line >= 1 && p.range.start.line <= 3).map((p) => p.code), []);
    assert.deepEqual(ofCode(problems, 'obsolete-table').length, 1);
    for (const code of ['bare-file-name', 'default-password', 'plaintext-password']) assert.deepEqual(ofCode(problems, code), [], code);
  });
});

describe('messages name the right thing', () => {
  it('a wrong [keystore.primary] password is the primary\'s, never "the password of the HTTPS listener keystore"', async () => {
    const problems = await check(home('[keystore.primary]\npassword = "wrongpass"\nalias = "nosuch"\n'));
    const wrong = ofCode(problems, 'wrong-store-password');
    assert.equal(wrong.length, 1);
    assert.match(wrong[0].message, /^The password of the primary keystore/);
    assert.doesNotMatch(problems.map((p) => p.message).join('\n'), /password of the HTTPS listener keystore/);
  });

  it('in a store without MAC (any password lists it) the inherited password is named by its table', async () => {
    const toml = `[keystore.primary]\nfile_name = "${SEC}/nomac.p12"\ntype = "PKCS12"\npassword = "wrongpass"\nalias = "nosuch"\n`;
    const problems = await check(home(toml, { stores: { [`${SEC}/nomac.p12`]: 'p12-nomac.p12' } }));
    // The listener reads the key with [keystore.primary] key_password (MI's default wso2carbon): say whose it is.
    const wrong = ofCode(problems, 'wrong-key-password');
    assert.equal(wrong.length, 1);
    assert.match(wrong[0].message, /^The \[keystore\.primary\] key_password \(MI's default\), which the HTTPS listener keystore uses, does not recover/);
    assert.doesNotMatch(problems.map((p) => p.message).join('\n'), /password of the HTTPS listener keystore/);
  });

  it('a $secret{} password is described by where MI resolves it, never "encrypted by the cipher tool" unless [secrets] holds its ciphertext', async () => {
    const vault = await check(home('[runtime_secrets]\nenable = "true"\n[keystore.primary]\npassword = "$secret{vault:aws:ks-pass}"\n'));
    const atRunTime = ofCode(vault, 'password-unresolved');
    assert.ok(atRunTime.length >= 1);
    for (const p of atRunTime) {
      assert.doesNotMatch(p.message, /cipher tool/);
      assert.match(p.message, /read from the vault repository "aws" at run time/);
    }
    const cipherTool = ofCode(await check(home('[keystore.primary]\npassword = "$secret{ks_pass}"\n[secrets]\nks_pass = "c29tZWNpcGhlcnRleHQ="\n')), 'password-unresolved');
    assert.ok(cipherTool.length >= 1);
    for (const p of cipherTool) assert.match(p.message, /encrypted by the cipher tool in \[secrets\]/);
  });

  it("a finding about MI's default sits on the first non-comment line and says it is MI's default", async () => {
    const ws = home('# my settings\n\n[server]\nhostname = "localhost"\n');
    fs.rmSync(path.join(ws.root, SEC, 'wso2carbon.jks'));
    const missing = ofCode(await check(ws), 'keystore-not-found');
    assert.equal(missing.length, 1);
    assert.equal(missing[0].range.start.line, 2);
    assert.match(missing[0].message, /MI's default/);
  });
});

describe('product-aware: files of API Manager and Identity Server', () => {
  const apim = '[server]\nhostname = "localhost"\n\n[keystore.tls]\nfile_name = "wso2carbon.jks"\ntype = "JKS"\npassword = "wso2carbon"\nalias = "wso2carbon"\nkey_password = "wso2carbon"\n\n[apim.key_manager]\nservice_url = "https://localhost:9443/services/"\n';
  it('an API Manager file (by its [apim.*] tables) gets one information and no MI advice', () => {
    const problems = checkDocument(parseDeploymentToml(apim, '/w/repository/conf/deployment.toml'));
    assert.deepEqual(codes(problems), ['not-mi-configuration']);
    assert.match(problems[0].message, /WSO2 API Manager/);
    assert.equal(problems[0].range.start.line, 0);
  });
  it('an API Manager home (bin/api-manager.sh, repository/conf/deployment.toml): no keystore errors', async () => {
    const ws = home('[keystore.primary]\nfile_name = "wso2carbon.jks"\npassword = "wso2carbon"\n', { launcher: 'api-manager.sh', layout: 'carbon' });
    const problems = await check(ws);
    assert.deepEqual(codes(problems), ['not-mi-configuration']);
  });
  it('an Identity Server home (bin/wso2server.sh) with PKCS12 stores: said once, nothing else', async () => {
    const ws = home('[keystore.primary]\nfile_name = "wso2carbon.p12"\ntype = "PKCS12"\npassword = "wso2carbon"\n', { launcher: 'wso2server.sh', layout: 'carbon' });
    const problems = await check(ws);
    assert.deepEqual(codes(problems), ['not-mi-configuration']);
    assert.match(problems[0].message, /Identity Server/);
  });
  it('an MI home (bin/micro-integrator.sh) keeps the MI rules', async () => {
    const problems = await check(home('[keystore.primary]\nfile_name = "wso2carbon.jks"\n', { launcher: 'micro-integrator.sh' }));
    assert.ok(codes(problems).includes('bare-file-name'));
    assert.ok(!codes(problems).includes('not-mi-configuration'));
  });
  it('a TOML syntax error is still reported in another product\'s file', () => {
    const problems = checkDocument(parseDeploymentToml('[apim.key_manager]\nservice_url = "x\n', '/w/deployment.toml'));
    assert.ok(codes(problems).includes('toml-syntax'));
  });
});

describe('misspelt keys and tables anywhere in the file', () => {
  const doc = (text: string): Problem[] => checkDocument(parseDeploymentToml(text, '/w/deployment.toml'));
  it('[keystore] + primary.filename: unknown-key with the dotted fix', () => {
    const p = ofCode(doc('[keystore]\nprimary.filename = "repository/resources/security/a.jks"\n'), 'unknown-key');
    assert.equal(p.length, 1);
    assert.match(p[0].message, /`primary\.file_name`/);
    assert.equal(p[0].fixes[0].edits?.[0].newText, 'primary.file_name');
  });
  it('a top-level transport.vfs.listener.keystore.file_name: did you mean …location', () => {
    const p = ofCode(doc('transport.vfs.listener.keystore.file_name = "a.jks"\n'), 'unknown-key');
    assert.equal(p.length, 1);
    assert.match(p[0].message, /transport\.vfs\.listener\.keystore\.location/);
  });
  it('[transport.https] listener.secured_port: names [transport.http] listener.secured_port', () => {
    const p = ofCode(doc('[transport.https]\nlistener.secured_port = 8253\n'), 'unknown-key');
    assert.equal(p.length, 1);
    assert.match(p[0].message, /\[transport\.http\] `listener\.secured_port`/);
  });
  it('[transport.https] listener.port / listener.enable: names the secured_ twin, never the plain HTTP listener\'s key', () => {
    // Seen in a user's MI project (deployment/deployment.toml); MI reads the HTTPS port as listener.secured_port.
    const p = ofCode(doc('[transport.https]\nlistener.port = 8253\nlistener.enable = false\n'), 'unknown-key');
    assert.deepEqual(
      p.map((x) => /did you mean (.*)\?$/.exec(x.message)?.[1]),
      ['[transport.http] `listener.secured_port`', '[transport.http] `listener.secured_enable`'],
    );
  });
  // TOML reads `keystore.primary.file_name` under [server] as server.keystore.primary.file_name, which MI ignores.
  it('a whole key MI reads, pasted under another table, names the table it belongs to', () => {
    const problems = doc('[server]\nhostname = "localhost"\nkeystore.primary.file_name = "repository/resources/security/a.jks"\n');
    assert.deepEqual(
      ofCode(problems, 'unknown-key').map((p) => [p.range.start.line, p.message, p.fixes.length]),
      [[2, 'MI does not read `keystore.primary.file_name` in [server] and silently ignores it; did you mean [keystore.primary] `file_name`?', 0]],
    );
  });
  it('[truststores]: unknown-table with a rename fix, its keys not repeated', () => {
    const problems = doc('[truststores]\nfile_name = "x.jks"\n');
    assert.deepEqual(codes(problems).filter((c) => c.startsWith('unknown')), ['unknown-table']);
    assert.equal(ofCode(problems, 'unknown-table')[0].fixes[0].title, 'Rename to [truststore]');
  });
  it('MI 4.6 tables and keys are known: [jce_provider], [jsse_provider], [encryption]', () => {
    const problems = doc('[jce_provider]\nprovider_name = "BC"\n[jsse_provider]\nprovider_name = "BCJSSE"\n[encryption]\ninternal_crypto_provider = "org.wso2.x.SymmetricKeyInternalCryptoProvider"\n');
    assert.deepEqual(codes(problems).filter((c) => c.startsWith('unknown')), []);
  });
  it('open maps and unknown-but-distant keys stay silent (they may be read by a template we do not have)', () => {
    const problems = doc('[transport.vfs.listener.parameter]\n"transport.vfs.Whatever" = "x"\n[system.parameter]\n"a.b" = "c"\n[my_company]\nanything = 1\n');
    assert.deepEqual(codes(problems).filter((c) => c.startsWith('unknown')), []);
  });
});

describe('risky TLS settings', () => {
  const doc = (text: string): Problem[] => checkDocument(parseDeploymentToml(text, '/w/deployment.toml'));
  it('sender.hostname_verifier = "AllowAll" (seen in MI\'s own ssl integration test) is a warning with a fix', () => {
    const text = '[transport.http]\nsender.hostname_verifier = "AllowAll"  # for the test backend\nsender.warn = 1\n';
    const p = ofCode(doc(text), 'hostname-verification-off');
    // Without the key Synapse checks with `Default` (stricter than DefaultAndLocalhost): removing it is MI's default.
    const fixed = (i: number) => applyEdits(text, p[0].fixes[i].edits ?? []);
    assert.deepEqual(
      p.map((x) => [x.severity, x.range.start.line, x.fixes.map((f) => [f.title, f.preferred])]),
      [['warning', 1, [['Remove the key (host names checked as MI does by default)', true], ['Use "Strict"', false]]]],
    );
    assert.deepEqual([fixed(0), fixed(1)], ['[transport.http]\nsender.warn = 1\n', '[transport.http]\nsender.hostname_verifier = "Strict"  # for the test backend\nsender.warn = 1\n']);
    assert.deepEqual(ofCode(doc('[transport.http]\nsender.hostname_verifier = "Strict"\n'), 'hostname-verification-off'), []);
  });
  // WSO2's ClientConnFactoryBuilder.parseSSL compares "Strict", "AllowAll" and "DefaultAndLocalhost" with
  // equalsIgnoreCase; anything else (and "Default") selects the Default verifier, so no value fails every call.
  it('hostname_verifier values are read in any case; one Synapse does not know is a warning that Default applies', () => {
    const verdicts = ['Default', 'default', 'strict', 'allowall', 'AllowAl', 'Strict', 'DefaultAndLocalhost'].map((v) => {
      const problems = doc(`[transport.http]\nsender.hostname_verifier = "${v}"\n`);
      const unknown = ofCode(problems, 'hostname-verifier-unknown');
      return [v, unknown.map((p) => [p.severity, p.fixes.map((f) => `${f.title}${f.preferred ? ' *' : ''}`)]), ofCode(problems, 'hostname-verification-off').length];
    });
    const remove = 'Remove the key (host names checked as MI does by default)';
    assert.deepEqual(verdicts, [
      ['Default', [], 0],
      ['default', [], 0],
      ['strict', [], 0],
      ['allowall', [], 1],
      ['AllowAl', [['warning', [`${remove} *`, 'Use "Strict"']]], 0],
      ['Strict', [], 0],
      ['DefaultAndLocalhost', [], 0],
    ]);
  });
  it('TLSv1/TLSv1.1 written in the HTTPS protocols; MI\'s own default (not written) is not judged', () => {
    const p = ofCode(doc('[transport.http]\nlistener.secured_protocols = "TLSv1,TLSv1.1,TLSv1.2"\n'), 'legacy-tls-protocol');
    assert.equal(p.length, 1);
    assert.equal(p[0].fixes[0].edits?.[0].newText, '"TLSv1.2"');
    assert.deepEqual(ofCode(doc('[server]\nhostname = "x"\n'), 'legacy-tls-protocol'), []);
    assert.deepEqual(ofCode(doc('[transport.http]\nlistener.secured_protocols = "TLSv1.2,TLSv1.3"\n'), 'legacy-tls-protocol'), []);
  });
  it('[jce_provider] BCFIPS with JKS stores: provider-store-type; BCFKS stores are neither invalid nor opened', async () => {
    const jks = await check(home('[jce_provider]\nprovider_name = "BCFIPS"\n'));
    assert.ok(ofCode(jks, 'provider-store-type').length >= 1);
    // Present (their bytes are never decoded: any file will do).
    const stores = { [`${SEC}/wso2carbon.bcfks`]: 'jks-rsa.jks', [`${SEC}/client-truststore.bcfks`]: 'jks-rsa.jks' };
    const bcfks = await check(home('[jce_provider]\nprovider_name = "BCFIPS"\n[keystore.primary]\nfile_name = "repository/resources/security/wso2carbon.bcfks"\ntype = "BCFKS"\n[truststore]\nfile_name = "repository/resources/security/client-truststore.bcfks"\ntype = "BCFKS"\n', { stores }));
    assert.deepEqual(errors(bcfks), []);
    assert.deepEqual(ofCode(bcfks, 'invalid-store-type'), []);
  });
  it('a BCFKS store that does not exist is keystore-not-found, like any other', async () => {
    const missing = await check(home('[keystore.primary]\nfile_name = "repository/resources/security/nosuch.bcfks"\ntype = "BCFKS"\n'));
    assert.deepEqual(ofCode(missing, 'keystore-not-found').map((p) => p.range.start.line), [1]);
  });
  // MI's "Single key encryption" page writes `[encryption] key = "value"`: an AES key, no keystore password.
  it('[encryption] key is not judged as a keystore password (only its plain text is noted)', () => {
    const problems = doc('[encryption]\nkey = "value"\n');
    assert.deepEqual(problems.filter((p) => ['default-password', 'password-too-short', 'plaintext-password'].includes(p.code)).map((p) => p.code), ['plaintext-password']);
  });
  // MI's "Configure the Crypto Provider" page: `type = "BCFKS"` with `-Dsecurity.jce.provider=BCFIPS` at start-up,
  // which deployment.toml does not show.
  it('type = "BCFKS" without [jce_provider] is not invalid: the provider may come from the command line', () => {
    const problems = doc('[keystore.primary]\nfile_name = "repository/resources/security/wso2carbon.bcfks"\ntype = "BCFKS"\n[truststore]\ntype = "BCFKS"\n');
    assert.deepEqual(ofCode(problems, 'invalid-store-type'), []);
  });
});

describe('trusted certificates of the truststores', () => {
  it('an expired partner certificate in the truststore: one warning listing it', async () => {
    const expired = exportCertificate(await decodeKeystore(fs.readFileSync(fixturePath('jks-expired.jks')), 'changeit'), 'expired');
    const trust = await decodeKeystore(fs.readFileSync(path.join(defaults, 'client-truststore.jks')), 'wso2carbon');
    const ws = home('[server]\nhostname = "localhost"\n');
    fs.writeFileSync(path.join(ws.root, SEC, 'client-truststore.jks'), await encodeKeystore(importTrustedCertificate(trust, 'partner-api', expired).store, 'wso2carbon'));
    const p = ofCode(await check(ws), 'trusted-certificate-expired');
    assert.equal(p.length, 1);
    assert.match(p[0].message, /"partner-api" \(CN=[^)]*, expired 2020-01-31\)/);
    assert.doesNotMatch(p[0].message, /wso2carbon/);
  });
});

describe('dynamic SSL profiles (pattern of MI\'s dynamicsslprofiles integration test)', () => {
  const profile = (location: string, type: string, password: string, keyPassword: string) =>
    `<parameter name="SSLProfiles">\n  <profile>\n    <bindAddress>localhost</bindAddress>\n    <KeyStore>\n      <Location>${location}</Location>\n      <Type>${type}</Type>\n      <Password>${password}</Password>\n      <KeyPassword>${keyPassword}</KeyPassword>\n    </KeyStore>\n    <TrustStore>\n      <Location>${SEC}/client-truststore.jks</Location>\n      <Type>JKS</Type>\n      <Password>wso2carbon</Password>\n    </TrustStore>\n  </profile>\n</parameter>\n`;
  const toml = '[transport.http]\nlistener.verify_client = "require"\nlistener.ssl_profile.file_path = "conf/listenerprofiles.xml"\nlistener.ssl_profile.read_interval = "15000"\n';
  it('a missing profiles file: ssl-profile-not-found on file_path', async () => {
    const p = ofCode(await check(home(toml)), 'ssl-profile-not-found');
    assert.deepEqual(p.map((x) => [x.severity, x.range.start.line]), [['warning', 2]]);
  });
  it('the stores inside the XML are checked like any consumer, findings placed in the XML', async () => {
    const ws = home(toml, { stores: { [`${SEC}/profile.jks`]: 'jks-keypass.jks' } });
    fs.writeFileSync(path.join(ws.root, 'conf/listenerprofiles.xml'), profile(`${SEC}/profile.jks`, 'PKCS12', 'storepass1', 'not-the-key-password'));
    const problems = (await check(ws)).filter((p) => p.file.endsWith('listenerprofiles.xml'));
    assert.deepEqual(problems.map((p) => [p.code, p.range.start.line]), [['store-type-mismatch', 5], ['wrong-key-password', 7]]);
    for (const p of problems) for (const f of p.fixes) assert.ok(!f.edits || f.edits.every((e) => !e.file.endsWith('deployment.toml')), 'no TOML edit for an XML value');
  });
  it('a commented-out profile is not read: its store that does not exist is no finding', async () => {
    const ws = home(toml, { stores: { [`${SEC}/profile.jks`]: 'jks-keypass.jks' } });
    const good = profile(`${SEC}/profile.jks`, 'JKS', 'storepass1', 'keypass1');
    const old = profile(`${SEC}/gone.jks`, 'JKS', 'x', 'x').replace('<parameter name="SSLProfiles">', '').replace('</parameter>', '');
    fs.writeFileSync(path.join(ws.root, 'conf/listenerprofiles.xml'), good.replace('</parameter>', `<!-- the old partner, kept for reference:\n${old}-->\n</parameter>`));
    assert.deepEqual((await check(ws)).filter((p) => p.file.endsWith('.xml')), []);
  });
  it('a good profile is silent', async () => {
    const ws = home(toml, { stores: { [`${SEC}/profile.jks`]: 'jks-keypass.jks' } });
    fs.writeFileSync(path.join(ws.root, 'conf/listenerprofiles.xml'), profile(`${SEC}/profile.jks`, 'JKS', 'storepass1', 'keypass1'));
    assert.deepEqual((await check(ws)).filter((p) => p.file.endsWith('.xml')), []);
  });
});
