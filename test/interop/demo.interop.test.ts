/**
 * The demo's stores, made by the engine (scripts/demoStores.ts), as the real JDK keytool reads them: the
 * wso2carbon key opens with the password wso2carbon, its certificate has expired, and the truststore holds
 * the root CAs plus that certificate.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { makeDemoStores } from '../../scripts/demoStores';
import { useTempDir } from '../helpers/fixtures';
import { keytool, keytoolList, keytoolListText } from '../helpers/keytool';

describe('the demo stores, listed by keytool', () => {
  const dir = useTempDir('mi-demo-interop-', 'all');
  let primary = '';
  let truststore = '';
  let rootCount = 0;

  before(async () => {
    const stores = await makeDemoStores();
    primary = dir('wso2carbon.jks');
    truststore = dir('client-truststore.jks');
    fs.writeFileSync(primary, stores.primary);
    fs.writeFileSync(truststore, stores.truststore);
    rootCount = stores.rootCount;
  });

  it('lists wso2carbon.jks as a JKS store with the key pair wso2carbon, whose certificate has expired', () => {
    // The key entry alone (the store also holds the root CAs, as WSO2's shipped one does).
    const text = keytool(['-list', '-v', '-alias', 'wso2carbon', '-keystore', primary, '-storepass', 'wso2carbon']);
    const until = /^Valid from: .* until: (.*)$/m.exec(text)?.[1] ?? '';
    const actual = {
      type: /^Keystore type: (.*)$/m.exec(keytoolListText(primary, 'wso2carbon'))?.[1],
      entries: keytoolList(primary, 'wso2carbon').entries.filter((e) => e.entryType === 'PrivateKeyEntry').map((e) => `${e.alias} ${e.entryType}`),
      owner: /^Owner: (.*)$/m.exec(text)?.[1],
      until,
      expired: new Date(until).getTime() < Date.now(),
    };
    const expected = {
      type: 'JKS',
      entries: ['wso2carbon PrivateKeyEntry'],
      owner: 'CN=localhost, OU=WSO2, O=WSO2, L=Mountain View, ST=CA, C=US',
      until: 'Wed May 27 05:30:00 UTC 2026',
      expired: true,
    };
    assert.deepEqual(actual, expected);
  });

  it('recovers the wso2carbon key with the password wso2carbon (keytool -certreq signs with it)', () => {
    const csr = keytool(['-certreq', '-alias', 'wso2carbon', '-keystore', primary, '-storepass', 'wso2carbon', '-keypass', 'wso2carbon']);
    assert.match(csr, /-----BEGIN NEW CERTIFICATE REQUEST-----/);
  });

  it('lists client-truststore.jks as the root CAs plus the wso2carbon certificate, all trusted entries', () => {
    const listing = keytoolList(truststore, 'wso2carbon');
    const key = keytoolList(primary, 'wso2carbon').entries.find((e) => e.entryType === 'PrivateKeyEntry')!;
    const wso2carbon = listing.entries.find((e) => e.alias === 'wso2carbon');
    const actual = {
      count: listing.count,
      types: [...new Set(listing.entries.map((e) => e.entryType))],
      wso2carbon: wso2carbon?.sha256s[0] === key.sha256s[0],
    };
    assert.deepEqual(actual, { count: rootCount + 1, types: ['trustedCertEntry'], wso2carbon: true });
  });
});
