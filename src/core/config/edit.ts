/**
 * Pure edit planners for deployment.toml: they return the smallest `TextEdit[]` that sets a value,
 * renames a key or a table, and keep everything else (comments, order, spacing) as written.
 */
import type { Position, TextEdit } from '../problem';
import type { TomlDocument, TomlKeyValue, TomlTable } from './toml';

/** A bare TOML key part: letters, digits, `_` and `-`; anything else is quoted. */
const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** A TOML basic string literal for `value` (quotes and escapes added). */
export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A key or table name as TOML writes it: bare parts as they are, others quoted. */
export function formatKey(parts: readonly string[]): string {
  return parts.map((p) => (BARE_KEY.test(p) ? p : tomlString(p))).join('.');
}

/** A basic string's escapes resolved; an escape TOML does not know stays as written (typed text is often invalid). */
function unescapeBasic(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}

/** Splits a dotted key written by a caller (`listener.keystore.location`), keeping a quoted part whole. */
export function splitKey(key: string | readonly string[]): string[] {
  if (typeof key !== 'string') return [...key];
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^.\s]+))\s*(?:\.|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < key.length && (m = re.exec(key)) !== null) {
    parts.push(m[1] !== undefined ? unescapeBasic(m[1]) : (m[2] ?? m[3]));
  }
  return parts;
}

/** `build`, computed once per document (documents are immutable): the checks build fixes for every table. */
function perDocument<T>(build: (doc: TomlDocument) => T): (doc: TomlDocument) => T {
  const cache = new WeakMap<TomlDocument, T>();
  return (doc) => {
    let value = cache.get(doc);
    if (value === undefined) cache.set(doc, (value = build(doc)));
    return value;
  };
}

/** The document's line ending, found once per document (a scan of the whole text per fix was quadratic). */
const eol = perDocument((doc) => (doc.text.includes('\r\n') ? '\r\n' : '\n'));

/** The document's lines, split once per document: a split per call was quadratic. */
const linesOf = perDocument((doc): readonly string[] => doc.text.split('\n'));

function lineText(doc: TomlDocument, line: number): string {
  const lines = linesOf(doc);
  return (lines[line] ?? '').replace(/\r$/, '');
}

function endOfDocument(doc: TomlDocument): Position {
  const lines = linesOf(doc);
  const last = lines.length - 1;
  return { line: last, character: lines[last].length };
}

/** The table a planner works on: the first with that name, or the table object given. */
function findTable(doc: TomlDocument, table: string | TomlTable): TomlTable | undefined {
  if (typeof table !== 'string') return table;
  return doc.tables.find((t) => t.name === table && t.headerRange !== null) ?? (table === '' ? doc.tables[0] : undefined);
}

/**
 * Sets `key` (relative to the table) to `rawTomlValue` (TOML source, e.g. `"PKCS12"`): replaces the
 * value where the key is written, else adds `key = value` after the table's last key, else appends
 * the table at the end of the file.
 */
export function setValueEdits(doc: TomlDocument, table: string | TomlTable, key: string | readonly string[], rawTomlValue: string): TextEdit[] {
  const parts = splitKey(key);
  const target = findTable(doc, table);
  const tableName = typeof table === 'string' ? table : table.name;
  const fullKey = [...(tableName ? [tableName] : []), ...parts].join('.');
  const existing: TomlKeyValue | undefined =
    target?.entries.find((e) => e.keyParts.join('.') === parts.join('.')) ??
    // Written dotted in a parent table (`[keystore]` + `primary.password`): edit it there.
    (target?.isArrayTable ? undefined : entriesByFullKey(doc).get(fullKey));
  if (existing) return [{ file: doc.file, range: existing.value.range, newText: rawTomlValue }];
  const inline = target?.isArrayTable ? undefined : inlineTableOf(doc, fullKey);
  if (inline) return [{ file: doc.file, range: point(inline.last.range.end), newText: `, ${formatKey(splitKey(fullKey).slice(inline.parts))} = ${rawTomlValue}` }];
  const nl = eol(doc);
  const line = `${formatKey(parts)} = ${rawTomlValue}`;
  if (target) {
    const last = target.entries[target.entries.length - 1];
    if (last) {
      const lastLine = last.range.end.line;
      const text = lineText(doc, lastLine);
      const indent = /^\s*/.exec(lineText(doc, last.range.start.line))?.[0] ?? '';
      return [{ file: doc.file, range: point({ line: lastLine, character: text.length }), newText: `${nl}${indent}${line}` }];
    }
    if (target.headerRange) {
      const h = target.headerRange.end.line;
      return [{ file: doc.file, range: point({ line: h, character: lineText(doc, h).length }), newText: `${nl}${line}` }];
    }
    // An empty root table: write the key at the very top, before the first header.
    return [{ file: doc.file, range: point({ line: 0, character: 0 }), newText: `${line}${nl}` }];
  }
  return [appendTableEdit(doc, tableSnippet(tableName, { [parts.join('.')]: rawTomlValue }, nl))];
}

/**
 * The inline table that must hold `fullKey` (`keystore.internal.type` when `[keystore]` has
 * `internal = { … }`): the innermost one whose name starts the key, by its last key and the number of parts
 * of its name. TOML closes an inline table, so a new key goes inside the braces, never after them.
 */
function inlineTableOf(doc: TomlDocument, fullKey: string): { last: TomlKeyValue; parts: number } | undefined {
  const index = inlineTables(doc);
  if (index.size === 0) return undefined;
  const parts = splitKey(fullKey);
  for (let n = parts.length - 1; n >= 1; n--) {
    const last = index.get(parts.slice(0, n).join('.'));
    if (last) return { last, parts: n };
  }
  return undefined;
}

/** Each inline table of the non-array tables by full name, with its last key (keys come in the order written). */
const inlineTables = perDocument((doc) => {
  const index = new Map<string, TomlKeyValue>();
  for (const t of doc.tables) {
    if (t.isArrayTable) continue;
    for (const e of t.entries) if (e.keyPrefix !== undefined) index.set([...t.nameParts, ...e.keyParts.slice(0, e.keyPrefix)].join('.'), e);
  }
  return index;
});

/**
 * The first entry of each full key in the non-array tables, indexed once per document: a linear scan per
 * call made checking a deployment.toml with thousands of duplicate tables quadratic (minutes for a few MB).
 */
const entriesByFullKey = perDocument((doc) => {
  const index = new Map<string, TomlKeyValue>();
  for (const t of doc.tables) {
    if (t.isArrayTable) continue;
    for (const e of t.entries) if (!index.has(e.fullKey)) index.set(e.fullKey, e);
  }
  return index;
});

function point(p: Position): { start: Position; end: Position } {
  return { start: p, end: p };
}

/** Appends `tableText` at the end of the document, separated from what precedes by one blank line. */
export function appendTableEdit(doc: TomlDocument, tableText: string): TextEdit {
  const nl = eol(doc);
  const end = endOfDocument(doc);
  const text = doc.text;
  let prefix = '';
  if (text.length > 0) {
    if (!text.endsWith('\n')) prefix = nl + nl;
    // Already an empty line at the end? Counted on the trailing blank text (a pattern would rescan it per line break).
    else if ((text.slice(text.trimEnd().length).match(/\n/g)?.length ?? 0) < 2) prefix = nl;
  }
  return { file: doc.file, range: point(end), newText: prefix + tableText };
}

/**
 * Removes the line(s) of `entry`, its comment included; null when something else shares them (TOML's own
 * syntax allows that only inside an inline table), where removing the entry is not a line edit.
 */
export function removeEntryEdit(doc: TomlDocument, entry: TomlKeyValue): TextEdit | null {
  if (entry.keyPrefix !== undefined) return null;
  const { start, end } = entry.range;
  if (lineText(doc, start.line).slice(0, start.character).trim() !== '') return null;
  const rest = lineText(doc, end.line).slice(end.character).trim();
  if (rest !== '' && !rest.startsWith('#')) return null;
  const lines = linesOf(doc);
  const to = end.line + 1 < lines.length ? { line: end.line + 1, character: 0 } : { line: end.line, character: lines[end.line].length };
  return { file: doc.file, range: { start: { line: start.line, character: 0 }, end: to }, newText: '' };
}

/**
 * Renames the key of `entry` (new name relative to its table, dotted); the value and comment stay. Inside an
 * inline table only the part within the braces can change: null when the new name leaves that table.
 */
export function renameKeyEdit(doc: TomlDocument, entry: TomlKeyValue, newKey: string | readonly string[]): TextEdit | null {
  const parts = splitKey(newKey);
  const outer = entry.keyParts.slice(0, entry.keyPrefix ?? 0);
  if (parts.length <= outer.length || outer.some((p, i) => parts[i] !== p)) return null;
  return { file: doc.file, range: entry.keyRange, newText: formatKey(parts.slice(outer.length)) };
}

/** Renames the header of `table` (keeping `[[...]]` for array tables and any trailing comment). */
export function renameTableEdit(doc: TomlDocument, table: TomlTable, newName: string | readonly string[]): TextEdit {
  if (!table.headerRange) throw new RangeError('The root table has no header to rename.');
  const name = formatKey(splitKey(newName));
  return { file: doc.file, range: table.headerRange, newText: table.isArrayTable ? `[[${name}]]` : `[${name}]` };
}

/**
 * The text of a whole table: header then `key = value` lines, values as raw TOML, ending with a newline.
 * Array tables are written `[[name]]` when `array` is true.
 */
export function tableSnippet(tableName: string, values: Readonly<Record<string, string>>, newline = '\n', array = false): string {
  const name = formatKey(splitKey(tableName));
  const lines = [array ? `[[${name}]]` : `[${name}]`];
  for (const [k, v] of Object.entries(values)) lines.push(`${formatKey(splitKey(k))} = ${v}`);
  return lines.join(newline) + newline;
}
