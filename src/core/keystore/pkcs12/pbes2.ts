/**
 * PBES2 with PBKDF2 (RFC 8018 §6.2, §5.2, Appendix A.2/A.4) on Node's native crypto, as Java 17's
 * PKCS12 writes it: PBKDF2-HMAC-SHA256, 10000 iterations, 20-byte salt, AES-256-CBC with a 16-byte IV
 * (OpenJDK PKCS12KeyStore `DEFAULT_KEY_PBE_ALGORITHM` "PBEWithHmacSHA256AndAES_256").
 */
import { createCipheriv, createDecipheriv, pbkdf2 as nodePbkdf2 } from 'node:crypto';
import { DerReader, TAG, NULL, integer, octetString, oid, seq, type Tlv } from '../asn1/der';
import { UnsupportedAlgorithmError } from '../errors';
import { runKeyDerivation } from './kdfGate';

/** id-PBES2 (RFC 8018 A.4). */
export const OID_PBES2 = '1.2.840.113549.1.5.13';
/** id-PBKDF2 (RFC 8018 A.2). */
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';
/** aes256-CBC-PAD (RFC 8018 B.2.5). */
export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
/** hmacWithSHA256 (RFC 8018 B.1.2). */
export const OID_HMAC_SHA256 = '1.2.840.113549.2.9';

/** PBKDF2 PRFs by OID (RFC 8018 B.1), as Node digest names. */
const PRFS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
  '1.2.840.113549.2.12': 'sha512-224',
  '1.2.840.113549.2.13': 'sha512-256',
};

/** PBES2 encryption schemes by OID (RFC 8018 B.2): Node cipher name, key and IV lengths. */
const CIPHERS: Readonly<Record<string, { name: string; keyLen: number; ivLen: number }>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLen: 16, ivLen: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLen: 24, ivLen: 16 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLen: 32, ivLen: 16 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLen: 24, ivLen: 8 },
};

/** The parsed parameters of one PBES2 AlgorithmIdentifier. */
export interface Pbes2Params {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly prf: string;
  readonly cipher: string;
  readonly keyLen: number;
  readonly iv: Buffer;
}

/** The highest iteration count accepted; more is a damaged or hostile file, not a keystore. */
export const MAX_ITERATIONS = 5_000_000;

/**
 * Parses PBES2-params (RFC 8018 A.4) from the parameters node of an AlgorithmIdentifier.
 * Structure faults throw MalformedKeystoreError; unknown KDFs, PRFs and ciphers UnsupportedAlgorithmError.
 */
export function parsePbes2Params(der: DerReader, params: Tlv): Pbes2Params {
  if (params.tag !== TAG.SEQUENCE) der.fail('PBES2 parameters: expected a SEQUENCE', params.start);
  const [kdf, enc] = der.children(params, 'PBES2 parameters');
  if (!kdf || !enc) der.fail('PBES2 parameters: missing KDF or cipher', params.start);
  if (kdf.tag !== TAG.SEQUENCE || enc.tag !== TAG.SEQUENCE) der.fail('PBES2 parameters: expected SEQUENCEs', params.start);
  const [kdfOid, kdfParams] = der.children(kdf, 'PBES2 KDF');
  if (!kdfOid) der.fail('PBES2 KDF: empty', kdf.start);
  const kdfId = der.oid(kdfOid, 'PBES2 KDF');
  if (kdfId !== OID_PBKDF2) throw new UnsupportedAlgorithmError(kdfId, 'key derivation function');
  if (!kdfParams || kdfParams.tag !== TAG.SEQUENCE) der.fail('PBKDF2 parameters: expected a SEQUENCE', kdf.start);
  const p = der.children(kdfParams, 'PBKDF2 parameters');
  if (p.length < 2) der.fail('PBKDF2 parameters: missing salt or iteration count', kdfParams.start);
  // RFC 8018 A.2: salt CHOICE { specified OCTET STRING, otherSource AlgorithmIdentifier }; only the first exists in practice.
  const salt = der.octets(p[0], 'PBKDF2 salt');
  const iterations = der.smallInt(p[1], 'PBKDF2 iteration count');
  if (iterations < 1 || iterations > MAX_ITERATIONS) der.fail(`PBKDF2 iteration count ${iterations} out of range`, p[1].start);
  let rest = p.slice(2);
  let keyLen: number | undefined;
  if (rest[0]?.tag === TAG.INTEGER) {
    keyLen = der.smallInt(rest[0], 'PBKDF2 key length');
    rest = rest.slice(1);
  }
  let prf = 'sha1'; // RFC 8018 A.2: DEFAULT algid-hmacWithSHA1
  if (rest[0]) {
    if (rest[0].tag !== TAG.SEQUENCE) der.fail('PBKDF2 PRF: expected an AlgorithmIdentifier', rest[0].start);
    const [prfOid] = der.children(rest[0], 'PBKDF2 PRF');
    if (!prfOid) der.fail('PBKDF2 PRF: empty', rest[0].start);
    const id = der.oid(prfOid, 'PBKDF2 PRF');
    const name = PRFS[id];
    if (!name) throw new UnsupportedAlgorithmError(id, 'PBKDF2 PRF');
    prf = name;
  }
  const [encOid, ivNode] = der.children(enc, 'PBES2 cipher');
  if (!encOid) der.fail('PBES2 cipher: empty', enc.start);
  const encId = der.oid(encOid, 'PBES2 cipher');
  const cipher = CIPHERS[encId];
  if (!cipher) throw new UnsupportedAlgorithmError(encId, 'cipher');
  if (!ivNode) der.fail('PBES2 cipher: missing IV', enc.start);
  const iv = der.octets(ivNode, 'PBES2 IV');
  if (iv.length !== cipher.ivLen) der.fail(`PBES2 IV has ${iv.length} bytes, expected ${cipher.ivLen}`, ivNode.start);
  if (keyLen !== undefined && keyLen !== cipher.keyLen) der.fail(`PBKDF2 key length ${keyLen} does not fit ${cipher.name}`, kdfParams.start);
  return { salt, iterations, prf, cipher: cipher.name, keyLen: cipher.keyLen, iv };
}

/**
 * PBKDF2 on the thread pool (RFC 8018 §5.2), one derivation at a time in this process (kdfGate.ts) so the
 * pool keeps threads for file reads; the password is taken as UTF-8 bytes, as the JDK and OpenSSL do.
 */
function pbkdf2(password: string, salt: Uint8Array, iterations: number, keyLen: number, prf: string): Promise<Buffer> {
  return runKeyDerivation(
    () =>
      new Promise((resolve, reject) => {
        nodePbkdf2(Buffer.from(password, 'utf8'), salt, iterations, keyLen, prf, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}

/**
 * Decrypts PBES2 ciphertext (RFC 8018 §6.2.2). The derived key is cached per (salt, iterations, PRF, length)
 * in `cache` so a store whose bags share parameters pays for PBKDF2 once. Padding failures throw the
 * Node error unchanged (the caller decides whether that means a wrong password or damage).
 */
export async function pbes2Decrypt(
  params: Pbes2Params,
  password: string,
  data: Uint8Array,
  cache?: Map<string, Promise<Buffer>>,
): Promise<Buffer> {
  const k = `pbkdf2|${params.prf}|${params.keyLen}|${params.iterations}|${params.salt.toString('hex')}`;
  let keyP = cache?.get(k);
  if (!keyP) {
    keyP = pbkdf2(password, params.salt, params.iterations, params.keyLen, params.prf);
    cache?.set(k, keyP);
  }
  const key = await keyP;
  const d = createDecipheriv(params.cipher, key, params.iv);
  return Buffer.concat([d.update(data), d.final()]);
}

/**
 * Encrypts with PBES2 PBKDF2-HMAC-SHA256 / AES-256-CBC as Java 17 does and returns the AlgorithmIdentifier
 * (RFC 8018 A.4) together with the ciphertext.
 */
export async function pbes2Encrypt(
  password: string,
  data: Uint8Array,
  salt: Uint8Array,
  iv: Uint8Array,
  iterations: number,
): Promise<{ algorithm: Buffer; ciphertext: Buffer }> {
  const key = await pbkdf2(password, salt, iterations, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([c.update(data), c.final()]);
  const algorithm = seq(
    oid(OID_PBES2),
    seq(
      seq(oid(OID_PBKDF2), seq(octetString(salt), integer(iterations), integer(32), seq(oid(OID_HMAC_SHA256), NULL))),
      seq(oid(OID_AES256_CBC), octetString(iv)),
    ),
  );
  return { algorithm, ciphertext };
}
