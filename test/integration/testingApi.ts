// What the secure vault and reliability suites need beyond helpers.ts: the extension's test-only API, and
// OpenSSL to encrypt and decrypt `[secrets]` values independently of the extension's own cipher code.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activate, fixture, type ExtensionApi } from './helpers';

/** The test-only part of what activate() returns. */
export type TestingApi = ExtensionApi['testing'];

/** Activates the extension and returns its test-only API. */
export async function testingApi(): Promise<TestingApi> {
  return (await activate()).testing;
}

/** A keytool-made PEM fixture (test/fixtures/keystores/pem). */
export function pemFixture(name: string): string {
  return path.join(path.dirname(fixture('x')), 'pem', name);
}

/** Encrypts `plaintext` with the RSA key of the certificate `certPem` (PKCS#1 v1.5, as the cipher tool does); base64. */
export function opensslEncrypt(plaintext: string, certPem: string, dir: string, padding: 'pkcs1' | 'oaep' = 'pkcs1'): string {
  const pub = path.join(dir, `pub-${path.basename(certPem)}.pem`);
  fs.writeFileSync(pub, execFileSync('openssl', ['x509', '-pubkey', '-noout', '-in', certPem]));
  const input = path.join(dir, 'plain.bin');
  fs.writeFileSync(input, plaintext, 'utf8');
  try {
    return execFileSync('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', pub, '-in', input, ...paddingOptions(padding)]).toString('base64');
  } finally {
    // The hygiene test searches new temp files for its secrets: leave no plain text behind.
    fs.rmSync(input, { force: true });
  }
}

/**
 * OpenSSL's options for a padding: OAEP's digest and MGF1 digest default to SHA-1, which is Java's
 * RSA/ECB/OAEPwithSHA1andMGF1Padding, the transformation MI 4.x decrypts `[secrets]` with by default.
 */
function paddingOptions(padding: 'pkcs1' | 'oaep'): string[] {
  return padding === 'oaep' ? ['-pkeyopt', 'rsa_padding_mode:oaep'] : [];
}

/** Decrypts a base64 `[secrets]` value with the private key `keyPem` (OAEP-SHA1 unless told PKCS#1 v1.5); the UTF-8 plaintext. */
export function opensslDecrypt(base64: string, keyPem: string, dir: string, padding: 'pkcs1' | 'oaep' = 'oaep'): string {
  const input = path.join(dir, 'cipher.bin');
  fs.writeFileSync(input, Buffer.from(base64, 'base64'));
  try {
    return execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', keyPem, '-in', input, ...paddingOptions(padding)]).toString('utf8');
  } finally {
    fs.rmSync(input, { force: true });
  }
}

/** The private key of `alias` in a PKCS12 store, as a PEM file in `dir` (OpenSSL reads Java 17's PBES2 stores). */
export function keyOfP12(p12: string, password: string, dir: string): string {
  const out = path.join(dir, `key-${path.basename(p12)}.pem`);
  execFileSync('openssl', ['pkcs12', '-in', p12, '-nocerts', '-nodes', '-passin', `pass:${password}`, '-out', out]);
  return out;
}

/** The string value of `key` in the TOML text (first match), without its quotes. */
export function tomlValue(text: string, key: string): string | undefined {
  return new RegExp(`^${key.replace(/[.]/g, '\\.')}\\s*=\\s*"([^"]*)"`, 'm').exec(text)?.[1];
}
