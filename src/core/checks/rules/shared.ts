/** Small helpers the document rules share: which values are literals, which tables MI reads. */
import type { Range } from '../../problem';
import type { TomlDocument, TomlKeyValue, TomlTable } from '../../config/toml';
import { tableSpec } from '../../config/schema';

/** MI's well-known default store and key password. */
export const DEFAULT_PASSWORD = 'wso2carbon';

/** A value MI resolves at start-up rather than a literal: `$ref{}`, `$secret{}`, `$env{}`, `$sys{}`. */
export const REFERENCE = /\$(?:ref|secret|env|sys)\{[^}]*\}/;

/** A string value written literally (no reference MI resolves at start-up). */
export function isLiteralString(entry: TomlKeyValue): entry is TomlKeyValue & { value: { value: string } } {
  return entry.value.type === 'string' && !REFERENCE.test(entry.value.value as string);
}

/** The tables MI reads: a table MI 4.x ignores (`[keystore.tls]`) gets only `obsolete-table`. */
export function liveTables(doc: TomlDocument): TomlTable[] {
  return doc.tables.filter((t) => !tableSpec(t.name)?.obsolete);
}

/** The header of a table, else the key of `entry`, else the table's range. */
export function headerOrKey(table: TomlTable, entry?: TomlKeyValue): Range {
  return table.headerRange ?? entry?.keyRange ?? table.range;
}
