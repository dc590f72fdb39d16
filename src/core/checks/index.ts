/**
 * The check engine's front door: every problem of an MI workspace (the document checks of its
 * deployment.toml, the keystore checks, the project checks and the pluggable workspace checks), and
 * of every workspace under a folder. The CLI's `check` and the extension's diagnostics both call this.
 */
import { promises as fsp } from 'node:fs';
import type { Problem } from '../problem';
import type { TomlDocument } from '../config/toml';
import { parseDeploymentToml } from '../config/parse';
import { FileTooLargeError } from '../errors';
import { isInside } from '../workspace/resolvePath';
import { runDocumentRules, runWorkspaceRules } from './engine';
import { productOf } from './product';
import { RULES } from './rules/index';
import { StoreAccess } from './storeAccess';
import { withVaultFixes } from './vaultFixes';
import { discoverWorkspaces, type MiWorkspace } from '../workspace/discover';
import { buildEffectiveConfig, storeById, type EffectiveConfig } from '../workspace/effectiveConfig';
import { resolveInternalKey } from '../secrets/workspaceVault';
import type { InternalKey } from '../secrets/secretChecks';
import { defaultKeystoreCache, type KeystoreCache } from '../workspace/keystoreCache';
import { readDockerCopies, readProjectFile } from '../workspace/project';
import { readSslProfileText } from '../workspace/sslProfiles';

/** Options of `checkWorkspace` and `checkPath`. */
export interface CheckOptions {
  /** `certificate-expiring` within this many days (default 30). */
  readonly expiryDays?: number;
  /** The clock (default: now). */
  readonly now?: Date;
  /**
   * Where `$env{VAR}` comes from: MI's environment as the caller knows it (the CLI's own, `{}` in an editor whose
   * environment is not MI's). Required, so no caller resolves from this process by accident.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `$secret{alias}` → its clear value, supplied by the caller. */
  readonly secretPasswords?: Readonly<Record<string, string>>;
  /** Absolute store path → password, for stores whose configured password is not resolvable. */
  readonly storePasswords?: Readonly<Record<string, string>>;
  /** false for an untrusted workspace: read nothing outside `workspaceFolder` (default true). */
  readonly readOutside?: boolean;
  /** The editor's workspace folder, for `readOutside: false` (default: the MI workspace root). */
  readonly workspaceFolder?: string;
  /** Keystore cache (default: the process-wide one). */
  readonly cache?: KeystoreCache;
  /** The deployment.toml already parsed (an editor's unsaved text); read from disk when absent. */
  readonly document?: TomlDocument;
  /** Codes not to report. */
  readonly disabled?: readonly string[];
  /**
   * Attach the secure vault's fixes (./vaultFixes.ts) to `secret-plain` and `plaintext-password`. Each
   * costs an encryption with the internal key, so only callers that offer fixes ask (default false).
   */
  readonly vaultFixes?: boolean;
}

/** A deployment.toml larger than this is refused with FileTooLargeError rather than parsed. */
export const MAX_DEPLOYMENT_TOML_BYTES = 5 * 1024 * 1024;

const parsed = new Map<string, { text: string; doc: TomlDocument }>();

/**
 * The parsed deployment.toml at `file`, re-parsed only when its text changed: a 1,400-line file with
 * duplicates (WSO2's deployment-full.toml) takes the parser's slow, tolerant path.
 */
async function parsedDocument(file: string): Promise<TomlDocument> {
  // Refuse before reading: a deployment.toml is kilobytes, and parsing megabytes would block the caller.
  if ((await fsp.stat(file)).size > MAX_DEPLOYMENT_TOML_BYTES) throw new FileTooLargeError(file, MAX_DEPLOYMENT_TOML_BYTES, 'a deployment.toml');
  const text = await fsp.readFile(file, 'utf8');
  const hit = parsed.get(file);
  if (hit && hit.text === text) return hit.doc;
  const doc = parseDeploymentToml(text, file);
  parsed.set(file, { text, doc });
  if (parsed.size > 32) parsed.delete(parsed.keys().next().value as string);
  return doc;
}

/** The text of a file, or null when it cannot be read; read asynchronously so the extension host never blocks on I/O. */
async function readText(file: string): Promise<string | null> {
  return readProjectFile(file);
}

function compareProblems(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/**
 * Every problem of one workspace, sorted by file and position. Throws only when deployment.toml
 * itself cannot be read (an I/O failure); broken keystores are problems.
 */
export async function checkWorkspace(ws: MiWorkspace, options: CheckOptions): Promise<Problem[]> {
  const cache = (options.cache ?? defaultKeystoreCache).session();
  // The three reads run concurrently; only a deployment.toml that cannot be read rejects.
  const [doc, pomXml, dockerfile] = await Promise.all([
    options.document ?? parsedDocument(ws.deploymentToml),
    ws.kind === 'project' ? readText(ws.pomXml) : null,
    ws.kind === 'project' && ws.dockerfile ? readText(ws.dockerfile) : null,
  ]);
  const folder = options.workspaceFolder ?? ws.root;
  const config = buildEffectiveConfig(doc, ws, {
    env: options.env,
    secretPasswords: options.secretPasswords,
    dockerCopies: dockerfile !== null ? readDockerCopies(dockerfile) : [],
    // An untrusted workspace reads no SSL profile outside its folder.
    readSslProfiles: (file) => (options.readOutside === false && !isInside(folder, file) ? null : readSslProfileText(file)),
  });
  const product = await productOf(doc, ws.kind === 'runtime' ? ws.root : null);
  const ruleOptions = {
    expiryDays: options.expiryDays ?? 30,
    now: options.now ?? new Date(),
    storePasswords: options.storePasswords ?? {},
    readOutside: options.readOutside !== false,
    workspaceFolder: folder,
  };
  let internal: Promise<InternalKey | null> | undefined;
  // An untrusted workspace reads nothing outside its folder, the internal keystore included.
  const internalKey = () => (internal ??= internalKeyReadable(config, ws, options) ? resolveInternalKey(config, cache, options.storePasswords).then((r) => (r.ok ? r.key : null)) : Promise.resolve(null));
  const problems: Problem[] = runDocumentRules(RULES, doc, product, options.disabled);
  problems.push(
    ...(await runWorkspaceRules(
      RULES,
      {
        document: doc,
        product,
        workspace: ws,
        config,
        cache,
        options: ruleOptions,
        stores: new StoreAccess(config.stores, cache, ruleOptions),
        projectTexts: { pomXml, dockerfile },
        internalKey,
      },
      options.disabled,
    )),
  );
  const disabled = new Set(options.disabled ?? []);
  const kept = problems.filter((p) => !disabled.has(p.code));
  const { readOutside, workspaceFolder } = ruleOptions;
  const fixed = options.vaultFixes ? await withVaultFixes(kept, { document: doc, workspace: ws, internalKey, readOutside, workspaceFolder }) : kept;
  return fixed.sort(compareProblems);
}

/** False when `readOutside: false` and the internal keystore lies outside the workspace folder. */
function internalKeyReadable(config: EffectiveConfig, ws: MiWorkspace, options: CheckOptions): boolean {
  if (options.readOutside !== false) return true;
  const store = storeById(config, 'internal');
  return !store?.path || isInside(options.workspaceFolder ?? ws.root, store.path);
}

/** The result of checking a folder. */
export interface CheckPathResult {
  readonly workspaces: readonly MiWorkspace[];
  readonly problems: readonly Problem[];
}

/** Finds every MI workspace at or under `folder` (or the one of a deployment.toml) and checks each. */
export async function checkPath(folder: string, options: CheckOptions): Promise<CheckPathResult> {
  const workspaces = await discoverWorkspaces(folder);
  const problems: Problem[] = [];
  for (const ws of workspaces) problems.push(...(await checkWorkspace(ws, { ...options, document: undefined })));
  return { workspaces, problems };
}
