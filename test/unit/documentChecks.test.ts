import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { checkDocument, editDistance } from '../../src/core/checks/document';
import { PROBLEM_CODES, problemCodeInfo } from '../../src/core/checks/codes';
import { KEYSTORE_CODES } from '../helpers/keystoreCodes';
import type { Problem, TextEdit } from '../../src/core/problem';
import { WSO2, itShared } from '../helpers/fixtures';

const FILE = '/w/deployment.toml';
const FULL = path.join(WSO2, 'mi-config-tool/deployment-full.toml');
const check = (text: string): Problem[] => checkDocument(parseDeploymentToml(text, FILE));
const codes = (text: string, code: string): Problem[] => check(text).filter((p) => p.code === code);
const lines = (text: string, code: string): number[] => codes(text, code).map((p) => p.range.start.line);

function apply(text: string, edits: readonly TextEdit[] = []): string {
  const ls = text.split('\n');
  const offset = (p: { line: number; character: number }): number => ls.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

describe('codes: the list of problem codes', () => {
  it('has unique kebab-case codes, each with a doc', () => {
    const names = PROBLEM_CODES.map((c) => c.code);
    const bad = PROBLEM_CODES.filter((c) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.code) || c.doc.length < 10);
    assert.deepEqual([new Set(names).size === names.length, bad], [true, []]);
  });

  it('agrees with the keystore checks on every code and severity they use', () => {
    const actual = Object.entries(KEYSTORE_CODES).filter(([code, severity]) => problemCodeInfo(code)?.severity !== severity);
    assert.deepEqual(actual, []);
  });

  it('never reports a code that is not in the list', () => {
    const text = '[keystore.tls]\nname = "x.jks"\ntype = "BKS"\npassword = 12\n[secrets]\n"a.b" = "[p]"\n[truststore]\npassword = "$secret{zz}"\nx = "1\n';
    const known = new Set(PROBLEM_CODES.map((c) => c.code));
    assert.deepEqual(check(text).filter((p) => !known.has(p.code)), []);
  });
});

describe('document checks', () => {
  it('toml-syntax: reports a broken line as an error on that line', () => {
    const p = codes('[keystore.primary]\nalias = "a\n', 'toml-syntax');
    assert.deepEqual(p.map((x) => [x.severity, x.range.start.line]), [['error', 1]]);
  });
  it('toml-syntax: stays silent on valid TOML', () => {
    assert.deepEqual(codes('[keystore.primary]\nalias = "a"\n', 'toml-syntax'), []);
  });

  it('duplicate-key: reports the second key as an error', () => {
    assert.deepEqual(codes('[truststore]\ntype = "JKS"\ntype = "JKS"\n', 'duplicate-key').map((p) => [p.severity, p.range.start.line]), [['error', 2]]);
  });
  it('duplicate-key: stays silent on the same key in two tables', () => {
    assert.deepEqual(codes('[truststore]\ntype = "JKS"\n[keystore.primary]\ntype = "JKS"\n', 'duplicate-key'), []);
  });

  it('duplicate-table: reports the second header', () => {
    assert.deepEqual(lines('[truststore]\n[truststore]\n', 'duplicate-table'), [1]);
  });
  it('duplicate-table: stays silent on repeated array tables', () => {
    assert.deepEqual(lines('[[custom_transport.sender]]\n[[custom_transport.sender]]\n', 'duplicate-table'), []);
  });
  itShared('finds exactly the two duplicates of WSO2\'s deployment-full.toml', () => {
    const actual = checkDocument(parseDeploymentToml(fs.readFileSync(FULL, 'utf8'), FULL))
      .filter((p) => p.severity === 'error')
      .map((p) => [p.code, p.range.start.line + 1]);
    assert.deepEqual(actual, [['duplicate-key', 992], ['duplicate-table', 1057]]);
  });

  it('unknown-key: suggests file_name for name', () => {
    const [p] = codes('[keystore.primary]\nname = "repository/resources/security/a.jks"\n', 'unknown-key');
    assert.deepEqual([p.severity, p.range.start.line, p.fixes.map((f) => f.title)], ['warning', 1, ['Change to `file_name`']]);
  });
  it('unknown-key: suggests key_password for keypassword', () => {
    assert.deepEqual(codes('[keystore.internal]\nkeypassword = "x"\n', 'unknown-key')[0].fixes.map((f) => f.title), ['Change to `key_password`']);
  });
  it('unknown-key: suggests password for keystore_password', () => {
    assert.deepEqual(codes('[truststore]\nkeystore_password = "x"\n', 'unknown-key')[0].fixes.map((f) => f.title), ['Change to `password`']);
  });
  it('unknown-key: suggests by edit distance inside [transport.http] keystore keys', () => {
    const p = codes('[transport.http]\nlistener.keystore.pasword = "x"\n', 'unknown-key');
    assert.deepEqual(p[0].fixes.map((f) => f.title), ['Change to `listener.keystore.password`']);
  });
  it('unknown-key: the fix renames the key only', () => {
    const text = '[keystore.primary]\nname = "a" # c\n';
    assert.equal(apply(text, codes(text, 'unknown-key')[0].fixes[0].edits), '[keystore.primary]\nfile_name = "a" # c\n');
  });
  it('unknown-key: stays silent on known keys outside the keystore tables and on [secrets]', () => {
    assert.deepEqual(codes('[server]\nhostname = "h"\n[transport.http]\nlistener.port = 8253\n[secrets]\nanything = "x"\n', 'unknown-key'), []);
  });
  it('unknown-key: outside the keystore tables, names a key MI knows close to a misspelt one', () => {
    assert.deepEqual(codes('[server]\nhostnam = "h"\n', 'unknown-key').map((p) => p.fixes[0]?.title), ['Change to `hostname`']);
  });

  it('obsolete-table: flags [keystore.tls] with a rename fix', () => {
    const text = '[keystore.tls]\nalias = "a"\n';
    const [p] = codes(text, 'obsolete-table');
    assert.deepEqual([p.severity, p.range.start.line, apply(text, p.fixes[0].edits)], ['warning', 0, '[keystore.primary]\nalias = "a"\n']);
  });
  it('obsolete-table: stays silent on [keystore.primary]', () => {
    assert.deepEqual(codes('[keystore.primary]\n', 'obsolete-table'), []);
  });

  it('wrong-value-type: flags a number password on its value, with a quoting fix', () => {
    const text = '[keystore.primary]\npassword = 123456\n';
    const [p] = codes(text, 'wrong-value-type');
    assert.deepEqual([p.severity, p.range.start.character, apply(text, p.fixes[0].edits)], ['error', 11, '[keystore.primary]\npassword = "123456"\n']);
  });
  it('wrong-value-type: never shows a password in its message', () => {
    assert.equal(codes('[keystore.primary]\npassword = 987654\n', 'wrong-value-type')[0].message.includes('987654'), false);
  });
  it('wrong-value-type: accepts an integer interval written as a string, as MI\'s defaults do', () => {
    assert.deepEqual(codes('[transport.http]\nlistener.ssl_profile.read_interval = "600000"\n', 'wrong-value-type'), []);
  });

  it('invalid-store-type: flags BKS with one fix per allowed type, PKCS12 preferred for a .p12', () => {
    const [p] = codes('[keystore.primary]\nfile_name = "repository/resources/security/a.p12"\ntype = "BKS"\n', 'invalid-store-type');
    assert.deepEqual([p.severity, p.range.start.line, p.fixes.map((f) => [f.title, f.preferred])], ['error', 2, [['Change to JKS', false], ['Change to PKCS12', true]]]);
  });
  it('invalid-store-type: accepts PKCS12, JKS in any case, and $ref values', () => {
    assert.deepEqual(codes('[keystore.primary]\ntype = "pkcs12"\n[keystore.internal]\ntype = "$ref{keystore.primary.type}"\n[truststore]\ntype = "JKS"\n', 'invalid-store-type'), []);
  });

  it('bare-file-name: flags a name without folder and fixes it to repository/resources/security/', () => {
    const text = '[truststore]\nfile_name = "client-truststore.jks"\n';
    const [p] = codes(text, 'bare-file-name');
    assert.deepEqual([p.severity, apply(text, p.fixes[0].edits)], ['warning', '[truststore]\nfile_name = "repository/resources/security/client-truststore.jks"\n']);
  });
  it('bare-file-name: stays silent on relative and absolute paths', () => {
    assert.deepEqual(codes('[truststore]\nfile_name = "repository/resources/security/t.jks"\n[keystore.primary]\nfile_name = "/opt/k.jks"\n', 'bare-file-name'), []);
  });

  it('missing-password: flags a table that changes file_name but not password, on its header', () => {
    assert.deepEqual(lines('# x\n[keystore.primary]\nfile_name = "repository/resources/security/new.jks"\n', 'missing-password'), [1]);
  });
  it('missing-password: stays silent when the password is set or the file is the default', () => {
    const text = '[keystore.primary]\nfile_name = "repository/resources/security/new.jks"\npassword = "$secret{ks}"\n[truststore]\nfile_name = "repository/resources/security/client-truststore.jks"\n';
    assert.deepEqual(codes(text, 'missing-password'), []);
  });

  it('default-password: flags wso2carbon', () => {
    assert.deepEqual(codes('[truststore]\npassword = "wso2carbon"\n', 'default-password').map((p) => p.severity), ['warning']);
  });
  it('default-password: stays silent on another password', () => {
    assert.deepEqual(codes('[truststore]\npassword = "s3cret-long"\n', 'default-password'), []);
  });

  it('password-too-short: flags a 5-character password', () => {
    assert.deepEqual(lines('[keystore.primary]\nkey_password = "abcde"\n', 'password-too-short'), [1]);
  });
  it('password-too-short: stays silent at 6 characters', () => {
    assert.deepEqual(lines('[keystore.primary]\nkey_password = "abcdef"\n', 'password-too-short'), []);
  });

  it('plaintext-password: a hint with no fix on a literal password', () => {
    assert.deepEqual(codes('[truststore]\npassword = "abcdefgh"\n', 'plaintext-password').map((p) => [p.severity, p.fixes.length]), [['hint', 0]]);
  });
  it('plaintext-password: stays silent on $secret{} and $env{}', () => {
    assert.deepEqual(codes('[secrets]\nts = "abc"\n[truststore]\npassword = "$secret{ts}"\n[keystore.primary]\npassword = "$env{KS}"\n', 'plaintext-password'), []);
  });

  it('secret-undefined: flags $secret{x} with no x in [secrets], with a fix that adds it', () => {
    const text = '[truststore]\npassword = "$secret{tspw}"\n';
    const [p] = codes(text, 'secret-undefined');
    assert.deepEqual([p.severity, p.range.start.line, apply(text, p.fixes[0].edits)], ['error', 1, `${text}\n[secrets]\ntspw = "[]"\n`]);
  });
  it('secret-undefined: stays silent when [secrets] defines the alias', () => {
    assert.deepEqual(codes('[truststore]\npassword = "$secret{tspw}"\n[secrets]\ntspw = "abc=="\n', 'secret-undefined'), []);
  });

  it('secret-plain: flags a [plain] value in [secrets]', () => {
    assert.deepEqual(codes('[secrets]\nks = "[changeit]"\n', 'secret-plain').map((p) => [p.severity, p.range.start.character]), [['warning', 5]]);
  });
  it('secret-plain: stays silent on an encrypted value', () => {
    assert.deepEqual(codes('[secrets]\nks = "bG9uZ2Jhc2U2NA=="\n', 'secret-plain'), []);
  });

  it('secret-alias-invalid: accepts a quoted "ks.pw" alias and its reference (the mapper takes everything between the braces)', () => {
    const text = '[secrets]\n"ks.pw" = "x"\n[truststore]\npassword = "$secret{ks.pw}"\n';
    assert.deepEqual([codes(text, 'secret-alias-invalid'), codes(text, 'secret-undefined')], [[], []]);
  });
  it('secret-alias-invalid: flags an unquoted dotted key in [secrets] (a nested table), with a fix that quotes it', () => {
    const text = '[secrets]\nks.pw = "x"\n[truststore]\npassword = "$secret{ks.pw}"\n';
    const p = codes(text, 'secret-alias-invalid');
    assert.deepEqual([p.map((x) => x.range.start.line), apply(text, p[0].fixes[0].edits)], [[1], '[secrets]\n"ks.pw" = "x"\n[truststore]\npassword = "$secret{ks.pw}"\n']);
  });
  it('secret-alias-invalid: stays silent on [A-Za-z0-9_] aliases', () => {
    assert.deepEqual(codes('[secrets]\nKs_pw1 = "x"\n', 'secret-alias-invalid'), []);
  });

  it('honours disabled codes', () => {
    const doc = parseDeploymentToml('[truststore]\npassword = "wso2carbon"\n', FILE);
    assert.deepEqual(checkDocument(doc, { disabled: ['default-password', 'plaintext-password'] }), []);
  });

  it('counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('pasword', 'password') + editDistance('typ', 'tpy'), 2);
  });
});
