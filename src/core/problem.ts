/**
 * What the check engine reports: plain data, 0-based positions like LSP, absolute file paths.
 * The extension turns these into Diagnostics and CodeActions; the CLI into text, JSON or SARIF.
 */

/** A 0-based line and UTF-16 character offset, as in LSP and VS Code. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** A half-open range of a text document. */
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** Severities in the order VS Code shows them. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Replace `range` of `file` (absolute path) by `newText`. */
export interface TextEdit {
  readonly file: string;
  readonly range: Range;
  readonly newText: string;
}

/** A file a change creates (never one that exists). */
export interface FileCreation {
  readonly file: string;
  readonly contents: Uint8Array;
}

/** A change of configuration files, applied as one step. */
export interface ConfigChange {
  readonly creates: readonly FileCreation[];
  readonly edits: readonly TextEdit[];
}

/**
 * An engine-level action a fix may ask the adapter to run (the adapter maps it to a command).
 * `args` is plain JSON; it never holds a password. The actions:
 * - `createKeystore` {file, consumer}: create the missing store at `file`.
 * - `changeKeyPassword` {file, alias, consumer}: give the key the store password.
 * - `renewCertificate` {file, alias}: a new self-signed certificate (or a CSR) for the key.
 * - `createCsr` {file, alias}: start getting a CA-signed certificate.
 * - `separateInternalKeystore` {root, keyAlgorithm?}: create an internal keystore and write `[keystore.internal]`.
 * - `importCertificate` {from, alias, into}: import the certificate of `from`/`alias` into the store `into`.
 * - `moveToSecretsNote` {}: remind the person that MI needs the keystore password at startup.
 */
export interface FixAction {
  readonly action: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** One way to fix a problem: text edits, a file move, and/or an action; applied together. */
export interface Fix {
  readonly title: string;
  /** The one clearly right fix (VS Code's `isPreferred`). */
  readonly preferred?: boolean;
  /** Safe to apply in "fix all" without a person looking at it. */
  readonly safe?: boolean;
  readonly edits?: readonly TextEdit[];
  readonly moveFile?: { readonly from: string; readonly to: string };
  readonly run?: FixAction;
}

/** A finding about a deployment.toml (or the files it points at). */
export interface Problem {
  /** Stable kebab-case code, e.g. `alias-not-found`. */
  readonly code: string;
  readonly severity: Severity;
  /** One sentence for a person; never a password. */
  readonly message: string;
  /** Absolute path of the file the range belongs to. */
  readonly file: string;
  readonly range: Range;
  readonly fixes: readonly Fix[];
}

/** Where the documentation of each problem code lives (the README's "Diagnostics" section). */
export function problemDocUrl(code: string): string {
  return `https://github.com/mi-keystores/mi-keystores/blob/main/docs/diagnostics.md#${code}`;
}
