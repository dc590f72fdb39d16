/**
 * JCEKS secret keys, after OpenJDK 17 `com/sun/crypto/provider/JceKeyStore.java` and `KeyProtector.seal/unseal`:
 * the entry is a serialized `SealedObjectForKeyProtector` (a javax.crypto.SealedObject) whose content is the
 * serialized key (a SecretKeySpec, or a KeyRep for keys such as DESede that replace themselves), encrypted
 * with PBEWithMD5AndTripleDES under the key password.
 */
import { ByteReader } from './dataStream';
import { JavaRefusesError, MalformedKeystoreError, UnsupportedAlgorithmError, WrongKeyPasswordError } from '../errors';
import { JCEKS_DEFAULT_ITERATIONS, parseParams, pbeMd5TripleDesDecrypt, pbeMd5TripleDesEncrypt } from './jceksKeyProtector';
import { readJavaObject, writeJavaObject, type JavaObject, type JavaValue } from './javaSerialization';
import type { SecretKeyMaterial } from '../secretKeyInfo';
import { integer, octetString, seq } from '../asn1/der';

/** The class JceKeyStore 17 accepts at the top of a secret-key entry (its DeserializationChecker rejects any other). */
const SEALED_CLASS = 'com.sun.crypto.provider.SealedObjectForKeyProtector';
const PBE_ALGORITHM = 'PBEWithMD5AndTripleDES';

/**
 * Reads the serialized sealed key of a JCEKS secret-key entry from `r`: its bytes, and, when JDK 17 would
 * refuse it at load time ("Invalid secret key format": any object but a SealedObjectForKeyProtector), the
 * refusal to throw once the store's integrity is proven (a damaged file must read as damaged first).
 */
export function readSealedSecretKey(r: ByteReader, alias: string): { der: Uint8Array; refusal: JavaRefusesError | null } {
  const start = r.offset;
  const value = readJavaObject(r, `the secret key of alias "${alias}"`);
  const className = value !== null && typeof value === 'object' && 'type' in value && value.type === 'object' ? value.className : 'not an object';
  const refusal =
    className === SEALED_CLASS
      ? null
      : new JavaRefusesError(`the secret key of alias "${alias}" is sealed as ${className}, and JDK 17 loads only ${SEALED_CLASS} ("Invalid secret key format")`);
  return { der: r.bytes.subarray(start, r.offset), refusal };
}

function field(obj: JavaObject, name: string): JavaValue | undefined {
  return obj.fields.get(name);
}

function asObject(v: JavaValue, what: string): JavaObject {
  if (v === null || typeof v !== 'object' || !('type' in v) || v.type !== 'object') throw new MalformedKeystoreError(`${what} is not a serialized object`);
  return v;
}

/** The sealed object of a JCEKS secret key: its PBE parameters and ciphertext. */
function sealedObject(sealed: Uint8Array, alias: string): { encodedParams: Uint8Array; encrypted: Uint8Array } {
  const obj = asObject(readJavaObject(new ByteReader(sealed), `the secret key of alias "${alias}"`), `the secret key of alias "${alias}"`);
  const encodedParams = field(obj, 'encodedParams');
  const encrypted = field(obj, 'encryptedContent');
  const paramsAlg = field(obj, 'paramsAlg');
  const sealAlg = field(obj, 'sealAlg');
  if (!(encodedParams instanceof Uint8Array) || !(encrypted instanceof Uint8Array)) {
    throw new MalformedKeystoreError(`the secret key of alias "${alias}" has no sealed content or parameters`);
  }
  if (paramsAlg !== PBE_ALGORITHM || sealAlg !== PBE_ALGORITHM) {
    throw new UnsupportedAlgorithmError(String(sealAlg), `secret key seal of alias "${alias}"`);
  }
  return { encodedParams, encrypted };
}

/** How many PBE iterations opening a sealed JCEKS secret key costs (read without opening it). */
export function jceksSecretKeyIterations(sealed: Uint8Array, alias: string): number {
  return parseParams(sealedObject(sealed, alias).encodedParams, alias).iterations;
}

/**
 * Opens a sealed JCEKS secret key with its key password (KeyProtector.unseal): WrongKeyPasswordError when the
 * password does not decrypt it.
 */
export async function unsealJceksSecretKey(sealed: Uint8Array, password: string, alias: string): Promise<SecretKeyMaterial> {
  const { encodedParams, encrypted } = sealedObject(sealed, alias);
  const { salt, iterations } = parseParams(encodedParams, alias);
  const plain = await pbeMd5TripleDesDecrypt(password, salt, iterations, encrypted);
  if (plain === null) throw new WrongKeyPasswordError(alias);
  let key: JavaObject;
  try {
    key = asObject(readJavaObject(new ByteReader(plain), 'key'), 'key');
  } catch (e) {
    // Padding passes for 1 wrong password in 256: what decrypts is then no serialization stream.
    throw new WrongKeyPasswordError(alias, { cause: e });
  }
  return keyMaterial(key, alias);
}

/** The algorithm and bytes of a deserialized SecretKeySpec or KeyRep (KeyRep.readResolve for a RAW secret key). */
function keyMaterial(key: JavaObject, alias: string): SecretKeyMaterial {
  if (key.className === 'javax.crypto.spec.SecretKeySpec') {
    const algorithm = field(key, 'algorithm');
    const bytes = field(key, 'key');
    if (typeof algorithm === 'string' && bytes instanceof Uint8Array) return { algorithm, key: Uint8Array.from(bytes) };
  } else if (key.className === 'java.security.KeyRep') {
    const algorithm = field(key, 'algorithm');
    const bytes = field(key, 'encoded');
    const format = field(key, 'format');
    const type = field(key, 'type');
    const secret = type !== null && typeof type === 'object' && 'type' in type && type.type === 'enum' && type.constant === 'SECRET';
    if (secret && format === 'RAW' && typeof algorithm === 'string' && bytes instanceof Uint8Array) return { algorithm, key: Uint8Array.from(bytes) };
  }
  throw new JavaRefusesError(`the secret key of alias "${alias}" is a ${key.className}, which JDK 17 does not open`);
}

/** Seals a secret key as JDK 17's JceKeyStore writes it: a SealedObjectForKeyProtector around a SecretKeySpec. */
export async function sealJceksSecretKey(
  material: SecretKeyMaterial,
  password: string,
  salt: Uint8Array,
  iterations = JCEKS_DEFAULT_ITERATIONS,
): Promise<Uint8Array> {
  if (salt.length !== 8) throw new RangeError('PBEWithMD5AndTripleDES needs an 8-byte salt');
  const inner = writeJavaObject([
    {
      name: 'javax.crypto.spec.SecretKeySpec',
      suid: '5b470b66e230614d',
      fields: [
        { name: 'algorithm', type: 'L', className: 'Ljava/lang/String;', value: material.algorithm },
        { name: 'key', type: '[', className: '[B', value: material.key },
      ],
    },
  ]);
  const encrypted = await pbeMd5TripleDesEncrypt(password, salt, iterations, inner);
  return writeJavaObject([
    { name: SEALED_CLASS, suid: 'cd57ca59e730bb53', fields: [] },
    {
      name: 'javax.crypto.SealedObject',
      suid: '3e363da6c3b75470',
      fields: [
        { name: 'encodedParams', type: '[', className: '[B', value: seq(octetString(salt), integer(iterations)) },
        { name: 'encryptedContent', type: '[', className: '[B', value: encrypted },
        { name: 'paramsAlg', type: 'L', className: 'Ljava/lang/String;', value: PBE_ALGORITHM },
        { name: 'sealAlg', type: 'L', className: 'Ljava/lang/String;', value: PBE_ALGORITHM },
      ],
    },
  ]);
}
