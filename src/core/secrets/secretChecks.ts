/**
 * The `[secrets]` ciphertexts checked against the effective internal key before MI starts:
 * `secret-undecryptable` (no form decrypts it with this key, or it is no ciphertext at all) and
 * `secret-transformation-mismatch` (it decrypts, but only with a transformation MI will not use). This is
 * MI's warning about the internal keystore made concrete: change the internal keystore and every encrypted secret becomes
 * unusable; MI itself only finds out at startup.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { Problem } from '../problem';
import type { TomlDocument, TomlKeyValue } from '../config/toml';
import { ciphertextBytes, decryptSecret, encryptSecret, isOaep, isPkcs1, type CiphertextForm } from './cipher';
import type { MiWorkspace } from '../workspace/discover';
import { sha256Fingerprint } from '../keystore';
import { describeTransformation, paddingName, workspaceTransformation, type EffectiveTransformation, type TransformationReadOptions } from './transformation';

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

/** A value MI resolves before decrypting (`$env{VAR}`, `$sys{prop}`, `$ref{key}`): the ciphertext is supplied at deploy time. */
export function isDeployTimeReference(value: string): boolean {
  return /\$(?:env|sys|ref|secret)\{[^}]*\}/.test(value);
}

/**
 * Every string value of `[secrets]` that is not `[plain]`, with its alias and value range: what a rotation
 * must carry over (it refuses any it cannot decrypt, references included, rather than drop one).
 */
export function secretCiphertexts(doc: TomlDocument) {
  return secretsTableEntries(doc)
    .filter((e) => e.value.type === 'string' && !isPlainSecret(String(e.value.value)))
    .map((e) => ({ alias: e.keyParts.join('.'), ciphertext: String(e.value.value), range: e.value.range }));
}

/** Every key/value of the `[secrets]` tables, in order. */
function secretsTableEntries(doc: TomlDocument): TomlKeyValue[] {
  return doc.tables.filter((t) => t.name === 'secrets' && !t.isArrayTable).flatMap((t) => t.entries);
}

/**
 * The `[secrets]` values the checks can judge here: not empty (a placeholder) and not a `$env{}`/`$sys{}`
 * reference, whose ciphertext only exists at deploy time.
 */
export function checkableCiphertexts(doc: TomlDocument) {
  return secretCiphertexts(doc).filter((s) => s.ciphertext.trim() !== '' && !isDeployTimeReference(s.ciphertext));
}

/** The padding a bare (not enveloped) ciphertext form uses, for comparison with the effective transformation. */
function formMatches(form: CiphertextForm, transformation: string): boolean | undefined {
  if (form === 'envelope-pkcs1' || form === 'envelope-oaep-sha1') return true; // the envelope names its own transformation
  if (isOaep(transformation)) return form === 'oaep-sha1';
  if (isPkcs1(transformation)) return form === 'pkcs1';
  return undefined; // a transformation this engine does not know: no verdict
}

/**
 * Why a value does not decrypt, in words that name what it is (never quoting it: it may be a password
 * written in the clear).
 */
function undecryptableReason(ciphertext: string, key: InternalKey): string {
  const keyName = `the internal key "${key.alias}" of ${path.basename(key.path)} (certificate SHA-256 ${sha256Fingerprint(key.certificate)})`;
  const bytes = ciphertextBytes(ciphertext);
  if (!bytes) {
    return `it is not a cipher tool ciphertext at all (not base64), so MI cannot decrypt it and fails to resolve it. If it is a value in the clear, write it as "[…]" and encrypt it (mi-keystores encrypt-secrets, or the cipher tool).`;
  }
  const modulusBytes = Math.ceil((new crypto.X509Certificate(key.certificate).publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (modulusBytes > 0 && bytes.bytes.length !== modulusBytes) {
    return (
      `it decodes to ${bytes.bytes.length} bytes, but a ciphertext of ${keyName} is ${modulusBytes} bytes: it is not a whole ciphertext of this key ` +
      '(cut short when copied, or a value that was never encrypted), so MI will fail to resolve it. Encrypt the secret again.'
    );
  }
  return `it cannot be decrypted with ${keyName}: it was encrypted with another key, so MI will fail to resolve it. Re-encrypt it with the current key, or restore the keystore it was made with.`;
}

/**
 * One `secret-undecryptable` error per ciphertext that no known form decrypts with `key`, and, when the
 * effective transformation is given, one `secret-transformation-mismatch` error per ciphertext that
 * decrypts only with a transformation MI will not use (its fix re-encrypts it with the effective one).
 */
export function checkSecretsDecryptable(doc: TomlDocument, key: InternalKey, effective?: EffectiveTransformation): Problem[] {
  const problems: Problem[] = [];
  for (const s of checkableCiphertexts(doc)) {
    const result = decryptSecret(s.ciphertext, key.pkcs8);
    if (!result.ok) {
      problems.push({
        code: 'secret-undecryptable',
        severity: 'error',
        message: `Secret "${s.alias}" cannot be used by MI: ${undecryptableReason(s.ciphertext, key)}`,
        file: doc.file,
        range: s.range,
        fixes: [],
      });
      continue;
    }
    if (!effective || formMatches(result.form, effective.transformation) !== false) continue;
    const made = result.form === 'oaep-sha1' ? 'OAEP with SHA-1' : 'PKCS#1 v1.5';
    let fixes: Problem['fixes'] = [];
    try {
      const newText = `"${encryptSecret(result.plaintext, key.certificate, effective.transformation)}"`;
      fixes = [{ title: `Re-encrypt "${s.alias}" with ${effective.transformation}`, preferred: true, edits: [{ file: doc.file, range: s.range, newText }] }];
    } catch {
      // A certificate that cannot encrypt: the message still says what is wrong.
    }
    problems.push({
      code: 'secret-transformation-mismatch',
      severity: 'error',
      message:
        `Secret "${s.alias}" was encrypted with ${made} padding, but MI decrypts with ${describeTransformation(effective)} ` +
        `(${paddingName(effective.transformation)}), so it will fail to resolve it at start. Re-encrypt it with ${effective.transformation}.`,
      file: doc.file,
      range: s.range,
      fixes,
    });
  }
  return problems;
}

/** The type of a PKCS#8 private key (`rsa`, `ec`, …), or undefined when Node cannot read it. */
function privateKeyType(pkcs8: Uint8Array): string | undefined {
  try {
    return crypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }).asymmetricKeyType;
  } catch {
    return undefined;
  }
}

/** What the workspace check of the secrets needs. */
export interface SecretsCheckInput extends TransformationReadOptions {
  readonly document: TomlDocument;
  readonly workspace: MiWorkspace;
  /** The effective internal key, or null when it cannot be read here. */
  internalKey(): Promise<InternalKey | null>;
}

/**
 * The secrets' workspace check: `secret-undecryptable` and `secret-transformation-mismatch` with the
 * effective internal key and transformation. Silent when the internal key cannot be read here; the
 * keystore checks say why.
 */
export async function checkWorkspaceSecrets(input: SecretsCheckInput): Promise<Problem[]> {
  const doc = input.document;
  const secrets = secretsTableEntries(doc);
  if (secrets.length === 0) return [];
  const key = await input.internalKey();
  if (!key) return [];
  // MI's crypto (and the cipher tool) use an RSA transformation: no other key type can hold a secret (JDK harness: InvalidKeyException).
  const keyType = privateKeyType(key.pkcs8);
  if (keyType !== undefined && keyType !== 'rsa') {
    const table = doc.tables.find((t) => t.name === 'secrets' && t.headerRange);
    return [{
      code: 'internal-key-not-rsa',
      severity: 'error',
      message: `The internal key "${key.alias}" of ${path.basename(key.path)} is ${keyType === 'ec' ? 'an EC' : `a ${keyType.toUpperCase()}`} key, but MI decrypts [secrets] with an RSA transformation, so none of them can be resolved; give the internal keystore an RSA key.`,
      file: doc.file,
      range: table?.headerRange ?? secrets[0].keyRange,
      fixes: [{ title: 'Create a separate internal keystore (RSA)', preferred: true, run: { action: 'separateInternalKeystore', args: { root: input.workspace.root, keyAlgorithm: 'RSA' } } }],
    }];
  }
  if (checkableCiphertexts(doc).length === 0) return [];
  const effective = await workspaceTransformation(input.document, input.workspace, input);
  return checkSecretsDecryptable(doc, key, effective);
}
