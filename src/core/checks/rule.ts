/**
 * What a check rule is: one module per family of findings, declaring the codes it reports (severity,
 * documentation, what to do) and one `check` function, in the manner of ESLint and markdownlint rules.
 * The engine (./engine.ts) runs the rules; `docs/diagnostics.md` is generated from their declarations.
 */
import type { Fix, Range, Severity } from '../problem';
import type { TomlDocument } from '../config/toml';
import type { MiWorkspace } from '../workspace/discover';
import type { EffectiveConfig, EffectiveStore } from '../workspace/effectiveConfig';
import type { InternalKey } from '../secrets/secretChecks';
import type { KeystoreReader } from '../workspace/keystoreCache';
import type { Product } from './product';
import type { StoreAccess } from './storeAccess';

/** One code a rule reports. */
export interface RuleCode {
  /** Stable kebab-case code, e.g. `alias-not-found`. */
  readonly code: string;
  readonly severity: Severity;
  /** One line for a person: what is wrong, phrased as the finding. */
  readonly doc: string;
  /** What a person does about it (the quick fix, where there is one, does it for them). */
  readonly advice?: string;
}

/** A finding as a rule reports it; the engine adds the code's severity and the file. */
export interface Finding {
  readonly message: string;
  readonly range: Range;
  readonly fixes?: readonly Fix[];
  /** Another file than the deployment.toml (pom.xml, a Dockerfile, an SSL profile). */
  readonly file?: string;
  /**
   * What the finding is about (a store path, a key): two findings of one code and subject are the
   * same finding, reported once, by the first consumer that meets it...
   */
  readonly subject?: string;
  /** ...unless the value at fault is written on this consumer's own line. */
  readonly ownLine?: boolean;
}

/** Reports a finding of one of the rule's codes. */
export type Report = (code: string, finding: Finding) => void;

/** What every rule gets. */
export interface DocumentRuleContext {
  readonly document: TomlDocument;
  /** The product the file configures (MI unless its tables or its home say otherwise). */
  readonly product: Product;
  readonly report: Report;
}

/** Options the workspace rules read. */
export interface WorkspaceRuleOptions {
  /** `certificate-expiring` within this many days (default 30). */
  readonly expiryDays: number;
  readonly now: Date;
  /** Absolute store path → password, for stores whose configured password is not resolvable. */
  readonly storePasswords: Readonly<Record<string, string>>;
  /** false: an untrusted workspace, read nothing outside `workspaceFolder`. */
  readonly readOutside: boolean;
  readonly workspaceFolder: string;
}

/** What a workspace rule gets besides the document: the effective configuration and the stores. */
export interface WorkspaceRuleContext extends DocumentRuleContext {
  readonly workspace: MiWorkspace;
  readonly config: EffectiveConfig;
  readonly cache: KeystoreReader;
  readonly options: WorkspaceRuleOptions;
  /** Opens the consumers' stores once per run, shared by every rule. */
  readonly stores: StoreAccess;
  /** The texts of an integration project's pom.xml and Dockerfile (null when absent). */
  readonly projectTexts: { readonly pomXml: string | null; readonly dockerfile: string | null };
  /** The effective internal key, recovered once and shared (null when it cannot be read here). */
  internalKey(): Promise<InternalKey | null>;
}

interface RuleBase {
  /** Kebab-case name of the family (`store-files`). */
  readonly id: string;
  /** One sentence: what the family checks. */
  readonly description: string;
  readonly codes: readonly RuleCode[];
  /** The products whose files the rule checks (default: MI only). */
  readonly products?: readonly Product[];
}

/** A rule that needs only the text of deployment.toml (it also runs in an untrusted workspace). */
export interface DocumentRule extends RuleBase {
  readonly scope: 'document';
  check(ctx: DocumentRuleContext): void;
}

/** A rule that reads the workspace: keystores, project files. */
export interface WorkspaceRule extends RuleBase {
  readonly scope: 'workspace';
  check(ctx: WorkspaceRuleContext): Promise<void> | void;
}

/** A check rule. */
export type Rule = DocumentRule | WorkspaceRule;

/** Re-exported for rules: the store a finding is about. */
export type { EffectiveStore };
