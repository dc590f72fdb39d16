/**
 * Rotating the internal keystore without losing secrets: every `[secrets]` ciphertext is decrypted with
 * the old internal key and encrypted with the new one, and `[keystore.internal]` is pointed at the new
 * store, all in one list of TextEdits applied together (one undoable edit). This is MI's warning about the internal
 * keystore turned into an operation: changing the internal keystore alone makes every encrypted secret unusable.
 */
import * as crypto from 'node:crypto';
import type { TextEdit } from '../problem';
import type { TomlDocument } from '../config/toml';
import { appendTableEdit, setValueEdits, tableSnippet, tomlString } from '../config/edit';
import { decodeKeystore, findEntry, openKey, type KeystoreFormat } from '../keystore';
import {
  AliasNotFoundError,
  CertificateKeyMismatchError,
  InternalKeyUnavailableError,
  KeyPasswordDiffersError,
  NotRsaKeyError,
  WrongEntryKindError,
  WrongKeyPasswordError,
} from '../errors';
import { readKeystoreFile } from '../io/safeFileWrite';
import type { MiWorkspace } from '../workspace/discover';
import { fileNameFor } from '../workspace/resolvePath';
import { decryptSecret } from './cipher';
import { configuredTransformation, reencryptSecretsEdits } from './encryptPlan';
import { secretCiphertexts, type InternalKey } from './secretChecks';
import { resolveInternalKey } from './workspaceVault';
import { workspaceTransformation, type EffectiveTransformation } from './transformation';
import { storeById, type EffectiveConfig } from '../workspace/effectiveConfig';
import { KeystoreCache, type KeystoreReader } from '../workspace/keystoreCache';

/** The table MI reads the internal keystore from (it defaults to `[keystore.primary]` when absent). */
export const INTERNAL_TABLE = 'keystore.internal';

/** The new internal key and what `[keystore.internal]` must say to reach it. */
export interface NewInternalKey extends InternalKey {
  /** The store's format, written as `type`. */
  readonly format: KeystoreFormat;
  /** The store password, written as `password` (never logged). */
  readonly password: string;
}

/** How the passwords are written in `[keystore.internal]`. */
export interface RotateOptions {
  /** Raw TOML for `password` (e.g. `"$env{KS_PASS}"`); default: the password as a TOML string. */
  readonly passwordToml?: string;
  /** Raw TOML for `key_password`; default: the same as `password`. */
  readonly keyPasswordToml?: string;
  /** The cipher transformation; default: the effective one (deployment.toml, the home's carbon.properties, MI's OAEP-SHA1). */
  readonly transformation?: string;
}

/**
 * Reads the key `alias` of the keystore at `file` (absolute path) as the new internal key, with the store
 * password, as MI reads its internal key. Throws the keystore engine's errors (WrongPasswordError,
 * AliasNotFoundError, WrongEntryKindError, ...), KeyPasswordDiffersError for a JKS key sealed with
 * another password, and NotRsaKeyError for a non-RSA key, which MI's cipher tool cannot use.
 */
export async function readInternalKey(file: string, alias: string, password: string): Promise<NewInternalKey> {
  const { bytes } = await readKeystoreFile(file);
  const store = await decodeKeystore(bytes, password);
  const entry = findEntry(store, alias);
  if (!entry) throw new AliasNotFoundError(alias);
  if (entry.kind !== 'private-key' || entry.chain.length === 0) throw new WrongEntryKindError(entry.alias, 'private-key', entry.kind);
  let pkcs8: Uint8Array;
  try {
    pkcs8 = await openKey(entry, password);
  } catch (err) {
    // MI recovers the primary/internal key with the store password (docs/mi-configuration.md#the-keystore-tables).
    if (err instanceof WrongKeyPasswordError) throw new KeyPasswordDiffersError(entry.alias);
    throw err;
  }
  const key = { path: file, alias: entry.alias, pkcs8, certificate: entry.chain[0], format: store.format, password };
  assertRsa(key);
  return key;
}

/** Throws unless the certificate holds an RSA key (the cipher tool encrypts with RSA only). */
function assertRsa(key: InternalKey): void {
  const type = new crypto.X509Certificate(key.certificate).publicKey.asymmetricKeyType;
  if (type !== 'rsa') throw new NotRsaKeyError(type, key.alias);
}

/** Joins insertions at the same point into one edit, so every editor keeps their order. */
function mergeInsertions(edits: readonly TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const isInsert = e.range.start.line === e.range.end.line && e.range.start.character === e.range.end.character;
    const same = isInsert
      ? out.findIndex(
          (o) =>
            o.range.start.line === e.range.start.line &&
            o.range.start.character === e.range.start.character &&
            o.range.end.line === e.range.start.line &&
            o.range.end.character === e.range.start.character,
        )
      : -1;
    if (same >= 0) out[same] = { ...out[same], newText: out[same].newText + e.newText };
    else out.push(e);
  }
  return out;
}

/**
 * The `[keystore.internal]` edits for `newKey`: each key replaced where written, added to the table when
 * missing, or the whole table appended when the file has none (MI then stops defaulting to the primary).
 */
export function internalTableEdits(doc: TomlDocument, workspace: MiWorkspace, newKey: NewInternalKey, options: RotateOptions = {}): TextEdit[] {
  const values: Record<string, string> = {
    file_name: tomlString(fileNameFor(workspace, newKey.path)),
    type: tomlString(newKey.format),
    alias: tomlString(newKey.alias),
    password: options.passwordToml ?? tomlString(newKey.password),
    // Always written, equal to the store password MI recovers the key with; left out, MI would take the primary's.
    key_password: options.keyPasswordToml ?? options.passwordToml ?? tomlString(newKey.password),
  };
  const table = doc.tables.find((t) => t.name === INTERNAL_TABLE && !t.isArrayTable);
  const written = (key: string) => doc.tables.some((t) => !t.isArrayTable && t.entries.some((e) => e.fullKey === `${INTERNAL_TABLE}.${key}`));
  const anyWritten = Object.keys(values).some(written);
  if (!table && !anyWritten) {
    const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
    return [appendTableEdit(doc, tableSnippet(INTERNAL_TABLE, values, eol))];
  }
  return mergeInsertions(Object.entries(values).flatMap(([k, v]) => setValueEdits(doc, INTERNAL_TABLE, [k], v)));
}

/**
 * The whole rotation as one list of edits: every `[secrets]` ciphertext re-encrypted from `oldKey` to
 * `newKey` (with `options.transformation`, else the one deployment.toml gives, else MI's OAEP-SHA1) plus the `[keystore.internal]` edits. Throws
 * RotationRefusedError, planning nothing, when any secret does not decrypt with the old key.
 */
export function rotateInternalKeystoreEdits(doc: TomlDocument, workspace: MiWorkspace, oldKey: InternalKey, newKey: NewInternalKey, options: RotateOptions = {}): TextEdit[] {
  assertRsa(newKey);
  const transformation = options.transformation ?? configuredTransformation(doc);
  const secretEdits = reencryptSecretsEdits(doc, oldKey, newKey.certificate, transformation);
  // Prove every new ciphertext opens with the new private key before anything is written.
  for (const e of secretEdits) {
    if (!decryptSecret(e.newText.slice(1, -1), newKey.pkcs8).ok) throw new CertificateKeyMismatchError(newKey.alias);
  }
  return [...secretEdits, ...internalTableEdits(doc, workspace, newKey, options)];
}

/** Options of planInternalRotation. */
export interface PlanRotationOptions extends RotateOptions {
  /** The current internal keystore's password when deployment.toml does not give it in the clear. */
  readonly oldPassword?: string;
  /** Where stores are read (default: a fresh cache, so the current file is read). */
  readonly cache?: KeystoreReader;
}

/** A planned rotation: the edits (one undoable change) and what to tell the person (aliases only). */
export interface RotationPlan {
  readonly edits: TextEdit[];
  /** The `[secrets]` aliases re-encrypted. */
  readonly aliases: string[];
  /** The key the secrets were decrypted with; null when there was no ciphertext to carry over. */
  readonly oldKey: InternalKey | null;
  readonly transformation: string;
  /** Why that transformation: given by the caller, or where MI takes it from. */
  readonly transformationReason: string;
}

/**
 * Plans the rotation of a workspace's internal keystore to `newKey` (see readInternalKey): finds the
 * current internal key, then re-encrypts and repoints. Throws InternalKeyUnavailableError when ciphertexts
 * exist but the current key cannot be read, RotationRefusedError when one does not decrypt with it.
 */
export async function planInternalRotation(config: EffectiveConfig, newKey: NewInternalKey, options: PlanRotationOptions = {}): Promise<RotationPlan> {
  const doc = config.document;
  const internal = storeById(config, 'internal');
  const storePasswords = options.oldPassword !== undefined && internal?.path ? { [internal.path]: options.oldPassword } : {};
  const aliases = secretCiphertexts(doc).map((s) => s.alias);
  const effective: EffectiveTransformation | undefined = options.transformation === undefined ? await workspaceTransformation(doc, config.workspace) : undefined;
  const transformation = options.transformation ?? (effective as EffectiveTransformation).transformation;
  const transformationReason = effective ? effective.reason : 'as asked';
  const old = await resolveInternalKey(config, options.cache ?? new KeystoreCache(), storePasswords);
  if (!old.ok && aliases.length > 0) throw new InternalKeyUnavailableError(old.reason, old.needsPassword);
  const oldKey = old.ok ? old.key : null;
  // With no ciphertext there is nothing to decrypt, so an unreadable old key does not matter.
  const edits = oldKey
    ? rotateInternalKeystoreEdits(doc, config.workspace, oldKey, newKey, { ...options, transformation })
    : internalTableEdits(doc, config.workspace, newKey, options);
  return { edits, aliases, oldKey, transformation, transformationReason };
}
