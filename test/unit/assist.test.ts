import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { completionsAt, hoverAt, type AssistContext, type StoreSummary } from '../../src/core/config/assist';
import { decodeKeystore, describeCertificate } from '../../src/core/keystore';
import type { Position } from '../../src/core/problem';
import { FIXTURES } from '../helpers/fixtures';


/** The summary of a keytool-made fixture, built with the real codec (jks-rsa.jks: key `server`, trusted `ca`). */
async function fixtureSummary(name: string, password: string): Promise<StoreSummary> {
  const store = await decodeKeystore(fs.readFileSync(path.join(FIXTURES, name)), password);
  return {
    path: `repository/resources/security/${name}`,
    format: store.format,
    integrity: store.integrity,
    entries: store.entries.map((e) => ({
      alias: e.alias,
      kind: e.kind,
      certificate: e.kind === 'private-key' ? describeCertificate(e.chain[0]) : e.kind === 'trusted-cert' ? describeCertificate(e.certificate) : null,
    })),
  };
}

/** A workspace holding jks-rsa.jks as the store of every table; records what it was asked. */
function context(summary: StoreSummary): AssistContext & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    keystoreFiles: async () => ['repository/resources/security/jks-rsa.jks', 'repository/resources/security/p12-default.p12'],
    storeForTable: async (table, key) => {
      asked.push(`${table} ${key ?? ''}`.trim());
      return summary;
    },
  };
}

/** Text with `|` marking the cursor → the document and the cursor position. */
function at(textWithCursor: string): { doc: ReturnType<typeof parseDeploymentToml>; pos: Position } {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  const before = text.slice(0, offset).split('\n');
  return { doc: parseDeploymentToml(text, '/w/deployment.toml'), pos: { line: before.length - 1, character: before[before.length - 1].length } };
}

describe('assist: completion', () => {
  let summary: StoreSummary;
  before(async () => {
    summary = await fixtureSummary('jks-rsa.jks', 'changeit');
  });

  it('completes table headers after an unfinished `[keys`', async () => {
    const { doc, pos } = at('[keys|');
    const items = await completionsAt(doc, pos, context(summary));
    const primary = items.find((i) => i.label === 'keystore.primary');
    assert.deepEqual([primary?.kind, primary?.insertText, primary?.range.start.character], ['table', 'keystore.primary]', 1]);
  });

  it('offers array tables after `[[`', async () => {
    const { doc, pos } = at('[[cust|');
    const labels = (await completionsAt(doc, pos, context(summary))).map((i) => i.label);
    assert.deepEqual([labels.includes('custom_transport.listener'), labels.includes('keystore.primary')], [true, false]);
  });

  it('offers the keys of the table not yet written, with docs', async () => {
    const { doc, pos } = at('[keystore.primary]\nfile_name = "a.jks"\n|\n[truststore]\n');
    const keys = (await completionsAt(doc, pos, context(summary))).filter((i) => i.kind === 'key');
    assert.deepEqual([keys.map((k) => k.label), keys.every((k) => (k.documentation ?? '').length > 0)], [['type', 'password', 'alias', 'key_password'], true]);
  });

  it('offers type choices as a snippet for the `type` key', async () => {
    const { doc, pos } = at('[truststore]\nty|');
    const type = (await completionsAt(doc, pos, context(summary))).find((i) => i.label === 'type');
    assert.deepEqual([type?.insertText, type?.isSnippet], ['type = "${1|JKS,PKCS12|}"', true]);
  });

  it('never shows a default password in a key\'s detail', async () => {
    const { doc, pos } = at('[keystore.primary]\n|');
    const passwords = (await completionsAt(doc, pos, context(summary))).filter((i) => /password/.test(i.label));
    assert.deepEqual([passwords.length, passwords.some((i) => `${i.detail ?? ''}${i.documentation ?? ''}`.includes('wso2carbon'))], [2, false]);
  });

  it('offers JKS and PKCS12 inside an unclosed string', async () => {
    const { doc, pos } = at('[keystore.primary]\ntype = "PK|');
    const items = await completionsAt(doc, pos, context(summary));
    assert.deepEqual(items.map((i) => [i.label, i.insertText, i.range.start.character]), [['JKS', 'JKS"', 8], ['PKCS12', 'PKCS12"', 8]]);
  });

  it('quotes a value typed without quotes', async () => {
    const { doc, pos } = at('[truststore]\ntype = |');
    assert.deepEqual((await completionsAt(doc, pos, context(summary))).map((i) => i.insertText), ['"JKS"', '"PKCS12"']);
  });

  it('offers workspace keystore files for file_name', async () => {
    const { doc, pos } = at('[keystore.primary]\nfile_name = "|"');
    const items = await completionsAt(doc, pos, context(summary));
    assert.deepEqual(items.map((i) => i.insertText), ['repository/resources/security/jks-rsa.jks', 'repository/resources/security/p12-default.p12']);
  });

  it('offers aliases of the configured store, private keys first, with kind and expiry', async () => {
    const { doc, pos } = at('[keystore.primary]\nalias = "|');
    const items = await completionsAt(doc, pos, context(summary));
    assert.deepEqual(
      items.map((i) => [i.label, /^(private key|trusted certificate), (expires|expired) \d{4}-\d{2}-\d{2}$/.test(i.detail ?? '')]),
      [['server', true], ['ca', true]],
    );
  });

  it('asks the context for the consumer of a [transport.http] key_alias', async () => {
    const { doc, pos } = at('[transport.http]\nlistener.keystore.key_alias = "|');
    const ctx = context(summary);
    await completionsAt(doc, pos, ctx);
    assert.deepEqual(ctx.asked, ['transport.http listener.keystore.key_alias']);
  });

  it('offers [secrets] aliases inside $secret{', async () => {
    const { doc, pos } = at('[secrets]\nks_pw = "x"\ntrust_pw = "y"\n[truststore]\npassword = "$secret{tr|');
    const items = await completionsAt(doc, pos, context(summary));
    assert.deepEqual(items.map((i) => [i.label, i.insertText, i.range.start.character]), [['ks_pw', 'ks_pw}', 20], ['trust_pw', 'trust_pw}', 20]]);
  });

  it('inserts only the key name when completing the key of an existing `key = value` line', async () => {
    const { doc, pos } = at('[keystore.primary]\nkey_pa| = "x"\n');
    const item = (await completionsAt(doc, pos, context(summary))).find((i) => i.label === 'key_password');
    assert.deepEqual([item?.insertText, item?.range.end.character], ['key_password', 6]);
  });

  it('offers section snippets on an empty line', async () => {
    const { doc, pos } = at('|');
    const snippets = (await completionsAt(doc, pos, context(summary))).filter((i) => i.kind === 'snippet');
    assert.ok(snippets.some((s) => s.insertText.startsWith('[keystore.internal]\nfile_name = ')));
  });

  it('works inside a table while another table is broken', async () => {
    const { doc, pos } = at('[truststore]\npassword = "abc\n[keystore.internal]\n|');
    const labels = (await completionsAt(doc, pos, context(summary))).filter((i) => i.kind === 'key').map((i) => i.label);
    assert.deepEqual(labels, ['file_name', 'type', 'password', 'alias', 'key_password']);
  });
});

describe('assist: hover', () => {
  let summary: StoreSummary;
  before(async () => {
    summary = await fixtureSummary('jks-rsa.jks', 'changeit');
  });

  it('shows a key\'s doc and default', async () => {
    const { doc, pos } = at('[keystore.primary]\nty|pe = "JKS"\n');
    const hover = await hoverAt(doc, pos, context(summary));
    assert.deepEqual([hover?.contents.includes('Keystore type'), hover?.contents.includes('Default: `JKS`'), hover?.range.end.character], [true, true, 4]);
  });

  it('says MI ignores the truststore alias', async () => {
    const { doc, pos } = at('[truststore]\nali|as = "symmetric.key.value"\n');
    assert.equal((await hoverAt(doc, pos, context(summary)))?.contents.includes('MI ignores this key'), true);
  });

  it('names the default\'s source for an internal key', async () => {
    const { doc, pos } = at('[keystore.internal]\nfile|_name = "x"\n');
    assert.equal((await hoverAt(doc, pos, context(summary)))?.contents.includes('`keystore.primary.file_name`'), true);
  });

  it('summarises the store on file_name', async () => {
    const { doc, pos } = at('[keystore.primary]\nfile_name = "repository/resources/security/jks|-rsa.jks"\n');
    const hover = await hoverAt(doc, pos, context(summary));
    assert.equal(hover?.contents.includes('JKS, 1 private key, 1 trusted certificate'), true);
  });

  it('shows the certificate of the alias: subject, issuer, validity, SHA-256', async () => {
    const { doc, pos } = at('[keystore.primary]\nalias = "ser|ver"\n');
    const hover = await hoverAt(doc, pos, context(summary));
    const entry = 'entries' in summary ? summary.entries.find((e) => e.alias === 'server') : undefined;
    const cert = entry?.certificate;
    const expected = [`Subject: ${cert?.subject}`, 'Issuer: ', `Valid: ${cert?.notBefore} to ${cert?.notAfter}`, `SHA-256: \`${cert?.sha256}\``];
    assert.deepEqual(expected.filter((s) => !hover?.contents.includes(s)), []);
  });

  it('hovers an alias in an unclosed string', async () => {
    const { doc, pos } = at('[keystore.primary]\nalias = "ser|ver\n');
    assert.equal((await hoverAt(doc, pos, context(summary)))?.contents.startsWith('**server**'), true);
  });

  it('says so when the alias is not in the store', async () => {
    const { doc, pos } = at('[keystore.primary]\nalias = "no|pe"\n');
    assert.equal((await hoverAt(doc, pos, context(summary)))?.contents.includes('No entry nope'), true);
  });

  it('documents a table on its header', async () => {
    const { doc, pos } = at('[keystore.tl|s]\n');
    assert.equal((await hoverAt(doc, pos, context(summary)))?.contents.includes('use `[keystore.primary]`'), true);
  });

  it('has nothing for keys MI keystores does not model', async () => {
    const { doc, pos } = at('[server]\nhost|name = "x"\n');
    assert.equal(await hoverAt(doc, pos, context(summary)), undefined);
  });
});

// API Manager 4.x reads the same keystore tables under other rules (a bare file_name is right there), so
// MI's keys, defaults and advice must not be offered on its files; seen in WSO2's API-M 4.x docs pages.
describe('assist: another product\'s file', () => {
  let summary: StoreSummary;
  before(async () => {
    summary = await fixtureSummary('jks-rsa.jks', 'changeit');
  });

  it('offers no MI completion in an API Manager file, told by its tables', async () => {
    const { doc, pos } = at('[apim.key_manager]\ntype = "default"\n[keystore.primary]\nfile_name = "|"\n');
    assert.deepEqual(await completionsAt(doc, pos, context(summary)), []);
  });

  it('says on hover that MI\'s documentation does not apply, with the product the home\'s launcher names', async () => {
    const { doc, pos } = at('[keystore.primary]\nty|pe = "JKS"\n');
    const hover = await hoverAt(doc, pos, { ...context(summary), product: async () => 'identity-server' });
    assert.deepEqual([hover?.contents, hover?.range.end.character], ["This file configures WSO2 Identity Server, not WSO2 Micro Integrator: MI's keys, defaults and advice do not apply to it.", 4]);
  });

  it('still documents an MI file', async () => {
    const { doc, pos } = at('[keystore.primary]\nty|pe = "JKS"\n');
    const hover = await hoverAt(doc, pos, { ...context(summary), product: async () => 'mi' });
    assert.equal(hover?.contents.includes('Keystore type'), true);
  });
});
