/**
 * The checks that need only the text of a deployment.toml (no file system, no keystore): the document
 * rules of ./rules run by ./engine.ts. The extension runs these alone in an untrusted workspace.
 */
import type { Problem } from '../problem';
import type { TomlDocument } from '../config/toml';
import { runDocumentRules } from './engine';
import { productOfDocument, type Product } from './product';
import { RULES } from './rules/index';

export { editDistance } from './rules/schemaKeys';
export { DEFAULT_PASSWORD } from './rules/shared';

/** Options of `checkDocument`. */
export interface DocumentCheckOptions {
  /** Codes not to report (a user's settings). */
  readonly disabled?: readonly string[];
  /** The product the file configures (default: told by its tables). */
  readonly product?: Product;
}

/** Runs every document-level check on a parsed deployment.toml. */
export function checkDocument(doc: TomlDocument, options: DocumentCheckOptions = {}): Problem[] {
  return runDocumentRules(RULES, doc, options.product ?? productOfDocument(doc), options.disabled);
}
