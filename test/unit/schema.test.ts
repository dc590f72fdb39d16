import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { KEYSTORE_TABLES, SCHEMA_ORIGIN, isKnownKey, isModeledLocation, knownTables, lookupKey, tableKeys } from '../../src/core/config/schema';
import { WSO2 } from '../helpers/fixtures';

const CONFIG_TOOL = path.join(WSO2, 'mi-config-tool');
const CONFIG_TOOL_46 = path.join(WSO2, 'mi-config-tool-4.6');
/** WSO2's config-mapper data lives beside the repository, never in it: without it these tests are skipped. */
const HAVE_SHARED = fs.existsSync(path.join(CONFIG_TOOL, 'default.json')) && fs.existsSync(path.join(CONFIG_TOOL_46, 'default.json'));
const describeShared = HAVE_SHARED ? describe : describe.skip;
const SKIPPED = HAVE_SHARED ? '' : ' (skipped: ../shared/fixtures/wso2/mi-config-tool and mi-config-tool-4.6 are absent)';
let defaults: Record<string, unknown> = {};
if (HAVE_SHARED) defaults = JSON.parse(fs.readFileSync(path.join(CONFIG_TOOL, 'default.json'), 'utf8')) as Record<string, unknown>;

/** The tables the schema models, as default.json prefixes. */
const MODELLED = ['keystore.primary.', 'keystore.internal.', 'truststore.', 'transport.http.listener.keystore.', 'transport.http.listener.truststore.',
  'transport.http.sender.keystore.', 'transport.http.sender.truststore.', 'transport.vfs.listener.keystore.', 'internal_api_ssl_config.key_store.',
  'internal_api_ssl_config.trust_store.'];

/** Splits a default.json key into table and key parts by the schema's table names, longest first. */
function split(fullKey: string): [string, string[]] | undefined {
  const table = knownTables().filter((t) => fullKey.startsWith(`${t}.`)).sort((a, b) => b.length - a.length)[0];
  return table ? [table, fullKey.slice(table.length + 1).split('.')] : undefined;
}

describeShared(`schema: MI keystore keys, against MI's config-mapper data${SKIPPED}`, () => {
  it('has every keystore key of default.json for the modelled tables', () => {
    const wanted = Object.keys(defaults).filter((k) => MODELLED.some((p) => k.startsWith(p)));
    const missing = wanted.filter((k) => {
      const s = split(k);
      return !s || !lookupKey(s[0], s[1]);
    });
    assert.deepEqual([wanted.length > 30, missing], [true, []]);
  });

  it('makes each internal key ref the primary key of the same name', () => {
    const actual = tableKeys('keystore.internal').map((k) => [k.key, k.ref]);
    assert.deepEqual(actual, ['file_name', 'type', 'password', 'alias', 'key_password'].map((k) => [k, `keystore.primary.${k}`]));
  });

  it('resolves the internal defaults to the primary\'s values', () => {
    assert.equal(lookupKey('keystore.internal', ['file_name'])?.default, 'repository/resources/security/wso2carbon.jks');
  });

  it('takes the primary defaults from default.json', () => {
    const actual = tableKeys('keystore.primary').map((k) => k.default);
    const expected = tableKeys('keystore.primary').map((k) => defaults[`keystore.primary.${k.key}`]);
    assert.deepEqual(actual, expected);
  });

  it('marks truststore alias and algorithm as ignored', () => {
    assert.deepEqual([lookupKey('truststore', ['alias'])?.ignored, lookupKey('truststore', ['algorithm'])?.ignored], [true, true]);
  });

  it('allows JKS and PKCS12 as store types', () => {
    assert.deepEqual(lookupKey('transport.http', ['listener', 'keystore', 'type'])?.allowed, ['JKS', 'PKCS12']);
  });

  it('marks passwords as secret', () => {
    const actual = KEYSTORE_TABLES.every((c) => lookupKey(c.table, c.keys.password.split('.'))?.secret === true);
    assert.equal(actual, true);
  });

  it('finds the keys of array tables', () => {
    assert.equal(lookupKey('custom_transport.listener', ['keystore', 'location'])?.role, 'file');
  });

  it('finds a key written dotted in a parent table', () => {
    assert.equal(lookupKey('keystore', ['primary', 'alias'])?.fullKey, 'keystore.primary.alias');
  });

  it('finds the quoted CipherTransformation system parameter', () => {
    assert.ok(lookupKey('system.parameter', ['org.wso2.CipherTransformation'])?.allowed?.includes('RSA'));
  });

  it('lists a consumer for each keystore MI loads', () => {
    const ids = KEYSTORE_TABLES.map((c) => c.id);
    const expected = ['primary', 'internal', 'truststore', 'https-listener-keystore', 'https-listener-truststore', 'https-sender-keystore',
      'https-sender-truststore', 'vfs-listener-keystore', 'internal-api-keystore', 'internal-api-truststore', 'custom-transport-listener-keystore'];
    assert.deepEqual(expected.filter((e) => !ids.includes(e)), []);
  });

  it('gives the primary consumer all five keys', () => {
    const primary = KEYSTORE_TABLES.find((c) => c.id === 'primary');
    assert.deepEqual(primary?.keys, { file: 'file_name', type: 'type', password: 'password', alias: 'alias', keyPassword: 'key_password' });
  });

  it('models only the keystore part of [transport.http]', () => {
    assert.deepEqual([isModeledLocation('transport.http', ['listener', 'port']), isModeledLocation('transport.http', ['listener', 'keystore', 'x'])], [false, true]);
  });

  it('does not list the obsolete [keystore.tls] among known tables', () => {
    assert.equal(knownTables().includes('keystore.tls'), false);
  });

  it('is what scripts/make-schema.mjs derives from the fixtures', () => {
    const script = path.resolve(__dirname, '../../scripts/make-schema.mjs');
    const actual = execFileSync(process.execPath, [script, '--check', CONFIG_TOOL, CONFIG_TOOL_46], { encoding: 'utf8' });
    assert.match(actual, /is up to date/);
  });

  it('knows every key of MI 4.4 and of MI 4.6 (default.json and the templates)', () => {
    const d46 = JSON.parse(fs.readFileSync(path.join(CONFIG_TOOL_46, 'default.json'), 'utf8')) as Record<string, unknown>;
    const unknown = [...Object.keys(defaults), ...Object.keys(d46)].map((k) => k.replace(/'/g, '')).filter((k) => !isKnownKey(k));
    assert.deepEqual(unknown, []);
    for (const k of ['jce_provider.provider_name', 'jsse_provider.provider_name', 'encryption.key', 'encryption.internal_crypto_provider']) assert.ok(isKnownKey(k), k);
  });

  it('names the MI commit it was derived from', () => {
    assert.equal(SCHEMA_ORIGIN.commit, '2fb7ef26be6d3c975511bd79c128b2777da02680');
  });
});

describe('scripts/make-schema.mjs without WSO2\'s data', () => {
  it('fails with a clear message naming what is missing', () => {
    const script = path.resolve(__dirname, '../../scripts/make-schema.mjs');
    const r = spawnSync(process.execPath, [script, '--check', '/nonexistent/mi-config-tool', '/nonexistent/mi-config-tool-4.6'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /config-mapper data is not at \/nonexistent\/mi-config-tool .*\n.*developer tool/);
  });

  it('the committed schema knows MI 4.6 keys and names both origins', () => {
    assert.ok(isKnownKey('jce_provider.provider_name') && isKnownKey('transport.http.listener.secured_port'));
    assert.ok(!isKnownKey('transport.https.listener.secured_port'));
    assert.equal((SCHEMA_ORIGIN.also as { commit: string }).commit, '6c17429ef867074b3d35cc14bfab09d71a404130');
  });
});
