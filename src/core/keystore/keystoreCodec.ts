/**
 * Decode, encode and open keys whatever the format: dispatches on the detected format to ./jks or ./pkcs12.
 */
import { decodeJavaKeystore, encodeJavaKeystore, javaKeyIterations, recoverJavaKey } from './jks/javaKeystore';
import { decodePkcs12, encodePkcs12, decryptPkcs12Key, decryptPkcs12Secret, pkcs12BagIterations } from './pkcs12/pkcs12Keystore';
import { jceksSecretKeyIterations, unsealJceksSecretKey } from './jks/jceksSecretKey';
import { secretKeySize, type SecretKeyMaterial } from './secretKeyInfo';
import { detectFormat } from './detectFormat';
import { UnknownFormatError, WrongEntryKindError } from './errors';
import type { EncodeOptions, Entry, Keystore, KeystoreFormat, PrivateKeyEntry, SecretKeyEntry } from './model';

/** Decodes a JKS, JCEKS or PKCS12 store and checks its integrity with `password`. */
export async function decodeKeystore(bytes: Uint8Array, password: string): Promise<Keystore> {
  const format = detectFormat(bytes);
  if (format === null) throw new UnknownFormatError();
  return format === 'PKCS12' ? decodePkcs12(bytes, password) : decodeJavaKeystore(bytes, password);
}

/** Encodes `store` in `store.format`, protected by `password`. */
export async function encodeKeystore(store: Keystore, password: string, options: EncodeOptions = {}): Promise<Uint8Array> {
  return store.format === 'PKCS12'
    ? encodePkcs12(store, password, options)
    : encodeJavaKeystore(store, password, options);
}

/** Recovers the PKCS#8 private key of a key entry; throws WrongKeyPasswordError when `password` does not open it. */
export async function openKey(entry: Entry, password: string): Promise<Uint8Array> {
  if (entry.kind !== 'private-key') throw new WrongEntryKindError(entry.alias, 'private-key', entry.kind);
  const key = entry.key;
  if (key.sealed === 'open') return key.pkcs8;
  return key.format === 'PKCS12'
    ? decryptPkcs12Key(key.der, password, entry.alias)
    : recoverJavaKey(key.format, key.der, password, entry.alias);
}

/**
 * Opens a secret-key entry: its algorithm (the JDK's name) and raw bytes. PKCS12 seals secret keys with the
 * store password, JCEKS with the key password; WrongKeyPasswordError when `password` does not open it.
 */
export async function openSecretKey(entry: Entry, password: string): Promise<SecretKeyMaterial> {
  if (entry.kind !== 'secret-key') throw new WrongEntryKindError(entry.alias, 'secret-key', entry.kind);
  const secret = entry.secret;
  if (secret.sealed === 'open') return { algorithm: secret.algorithm, key: secret.key };
  return secret.format === 'PKCS12'
    ? decryptPkcs12Secret(secret.der, password, entry.alias)
    : unsealJceksSecretKey(secret.der, password, entry.alias);
}

/**
 * How many key-derivation iterations opening a key entry costs, read from its seal without opening it: 0 for
 * a key in the clear or behind JKS's protector (one SHA-1 stream), else the PBE iteration count (PKCS12
 * bags, JCEKS's PBEWithMD5AndTripleDES, each up to 5,000,000). For callers that open many keys to bound
 * their total. Throws MalformedKeystoreError for a seal that does not parse.
 */
export function keyOpeningWork(entry: PrivateKeyEntry | SecretKeyEntry): number {
  const sealed = entry.kind === 'private-key' ? entry.key : entry.secret;
  if (sealed.sealed === 'open') return 0;
  if (sealed.format === 'PKCS12') return pkcs12BagIterations(sealed.der);
  return entry.kind === 'private-key' ? javaKeyIterations(sealed.der, entry.alias) : jceksSecretKeyIterations(sealed.der, entry.alias);
}

/** What `list` says about a secret key: algorithm and strength in bits (DES parity bits not counted, as keytool). */
export function describeSecretKey(material: SecretKeyMaterial): { algorithm: string; size: number } {
  return { algorithm: material.algorithm, size: secretKeySize(material) };
}

/** Finds an entry by alias, case-insensitively as both JKS and PKCS12 compare aliases. */
export function findEntry(store: Keystore, alias: string): Entry | undefined {
  const wanted = alias.toLowerCase();
  return store.entries.find((e) => e.alias.toLowerCase() === wanted);
}

/** The store types MI's deployment.toml documents. */
export const MI_STORE_TYPES: readonly KeystoreFormat[] = ['JKS', 'PKCS12'];
