/**
 * The secure vault of one MI workspace as the CLI (and the extension's commands) need it: the effective
 * internal key with a reason when it cannot be read, and deployment.toml written atomically (temp file +
 * rename in the same folder) only if it did not change since it was read.
 */
import { promises as fsp } from 'node:fs';
import type { TextEdit } from '../problem';
import type { TomlDocument } from '../config/toml';
import { parseDeploymentToml } from '../config/parse';
import { findEntry, sha256Fingerprint } from '../keystore';
import { FileChangedError, InvalidTomlEditError } from '../errors';
import { readKeystoreFile, writeKeystoreFile, type FileSnapshot } from '../io/safeFileWrite';
import type { MiWorkspace } from '../workspace/discover';
import { buildEffectiveConfig, displayPath, storeById, type EffectiveConfig } from '../workspace/effectiveConfig';
import type { KeystoreReader } from '../workspace/keystoreCache';
import { applyEdits } from './applyEdits';
import type { InternalKey } from './secretChecks';

/** The effective internal key, or one sentence (no password) saying why it cannot be read. */
export type InternalKeyResult =
  | { readonly ok: true; readonly key: InternalKey }
  /** `needsPassword`: the store password is not given in the clear (or is wrong); the caller may ask for it. */
  | { readonly ok: false; readonly reason: string; readonly needsPassword: boolean };

/** `alias` + SHA-256 of its certificate, the way messages name a key (never the key itself). */
export function describeKey(key: Pick<InternalKey, 'alias' | 'certificate'>): string {
  return `"${key.alias}" (certificate SHA-256 ${sha256Fingerprint(key.certificate)})`;
}

/**
 * The effective internal key (`[keystore.internal]`, else `[keystore.primary]`), recovered with the store
 * password as MI does; `storePasswords` (absolute path → password) fills in a password the file does not
 * give in the clear (`$secret{}`, an unset `$env{}`), never overrides one it gives. The only reader of it:
 * the checks, encrypt-secrets and rotate-internal all use this one.
 */
export async function resolveInternalKey(config: EffectiveConfig, cache: KeystoreReader, storePasswords: Readonly<Record<string, string>> = {}): Promise<InternalKeyResult> {
  const fail = (reason: string, needsPassword = false): InternalKeyResult => ({ ok: false, reason, needsPassword });
  const s = storeById(config, 'internal');
  if (!s) return fail('no internal keystore is configured');
  if (!s.path) return fail(`the internal keystore ${s.file.value} is only inside the container`);
  const where = displayPath(config.workspace, s.path);
  if (!s.alias) return fail(`the internal keystore ${where} has no alias configured`);
  // MI opens the store with the password deployment.toml gives; a supplied one only stands in for a password
  // this tool cannot resolve, so asking again helps only then.
  const configured = s.password?.value;
  const password = configured ?? storePasswords[s.path];
  if (password === undefined) return fail(`the password of the internal keystore ${where} is not given in the clear (${s.password?.raw ?? 'missing'})`, true);
  const read = await cache.read(s.path, password);
  if (!read.ok) return fail(`the internal keystore ${where}: ${read.message.replace(/\.$/, '')}`, read.kind === 'wrong-password' && configured === undefined);
  const entry = findEntry(read.store, s.alias.value);
  if (!entry) return fail(`the internal keystore ${where} has no alias "${s.alias.value}"`);
  if (entry.kind !== 'private-key' || entry.chain.length === 0) return fail(`"${entry.alias}" in the internal keystore ${where} is not a private key entry`);
  const key = await cache.key(s.path, password, entry.alias, password);
  if (!key.ok) return fail(`the key "${entry.alias}" of the internal keystore ${where} cannot be recovered with the store password`);
  return { ok: true, key: { path: s.path, alias: entry.alias, pkcs8: key.pkcs8, certificate: entry.chain[0] } };
}

/** A deployment.toml as read: the parsed document, its effective configuration and the version read. */
export interface LoadedDeploymentToml {
  readonly doc: TomlDocument;
  readonly config: EffectiveConfig;
  readonly snapshot: FileSnapshot;
}

/** Reads and parses the workspace's deployment.toml and builds its effective configuration. */
export async function loadDeploymentToml(ws: MiWorkspace, env: Readonly<Record<string, string | undefined>>): Promise<LoadedDeploymentToml> {
  const { bytes, snapshot } = await readKeystoreFile(ws.deploymentToml);
  const doc = parseDeploymentToml(Buffer.from(bytes).toString('utf8'), ws.deploymentToml);
  return { doc, config: buildEffectiveConfig(doc, ws, { env }), snapshot };
}

/**
 * Applies `edits` to the text read and replaces the file atomically, refusing (FileChangedError) when the
 * file on disk is no longer the version read. The result is re-parsed first: an edit that broke the TOML
 * is never written. Returns the new text.
 */
export async function writeDeploymentToml(loaded: Pick<LoadedDeploymentToml, 'doc' | 'snapshot'>, edits: readonly TextEdit[]): Promise<string> {
  const file = loaded.doc.file;
  const text = applyEdits(loaded.doc.text, edits);
  // Syntax errors and duplicate keys or tables alike: MI's config mapper refuses all of them.
  if (parseDeploymentToml(text, file).issues.length > loaded.doc.issues.length) {
    throw new InvalidTomlEditError(file);
  }
  // The same content check as the stat snapshot, for file systems with coarse modification times.
  const now = await fsp.readFile(file, 'utf8').catch(() => null);
  if (now !== loaded.doc.text) throw new FileChangedError(file);
  await writeKeystoreFile(file, Buffer.from(text, 'utf8'), { expected: loaded.snapshot });
  return text;
}
