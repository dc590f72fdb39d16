/**
 * `secret-undecryptable`: proves, before MI starts, that every ciphertext in `[secrets]` still decrypts
 * with the effective internal key. This is the seed's warning made concrete: change the internal
 * keystore and every encrypted secret becomes unusable; MI itself only finds out at startup.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { Problem } from '../problem';
import type { TomlDocument } from '../config/toml';
import { decryptSecret } from './cipher';

/** The internal key the check decrypts with: where it came from and the key itself (never logged). */
export interface InternalKey {
  /** Absolute path of the keystore. */
  readonly path: string;
  readonly alias: string;
  /** PKCS#8 DER of the private key. */
  readonly pkcs8: Uint8Array;
  /** DER of the key's certificate. */
  readonly certificate: Uint8Array;
}

/** A `[secrets]` value still waiting for the cipher tool: `"[plain text]"`. */
export function isPlainSecret(value: string): boolean {
  return value.length >= 2 && value.startsWith('[') && value.endsWith(']');
}

/** Every string value of `[secrets]` that is not `[plain]`, with its alias and value range. */
export function secretCiphertexts(doc: TomlDocument) {
  return doc.tables
    .filter((t) => t.name === 'secrets' && !t.isArrayTable)
    .flatMap((t) => t.entries)
    .filter((e) => e.value.type === 'string' && !isPlainSecret(String(e.value.value)))
    .map((e) => ({ alias: e.keyParts.join('.'), ciphertext: String(e.value.value), range: e.value.range }));
}

/** One `secret-undecryptable` error per ciphertext that no known form decrypts with `key`. */
export function checkSecretsDecryptable(doc: TomlDocument, key: InternalKey): Problem[] {
  const fingerprint = crypto.createHash('sha256').update(key.certificate).digest('hex').toUpperCase().match(/../g)!.join(':');
  return secretCiphertexts(doc)
    .filter((s) => !decryptSecret(s.ciphertext, key.pkcs8).ok)
    .map((s) => ({
      code: 'secret-undecryptable',
      severity: 'error' as const,
      message:
        `Secret "${s.alias}" cannot be decrypted with the internal key "${key.alias}" of ${path.basename(key.path)} (certificate SHA-256 ${fingerprint}): ` +
        'it was encrypted with another key, so MI will fail to resolve it. Re-encrypt it with the current key, or restore the keystore it was made with.',
      file: doc.file,
      range: s.range,
      fixes: [],
    }));
}
