/**
 * Plans the cipher tool's `-Dconfigure` step as text edits: every `[plain]` value of `[secrets]` becomes
 * its ciphertext, and nothing else in the file changes (comments, order and spacing stay).
 */
import type { TextEdit } from '../problem';
import type { TomlDocument } from '../config/toml';
import { encryptSecret, type DecryptResult, decryptSecret } from './cipher';
import { isDeployTimeReference, isPlainSecret, secretCiphertexts, type InternalKey } from './secretChecks';
import { effectiveTransformation } from './transformation';
import { RotationRefusedError } from '../errors';

/**
 * The cipher transformation MI will use as far as the document alone tells: `[system.parameter]
 * "org.wso2.CipherTransformation"`, else MI 4.x's default OAEP-SHA1. With the workspace at hand, prefer
 * `workspaceTransformation` (./transformation.ts), which also reads the home's conf/carbon.properties.
 */
export function configuredTransformation(doc: TomlDocument): string {
  return effectiveTransformation(doc).transformation;
}

/** Every `alias = "[plain text]"` of `[secrets]`, with the plain text and the value's range. */
export function plainSecrets(doc: TomlDocument) {
  return doc.tables
    .filter((t) => t.name === 'secrets' && !t.isArrayTable)
    .flatMap((t) => t.entries)
    .filter((e) => e.value.type === 'string' && isPlainSecret(String(e.value.value)))
    .map((e) => ({ alias: e.keyParts.join('.'), plaintext: String(e.value.value).slice(1, -1), range: e.value.range }));
}

/** A TOML basic string holding base64 (which needs no escaping). */
function quoted(base64: string): string {
  return `"${base64}"`;
}

/**
 * Edits that replace every `[plain]` secret by its ciphertext made with `certificate`, as the cipher tool
 * does. An empty `"[]"` is a placeholder still to be filled in (the `secret-undefined` fix writes it), so
 * it is left alone rather than sealed as an empty secret.
 */
export function encryptPlainSecretsEdits(doc: TomlDocument, certificate: Uint8Array, transformation = configuredTransformation(doc)): TextEdit[] {
  return plainSecrets(doc).filter((s) => s.plaintext !== '').map((s) => ({ file: doc.file, range: s.range, newText: quoted(encryptSecret(s.plaintext, certificate, transformation)) }));
}

/** The edit for one secret (the `secret-plain` quick fix), with the effective transformation. */
export function encryptOneSecretEdit(doc: TomlDocument, alias: string, certificate: Uint8Array, transformation = configuredTransformation(doc)): TextEdit | undefined {
  const secret = plainSecrets(doc).find((s) => s.alias === alias);
  if (!secret) return undefined;
  return { file: doc.file, range: secret.range, newText: quoted(encryptSecret(secret.plaintext, certificate, transformation)) };
}

/**
 * Re-encrypts every ciphertext of `[secrets]` from `oldKey` to `newCertificate`. Throws RotationRefusedError,
 * planning nothing, when any secret does not decrypt with the old key: a rotation must never lose a secret.
 */
export function reencryptSecretsEdits(doc: TomlDocument, oldKey: InternalKey, newCertificate: Uint8Array, transformation = configuredTransformation(doc)): TextEdit[] {
  const secrets = secretCiphertexts(doc);
  const deployTime = secrets.filter((s) => isDeployTimeReference(s.ciphertext)).map((s) => s.alias);
  if (deployTime.length > 0) throw new RotationRefusedError(deployTime, true);
  const decrypted: Array<{ range: TextEdit['range']; result: DecryptResult; alias: string }> = secrets.map((s) => ({
    alias: s.alias,
    range: s.range,
    result: decryptSecret(s.ciphertext, oldKey.pkcs8),
  }));
  const failed = decrypted.filter((d) => !d.result.ok).map((d) => d.alias);
  if (failed.length > 0) throw new RotationRefusedError(failed);
  return decrypted.map((d) => ({
    file: doc.file,
    range: d.range,
    newText: quoted(encryptSecret((d.result as { plaintext: string }).plaintext, newCertificate, transformation)),
  }));
}
