/**
 * The checks that read the keystores a workspace's deployment.toml points at: the workspace rules of
 * ./rules (store files, passwords, key entries, certificates, agreement between stores) run by
 * ./engine.ts. Every consumer of a store is checked, but a finding about a store is reported once: by
 * the first consumer that uses it (the primary before the transports that inherit it), and again only
 * where another consumer writes the value at fault on its own line.
 */
import type { Problem, Severity } from '../problem';
import type { EffectiveConfig } from '../workspace/effectiveConfig';
import type { KeystoreReader } from '../workspace/keystoreCache';
import { runWorkspaceRules } from './engine';
import { RULES } from './rules/index';
import { StoreAccess } from './storeAccess';

/** The rule families that read keystores (not the project files nor the secrets). */
const KEYSTORE_RULES = RULES.filter((r) => ['store-files', 'store-passwords', 'key-entries', 'certificates', 'store-agreement'].includes(r.id));

/** A code of the keystore and project rules. */
export type KeystoreCode = string;

/** The codes of the keystore and project rules with their severities. */
export const KEYSTORE_CODES: Readonly<Record<KeystoreCode, Severity>> = Object.fromEntries(
  RULES.filter((r) => KEYSTORE_RULES.includes(r) || r.id === 'project-files').flatMap((r) => r.codes.map((c) => [c.code, c.severity])),
);

/**
 * Actions a fix may ask the adapter to run (`Fix.run.action`); args never hold a password.
 * - `createKeystore` {file, consumer}: create the missing store at `file`.
 * - `changeKeyPassword` {file, alias, consumer}: give the key the store password.
 * - `renewCertificate` {file, alias}: a new self-signed certificate (or a CSR) for the key.
 * - `createCsr` {file, alias}: start getting a CA-signed certificate.
 * - `separateInternalKeystore` {root}: create an internal keystore and write `[keystore.internal]`.
 * - `importCertificate` {from, alias, into}: import the certificate of `from`/`alias` into the store `into`.
 */
export const FIX_ACTIONS = ['createKeystore', 'changeKeyPassword', 'renewCertificate', 'createCsr', 'separateInternalKeystore', 'importCertificate'] as const;

/** Options of the keystore checks. */
export interface KeystoreCheckOptions {
  /** The store reader: a KeystoreCache, or a session of one (each file stat'ed once per run). */
  readonly cache: KeystoreReader;
  /** `certificate-expiring` within this many days (default 30). */
  readonly expiryDays?: number;
  readonly now?: Date;
  /** Absolute store path → its password, for stores whose configured password cannot be resolved here. */
  readonly storePasswords?: Readonly<Record<string, string>>;
  /** false: an untrusted workspace; read nothing outside `workspaceFolder`. */
  readonly readOutside?: boolean;
  /** The folder of the (VS Code) workspace; defaults to the MI workspace root. */
  readonly workspaceFolder?: string;
}

/** Runs every keystore check of an effective configuration (an MI file). */
export async function checkKeystores(config: EffectiveConfig, options: KeystoreCheckOptions): Promise<Problem[]> {
  const ruleOptions = {
    expiryDays: options.expiryDays ?? 30,
    now: options.now ?? new Date(),
    storePasswords: options.storePasswords ?? {},
    readOutside: options.readOutside !== false,
    workspaceFolder: options.workspaceFolder ?? config.workspace.root,
  };
  return runWorkspaceRules(KEYSTORE_RULES, {
    document: config.document,
    product: 'mi',
    workspace: config.workspace,
    config,
    cache: options.cache,
    options: ruleOptions,
    stores: new StoreAccess(config.stores, options.cache, ruleOptions),
    projectTexts: { pomXml: null, dockerfile: null },
    internalKey: () => Promise.resolve(null),
  });
}
