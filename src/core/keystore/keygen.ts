/**
 * Key pair generation with Node's native `crypto.generateKeyPair` (OpenSSL), asynchronous so the
 * extension host never blocks; never node-forge's pure-JS RSA keygen, which takes seconds.
 */
import { generateKeyPair as nodeGenerateKeyPair } from 'node:crypto';
import { InvalidInputError } from './errors';

/** The key algorithms MI keystores use (keytool `-keyalg`). */
export type KeyAlgorithm = 'RSA' | 'EC';

/** The named curves offered for EC keys (keytool `-groupname secp256r1|secp384r1`). */
export type NamedCurve = 'P-256' | 'P-384';

/** Options for generateKeyPair: RSA 2048/3072/4096 (default 2048), EC P-256/P-384 (default P-256; keySize 256/384 also picks the curve). */
export interface KeyGenOptions {
  readonly keyAlgorithm: KeyAlgorithm;
  readonly keySize?: number;
  readonly curve?: NamedCurve;
}

/** The RSA sizes generated: keytool's 2048 default and the larger ones clients accept. */
export const RSA_KEY_SIZES: readonly number[] = [2048, 3072, 4096];

/** Generates a key pair; resolves to the private key as PKCS#8 DER and the public key as SubjectPublicKeyInfo DER. */
export async function generateKeyPair(opts: KeyGenOptions): Promise<{ pkcs8: Uint8Array; spki: Uint8Array }> {
  const encodings = {
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  } as const;
  const done = (resolve: (v: { pkcs8: Uint8Array; spki: Uint8Array }) => void, reject: (e: unknown) => void) =>
    (err: Error | null, spki: Buffer, pkcs8: Buffer): void => {
      if (err) reject(new InvalidInputError('Key generation failed.', { cause: err }));
      else resolve({ pkcs8: new Uint8Array(pkcs8), spki: new Uint8Array(spki) });
    };
  if (opts.keyAlgorithm === 'RSA') {
    const size = opts.keySize ?? 2048;
    if (!RSA_KEY_SIZES.includes(size)) throw new InvalidInputError(`RSA key size must be 2048, 3072 or 4096 bits, not ${size}.`);
    return new Promise((resolve, reject) =>
      nodeGenerateKeyPair('rsa', { modulusLength: size, publicExponent: 0x10001, ...encodings }, done(resolve, reject)),
    );
  }
  if (opts.keyAlgorithm === 'EC') {
    const curve = opts.curve ?? (opts.keySize === 384 ? 'P-384' : opts.keySize === undefined || opts.keySize === 256 ? 'P-256' : null);
    if (curve === null) throw new InvalidInputError(`EC key size must be 256 or 384 bits, not ${opts.keySize}.`);
    if (curve !== 'P-256' && curve !== 'P-384') throw new InvalidInputError(`Unsupported EC curve ${String(curve)}: use P-256 or P-384.`);
    if (opts.keySize !== undefined && opts.keySize !== (curve === 'P-256' ? 256 : 384)) {
      throw new InvalidInputError(`EC key size ${opts.keySize} does not match curve ${curve}.`);
    }
    return new Promise((resolve, reject) =>
      nodeGenerateKeyPair('ec', { namedCurve: curve, ...encodings }, done(resolve, reject)),
    );
  }
  throw new InvalidInputError(`Unsupported key algorithm ${String((opts as { keyAlgorithm: unknown }).keyAlgorithm)}: use RSA or EC.`);
}
