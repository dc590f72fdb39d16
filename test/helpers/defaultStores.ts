/**
 * WSO2-like default stores made by the product's own engine: `wso2carbon.jks` (JKS, one RSA-2048 key pair
 * `wso2carbon`, CN=localhost, password `wso2carbon`) and `client-truststore.jks` trusting its certificate, as
 * a fresh MI home has them. The rule tests need stores to check, not a JDK: keytool reading what the engine
 * writes is proved by the interop tier (test/interop), so the unit tier runs where no JDK is installed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addKeyPair, createStore, encodeKeystore, exportCertificate, importTrustedCertificate } from '../../src/core/keystore';

/** Writes wso2carbon.jks and client-truststore.jks into `dir` (which must exist). */
export async function writeDefaultStores(dir: string): Promise<void> {
  const keystore = await addKeyPair(createStore('JKS'), {
    alias: 'wso2carbon',
    keyAlgorithm: 'RSA',
    keySize: 2048,
    dname: 'CN=localhost,O=WSO2',
    validityDays: 3650,
    keyPassword: 'wso2carbon',
  });
  const truststore = importTrustedCertificate(createStore('JKS'), 'wso2carbon', exportCertificate(keystore, 'wso2carbon')).store;
  fs.writeFileSync(path.join(dir, 'wso2carbon.jks'), await encodeKeystore(keystore, 'wso2carbon'));
  fs.writeFileSync(path.join(dir, 'client-truststore.jks'), await encodeKeystore(truststore, 'wso2carbon'));
}
