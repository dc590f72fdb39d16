import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeKeystore, certificatesMatchKey, describeCertificate } from '../../src/core/keystore';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { FIXTURES, itShared, WSO2 } from '../helpers/fixtures';

const FULL_TOML = path.join(WSO2, 'mi-config-tool/deployment-full.toml');

function pemDer(name: string): Uint8Array {
  const m = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END/.exec(fs.readFileSync(path.join(FIXTURES, 'pem', name), 'latin1'));
  if (!m) throw new Error(`no PEM in ${name}`);
  return new Uint8Array(Buffer.from(m[1], 'base64'));
}

describe('x509: describeCertificate results are independent copies', () => {
  it('a caller changing its result does not change what the next call returns', () => {
    const der = pemDer('server-signed.pem');
    const first = describeCertificate(der) as unknown as { subject: string; subjectAltNames: string[] };
    const expected = JSON.stringify(describeCertificate(der));
    first.subject = 'changed';
    first.subjectAltNames.push('DNS:changed');
    assert.equal(JSON.stringify(describeCertificate(new Uint8Array(der))), expected);
  });
});

describe('x509: certificatesMatchKey across key types', () => {
  it('is false for an RSA key against an EC certificate', async () => {
    const store = await decodeKeystore(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'jks-ec.jks'))), 'changeit');
    const ec = store.entries.find((e) => e.alias === 'ec256');
    assert.ok(ec && ec.kind === 'private-key');
    assert.equal(certificatesMatchKey(ec.chain[0], pemDer('server-key.pkcs8.pem')), false);
  });
});

describe('parse: re-parsing an edited file with errors', () => {
  itShared('moves every table and issue down with the text when lines are inserted above them', () => {
    const text = fs.readFileSync(FULL_TOML, 'utf8');
    const before = parseDeploymentToml(text, 'f');
    assert.ok(before.issues.length > 0, 'deployment-full.toml takes the tolerant path');
    const after = parseDeploymentToml(`# one\n# two\n${text}`, 'f');
    const shift = (doc: typeof before, by: number) =>
      JSON.stringify({ issues: doc.issues, tables: doc.tables.slice(1) }, (k, v: unknown) => (k === 'line' && typeof v === 'number' ? v + by : v));
    assert.equal(shift(after, 0), shift(before, 2));
  });
});
