/**
 * The real inputs the fuzzer mutates: every keytool-made fixture (JKS, JCEKS, PKCS12 in all its layouts),
 * a few of WSO2's shipped stores, and WSO2's own deployment.toml files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, WSO2 } from '../helpers/fixtures';

/** A keystore to mutate, with the passwords that open the original. */
export interface KeystoreSeed {
  readonly name: string;
  readonly file: string;
  readonly storePassword: string;
  readonly keyPassword: string;
  /** The MI `type` value for deployment.toml. */
  readonly type: string;
  /** A key alias to configure, or null for a trust store. */
  readonly alias: string | null;
}

/** A deployment.toml to mutate. */
export interface TomlSeed {
  readonly name: string;
  readonly file: string;
}

/** Every keystore seed that exists on this machine. */
export function keystoreSeeds(): KeystoreSeed[] {
  const local: KeystoreSeed[] = [
    ['jks-rsa.jks', 'changeit', 'changeit', 'JKS', 'server'],
    ['jks-chain.jks', 'changeit', 'changeit', 'JKS', 'server'],
    ['jks-keypass.jks', 'storepass1', 'keypass1', 'JKS', 'signer'],
    ['jks-trust.jks', 'changeit', 'changeit', 'JKS', null],
    ['jks-unicode.jks', 'changeit', 'changeit', 'JKS', 'clé-ü'],
    ['jks-ec.jks', 'changeit', 'changeit', 'JKS', 'ec256'],
    ['jceks.jceks', 'changeit', 'changeit', 'JCEKS', 'server'],
    ['p12-default.p12', 'changeit', 'changeit', 'PKCS12', 'server'],
    ['p12-chain.p12', 'changeit', 'changeit', 'PKCS12', 'server'],
    ['p12-legacy.p12', 'changeit', 'changeit', 'PKCS12', 'server'],
    ['p12-nomac.p12', 'changeit', 'changeit', 'PKCS12', 'server'],
    ['p12-ec.p12', 'changeit', 'changeit', 'PKCS12', 'ec256'],
    ['p12-trust.p12', 'changeit', 'changeit', 'PKCS12', null],
  ].map(([f, sp, kp, type, alias]) => ({
    name: f as string,
    file: path.join(FIXTURES, f as string),
    storePassword: sp as string,
    keyPassword: kp as string,
    type: type as string,
    alias: alias as string | null,
  }));
  const wso2: KeystoreSeed[] = [
    { name: 'wso2/vfsKeystore.jks', file: path.join(WSO2, 'keystores/test-fixtures/vfsKeystore.jks'), storePassword: 'edcrfv', keyPassword: 'qazwsx', type: 'JKS', alias: 'vfs' },
    { name: 'wso2/rabbitmq-keycert.p12', file: path.join(WSO2, 'keystores/test-fixtures/rabbitmq-client-keycert.p12'), storePassword: 'MySecretPassword', keyPassword: 'MySecretPassword', type: 'PKCS12', alias: '1' },
    { name: 'wso2/wso2carbon.jks (PKCS12, no MAC)', file: path.join(WSO2, 'keystores/wso2carbon.jks'), storePassword: 'wso2carbon', keyPassword: 'wso2carbon', type: 'JKS', alias: 'wso2carbon' },
    { name: 'wso2/wso2carbon.kernel-4.9.x-head.jks', file: path.join(WSO2, 'keystores/wso2carbon.kernel-4.9.x-head.jks'), storePassword: 'wso2carbon', keyPassword: 'wso2carbon', type: 'JKS', alias: 'wso2carbon' },
  ];
  return [...local, ...wso2].filter((s) => fs.existsSync(s.file));
}

/** Every deployment.toml seed that exists on this machine. */
export function tomlSeeds(): TomlSeed[] {
  const samples = path.join(WSO2, 'deployment-toml-samples');
  const files = fs.existsSync(samples)
    ? fs
        .readdirSync(samples)
        .filter((f) => f.endsWith('.toml'))
        .map((f) => ({ name: `wso2/${f}`, file: path.join(samples, f) }))
    : [];
  const more = [
    { name: 'wso2/mi-conf/deployment.toml', file: path.join(WSO2, 'mi-conf/deployment.toml') },
    { name: 'wso2/deployment-full.toml', file: path.join(WSO2, 'mi-config-tool/deployment-full.toml') },
  ];
  return [...files, ...more].filter((s) => fs.existsSync(s.file));
}

/** A deployment.toml whose primary keystore and truststore are `file_name` with the seed's passwords. */
export function tomlFor(seed: KeystoreSeed, fileName: string): string {
  const lines = ['[server]', 'hostname = "localhost"', '', '[keystore.primary]', `file_name = "${fileName}"`, `type = "${seed.type}"`, `password = "${seed.storePassword}"`];
  if (seed.alias !== null) lines.push(`alias = "${seed.alias}"`, `key_password = "${seed.keyPassword}"`);
  lines.push('', '[truststore]', `file_name = "${fileName}"`, `type = "${seed.type}"`, `password = "${seed.storePassword}"`, '');
  return lines.join('\n');
}
