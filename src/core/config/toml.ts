/**
 * The parsed shape of a deployment.toml that every config module works on: tables and key/values
 * with their 0-based ranges, plus the syntax errors found. Produced by `parseDeploymentToml`
 * (./parse.ts), which is error-tolerant: a broken table is reported and the intact ones are kept.
 */
import type { Range } from '../problem';

/** A TOML value with its range (strings: the range includes the quotes). */
export interface TomlValue {
  readonly type: 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'array' | 'inline-table';
  /** The JavaScript value: string, number, boolean, Date-like string, array or object. */
  readonly value: unknown;
  /** The source text of the value exactly as written. */
  readonly raw: string;
  readonly range: Range;
}

/** One `key = value` line. */
export interface TomlKeyValue {
  /** The key's parts as written relative to its table (`listener.keystore.location` → 3 parts). */
  readonly keyParts: readonly string[];
  /** Table name parts + key parts, joined with dots: `transport.http.listener.keystore.location`. */
  readonly fullKey: string;
  readonly keyRange: Range;
  readonly value: TomlValue;
  /** The whole `key = value` (without a trailing comment). */
  readonly range: Range;
  /**
   * Set for a key inside an inline table (`internal = { alias = "a" }`): how many of `keyParts` are written
   * before the braces (1: `internal`), so `keyRange` holds only the rest (`alias`).
   */
  readonly keyPrefix?: number;
}

/** A `[table]` or `[[array.table]]` (or the root, which has no header), with its key/values in order. */
export interface TomlTable {
  /** Name parts; empty for the root table. */
  readonly nameParts: readonly string[];
  /** Parts joined with dots, `''` for the root. */
  readonly name: string;
  readonly isArrayTable: boolean;
  /** The `[name]` header, or null for the root table. */
  readonly headerRange: Range | null;
  /** From the header (or file start) to the line before the next header. */
  readonly range: Range;
  readonly entries: readonly TomlKeyValue[];
}

/**
 * A syntax error or a duplicate, as the parser found it; `toml-not-checked` for text left unchecked
 * because it exceeds a limit (file size, bracket nesting, parse work).
 */
export interface TomlIssue {
  readonly kind: 'syntax' | 'byte-order-mark' | 'duplicate-key' | 'duplicate-table' | 'toml-not-checked';
  readonly message: string;
  readonly range: Range;
}

/** A parsed deployment.toml. */
export interface TomlDocument {
  /** Absolute path (or a label for unsaved text). */
  readonly file: string;
  readonly text: string;
  readonly tables: readonly TomlTable[];
  readonly issues: readonly TomlIssue[];
}
