import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { KEYSTORE_TABLES, SCHEMA_ORIGIN, isModeledLocation, knownTables, lookupKey, tableKeys } from '../../src/core/config/schema';
import { SHARED_ABSENT, WSO2, itShared } from '../helpers/fixtures';

/** MI's config-mapper data, read beside the repository (the schema is the project's trimmed copy of it). */
const CONFIG_TOOL = path.join(WSO2, 'mi-config-tool');
const defaults = (SHARED_ABSENT ? {} : JSON.parse(fs.readFileSync(path.join(CONFIG_TOOL, 'default.json'), 'utf8'))) as Record<string, unknown>;

/** The tables issue 7 asks the schema to model, as default.json prefixes. */
const MODELLED = ['keystore.primary.', 'keystore.internal.', 'truststore.', 'transport.http.listener.keystore.', 'transport.http.listener.truststore.',
  'transport.http.sender.keystore.', 'transport.http.sender.truststore.', 'transport.vfs.listener.keystore.', 'internal_api_ssl_config.key_store.',
  'internal_api_ssl_config.trust_store.'];

/** Splits a default.json key into table and key parts by the schema's table names, longest first. */
function split(fullKey: string): [string, string[]] | undefined {
  const table = knownTables().filter((t) => fullKey.startsWith(`${t}.`)).sort((a, b) => b.length - a.length)[0];
  return table ? [table, fullKey.slice(table.length + 1).split('.')] : undefined;
}

describe('schema: MI keystore keys', () => {
  itShared('has every keystore key of default.json for the modelled tables', () => {
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

  itShared('takes the primary defaults from default.json', () => {
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

  itShared('is what scripts/make-schema.mjs derives from the fixtures', () => {
    const script = path.resolve(__dirname, '../../scripts/make-schema.mjs');
    const actual = execFileSync(process.execPath, [script, '--check', CONFIG_TOOL], { encoding: 'utf8' });
    assert.match(actual, /is up to date/);
  });

  it('names the MI commit it was derived from', () => {
    assert.equal(SCHEMA_ORIGIN.commit, '2fb7ef26be6d3c975511bd79c128b2777da02680');
  });
});
