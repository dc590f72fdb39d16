/**
 * Error-tolerant deployment.toml parser: every table, key and value with its 0-based range.
 *
 * `toml-eslint-parser` stops at the first error, but a file being typed is invalid most of the
 * time and real files are not clean (WSO2's own `deployment-full.toml` repeats a key and a table).
 * So: one strict parse of the whole text; if it fails, the text is cut into chunks at header lines,
 * each chunk is parsed alone (a broken line is blanked and the chunk re-parsed) and positions are
 * shifted back. Duplicates are detected here, across chunks, because a chunk cannot see its
 * neighbours (and the library misses duplicates inside array tables).
 */
import { parseTOML, type AST } from 'toml-eslint-parser';
import type { Position, Range } from '../problem';
import type { TomlDocument, TomlIssue, TomlKeyValue, TomlTable, TomlValue } from './toml';

/** The library's parse error carries a 0-based offset and a 1-based line. */
interface LibParseError {
  readonly message: string;
  readonly index: number;
  readonly lineNumber: number;
  readonly column: number;
}

function isLibParseError(e: unknown): e is LibParseError {
  return e instanceof SyntaxError && typeof (e as unknown as LibParseError).index === 'number';
}

/** The library's error, or a stand-in at the start for anything else it throws (a bug of the library). */
function asLibParseError(e: unknown): LibParseError {
  if (isLibParseError(e)) return e;
  return { message: 'The TOML parser failed on this text', index: 0, lineNumber: 1, column: 0 };
}

/** The library's wording for every kind of redefinition (key, table or dotted-key conflict). */
const DUPLICATE_MESSAGE = /multiple times/i;

/** A table as collected from the AST, before ranges are closed against the next header. */
interface RawTable {
  nameParts: string[];
  isArrayTable: boolean;
  headerRange: Range | null;
  start: Position;
  entries: TomlKeyValue[];
}

/** Line starts and helpers to turn offsets into positions. */
class LineIndex {
  readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /** The text of a line without its line break. */
  line(n: number): string {
    const end = n + 1 < this.starts.length ? this.starts[n + 1] - 1 : this.text.length;
    let s = this.text.slice(this.starts[n], end);
    if (s.endsWith('\r')) s = s.slice(0, -1);
    return s;
  }
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  offset(p: Position): number {
    return this.starts[Math.min(p.line, this.starts.length - 1)] + p.character;
  }
}

/** Parses a deployment.toml; never throws: syntax errors and duplicates land in `issues`. */
export function parseDeploymentToml(text: string, file: string): TomlDocument {
  const index = new LineIndex(text);
  const issues: TomlIssue[] = [];
  let raw: RawTable[];
  try {
    raw = convertProgram(parseTOML(text), 0, index);
  } catch (caught) {
    // Never an exception for a person's text: anything the library throws becomes an issue.
    const e = asLibParseError(caught);
    raw = parseByChunks(index, issues);
    // The strict error may come from a conflict between chunks that the checks below don't model:
    // report it as the library saw it rather than lose it.
    const before = issues.length;
    detectDuplicates(raw, issues);
    if (issues.length === 0 && before === 0) issues.push(issueFromError(e, e.lineNumber - 1, e.column, index));
    return finish(file, text, index, raw, issues);
  }
  detectDuplicates(raw, issues);
  return finish(file, text, index, raw, issues);
}

function finish(file: string, text: string, index: LineIndex, raw: RawTable[], issues: TomlIssue[]): TomlDocument {
  raw.sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
  if (raw.length === 0 || raw[0].headerRange !== null) {
    raw.unshift({ nameParts: [], isArrayTable: false, headerRange: null, start: { line: 0, character: 0 }, entries: [] });
  }
  const lastLine = index.lineCount - 1;
  const tables: TomlTable[] = raw.map((t, i) => {
    const next = raw[i + 1];
    const endLine = next ? Math.max(t.start.line, next.start.line - 1) : lastLine;
    const end = next && next.start.line === t.start.line ? next.start : { line: endLine, character: index.line(endLine).length };
    return {
      nameParts: t.nameParts,
      name: t.nameParts.join('.'),
      isArrayTable: t.isArrayTable,
      headerRange: t.headerRange,
      range: { start: t.start, end },
      entries: t.entries,
    };
  });
  issues.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { file, text, tables, issues };
}

// ---------------------------------------------------------------------------------------------
// AST → tables

function pos(p: AST.Position, lineShift: number): Position {
  return { line: p.line - 1 + lineShift, character: p.column };
}

function rangeOf(node: AST.HasLocs, lineShift: number): Range {
  return { start: pos(node.loc.start, lineShift), end: pos(node.loc.end, lineShift) };
}

function keyParts(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
}

function convertProgram(ast: AST.TOMLProgram, lineShift: number, index: LineIndex): RawTable[] {
  const top = ast.body[0];
  const tables: RawTable[] = [];
  let root: RawTable | null = null;
  for (const node of top.body) {
    if (node.type === 'TOMLKeyValue') {
      root ??= { nameParts: [], isArrayTable: false, headerRange: null, start: { line: lineShift, character: 0 }, entries: [] };
      root.entries.push(convertKeyValue(node, [], lineShift, index));
    } else {
      const nameParts = keyParts(node.key);
      const headerRange = headerRangeOf(node, lineShift, index);
      tables.push({
        nameParts,
        isArrayTable: node.kind === 'array',
        headerRange,
        start: headerRange.start,
        entries: node.body.map((kv) => convertKeyValue(kv, nameParts, lineShift, index)),
      });
    }
  }
  if (root) tables.unshift(root);
  return tables;
}

/** The header is `[` … `]` (or `[[` … `]]`): from the table start to the bracket after its key. */
function headerRangeOf(node: AST.TOMLTable, lineShift: number, index: LineIndex): Range {
  const start = pos(node.loc.start, lineShift);
  const keyEnd = pos(node.key.loc.end, lineShift);
  const line = index.line(keyEnd.line);
  let c = keyEnd.character;
  while (c < line.length && (line[c] === ' ' || line[c] === '\t')) c++;
  let closing = node.kind === 'array' ? 2 : 1;
  while (closing > 0 && line[c] === ']') {
    c++;
    closing--;
  }
  return { start, end: { line: keyEnd.line, character: c } };
}

function convertKeyValue(kv: AST.TOMLKeyValue, tableParts: readonly string[], lineShift: number, index: LineIndex): TomlKeyValue {
  const parts = keyParts(kv.key);
  return {
    keyParts: parts,
    fullKey: [...tableParts, ...parts].join('.'),
    keyRange: rangeOf(kv.key, lineShift),
    value: convertValue(kv.value, lineShift, index),
    range: rangeOf(kv, lineShift),
  };
}

function convertValue(node: AST.TOMLContentNode, lineShift: number, index: LineIndex): TomlValue {
  const range = rangeOf(node, lineShift);
  const raw = index.text.slice(index.offset(range.start), index.offset(range.end));
  return { type: valueType(node), value: staticValue(node), raw, range };
}

function valueType(node: AST.TOMLContentNode): TomlValue['type'] {
  if (node.type === 'TOMLArray') return 'array';
  if (node.type === 'TOMLInlineTable') return 'inline-table';
  switch (node.kind) {
    case 'string':
    case 'integer':
    case 'float':
    case 'boolean':
      return node.kind;
    default:
      return 'datetime';
  }
}

function staticValue(node: AST.TOMLContentNode): unknown {
  if (node.type === 'TOMLArray') return node.elements.map(staticValue);
  if (node.type === 'TOMLInlineTable') {
    const out: Record<string, unknown> = {};
    for (const kv of node.body) {
      const parts = keyParts(kv.key);
      let target = out;
      for (const p of parts.slice(0, -1)) {
        const next = target[p];
        target = (typeof next === 'object' && next !== null ? next : (target[p] = {})) as Record<string, unknown>;
      }
      target[parts[parts.length - 1]] = staticValue(kv.value);
    }
    return out;
  }
  if (node.kind === 'integer' || node.kind === 'float' || node.kind === 'string' || node.kind === 'boolean') return node.value;
  return node.datetime;
}

// ---------------------------------------------------------------------------------------------
// The tolerant path

/** A header line: `[name]` or `[[name]]` possibly unfinished, never an array value (no `=` or `,`). */
const HEADER_LINE = /^\s*\[[^=,]*$/;
/** A line that may open or close a bracket or a string. */
const MAY_MATTER = /["'[\]{}]/;
/** A header starting with a bare key, which no array element can be. */
const BARE_HEADER = /^\s*\[\[?\s*(?!(?:true|false|inf|nan)\b)[A-Za-z_][A-Za-z0-9_-]*/;

/** Parses table by table after a strict parse failed; appends the errors found to `issues`. */
function parseByChunks(index: LineIndex, issues: TomlIssue[]): RawTable[] {
  const { starts, openMultiline } = chunkStarts(index);
  if (openMultiline !== null) {
    // A multi-line string never closed swallows the rest of the file: report its opening line,
    // blank it (same length, so positions hold) and cut again.
    const text = index.line(openMultiline);
    const start = text.length - text.trimStart().length;
    issues.push({ kind: 'syntax', message: 'Unterminated multi-line string.', range: { start: { line: openMultiline, character: start }, end: { line: openMultiline, character: text.trimEnd().length } } });
    const from = index.starts[openMultiline];
    const blanked = index.text.slice(0, from) + text.replace(/[^\r]/g, ' ') + index.text.slice(from + text.length);
    return parseByChunks(new LineIndex(blanked), issues);
  }
  const out: RawTable[] = [];
  for (let i = 0; i < starts.length; i++) {
    const first = starts[i];
    const endLine = i + 1 < starts.length ? starts[i + 1] : index.lineCount;
    out.push(...parseChunk(index, first, endLine, issues));
  }
  return out;
}

/** The first line of each chunk: 0 and every header line outside a multi-line string or array. */
function chunkStarts(index: LineIndex): { starts: number[]; openMultiline: number | null } {
  const starts = [0];
  let inMultiline: '"""' | "'''" | null = null;
  let openedAt = -1;
  let depth = 0;
  for (let n = 0; n < index.lineCount; n++) {
    const line = index.line(n);
    // Most lines hold no bracket or quote: nothing to track, and no header.
    if (inMultiline === null && !MAY_MATTER.test(line)) continue;
    const header = inMultiline === null && HEADER_LINE.test(stripComment(line));
    // Inside an open array only a bare table name counts (an array element is never a bare word),
    // so an array left unclosed while typing does not swallow the tables after it.
    if (header && (depth === 0 || BARE_HEADER.test(line))) {
      if (n > 0) starts.push(n);
      depth = 0;
      continue;
    }
    const scan = scanLine(line, inMultiline);
    if (inMultiline === null && scan.inMultiline !== null) openedAt = n;
    inMultiline = scan.inMultiline;
    // A value's array may span lines (`rules = [` ... `]`): a `[` line inside it is no header.
    depth = Math.max(0, depth + scan.depth);
  }
  return { starts, openMultiline: inMultiline !== null ? openedAt : null };
}

/** Bracket balance of a line outside strings and comments, and whether it ends inside a multi-line string. */
function scanLine(line: string, inMultiline: '"""' | "'''" | null): { depth: number; inMultiline: '"""' | "'''" | null } {
  let depth = 0;
  let i = 0;
  while (i < line.length) {
    if (inMultiline !== null) {
      const end = line.indexOf(inMultiline, i);
      if (end < 0) return { depth, inMultiline };
      i = end + 3;
      inMultiline = null;
      continue;
    }
    const c = line[i];
    if (c === '#') break;
    if (line.startsWith('"""', i) || line.startsWith("'''", i)) {
      inMultiline = line.slice(i, i + 3) as '"""' | "'''";
      i += 3;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < line.length && line[i] !== c) i += c === '"' && line[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    i++;
  }
  return { depth, inMultiline };
}

function stripComment(line: string): string {
  // Good enough for header detection: a header's name rarely holds `#` inside quotes.
  const at = line.indexOf('#');
  return at < 0 ? line : line.slice(0, at);
}

/** How many broken lines one chunk may lose before it is given up. */
const MAX_REPAIRS = 40;

/** What parsing one chunk gave: its tables and the issues it reported, positioned as if it started at `firstLine`. */
interface ChunkResult {
  readonly firstLine: number;
  readonly tables: readonly RawTable[];
  readonly issues: readonly TomlIssue[];
}

/**
 * Results of chunks already parsed, keyed by the chunk's exact text. A file only takes the chunk path when it
 * has an error, and then stays broken while it is edited (MI's own deployment-full.toml repeats a key): after
 * a keystroke only the edited chunk is new, so re-validation parses one table instead of hundreds. A chunk's
 * result depends only on its text (positions shift with its first line), see parseChunkUncached.
 */
const chunkCache = new Map<string, ChunkResult>();
/** Several times the chunks of the largest real file (deployment-full.toml: under 200); emptied when full. */
const CHUNK_CACHE_MAX = 1000;

/** Parses the chunk of lines [firstLine, endLine), from the cache when the same text was parsed before. */
function parseChunk(index: LineIndex, firstLine: number, endLine: number, issues: TomlIssue[]): RawTable[] {
  const key = index.text.slice(index.starts[firstLine], endLine < index.lineCount ? index.starts[endLine] : index.text.length);
  const known = chunkCache.get(key);
  if (known) {
    const shift = firstLine - known.firstLine;
    for (const issue of known.issues) issues.push({ ...issue, range: shiftRange(issue.range, shift) });
    return known.tables.map((t) => shiftTable(t, shift));
  }
  const before = issues.length;
  const tables = parseChunkUncached(index, firstLine, endLine, issues);
  if (chunkCache.size >= CHUNK_CACHE_MAX) chunkCache.clear();
  // Copies (shift 0), so the document returned now and the cache share no mutable object.
  const found = issues.slice(before).map((i) => ({ ...i, range: shiftRange(i.range, 0) }));
  chunkCache.set(key, { firstLine, tables: tables.map((t) => shiftTable(t, 0)), issues: found });
  return tables;
}

function shiftRange(r: Range, lines: number): Range {
  return { start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } };
}

/** A copy of a table moved down by `lines` lines; the parsed values themselves (read-only) are shared. */
function shiftTable(t: RawTable, lines: number): RawTable {
  return {
    nameParts: [...t.nameParts],
    isArrayTable: t.isArrayTable,
    headerRange: t.headerRange && shiftRange(t.headerRange, lines),
    start: { line: t.start.line + lines, character: t.start.character },
    entries: t.entries.map((kv) => ({
      keyParts: kv.keyParts,
      fullKey: kv.fullKey,
      keyRange: shiftRange(kv.keyRange, lines),
      value: { type: kv.value.type, value: kv.value.value, raw: kv.value.raw, range: shiftRange(kv.value.range, lines) },
      range: shiftRange(kv.range, lines),
    })),
  };
}

/**
 * Parses one chunk alone, blanking broken lines. Everything it reads comes from the chunk's own text (the
 * library's positions, `index.line` and `index.text` within the chunk), so equal texts give equal results.
 */
function parseChunkUncached(index: LineIndex, firstLine: number, endLine: number, issues: TomlIssue[]): RawTable[] {
  const lines: string[] = [];
  for (let n = firstLine; n < endLine; n++) lines.push(index.line(n));
  const headerLine = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const hasHeader = headerLine >= 0 && HEADER_LINE.test(stripComment(lines[headerLine]));
  let lastMessage = '';
  for (let attempt = 0; attempt <= MAX_REPAIRS; attempt++) {
    try {
      return convertProgram(parseTOML(lines.join('\n')), firstLine, index);
    } catch (caught) {
      const e = asLibParseError(caught);
      let local = Math.min(e.lineNumber - 1, lines.length - 1);
      // An error found on an empty line (or at the end) is caused by the last line with text above it.
      const moved = lines[local].trim() === '';
      while (local > 0 && lines[local].trim() === '') local--;
      // One report per cause: blanking a line can surface the same complaint again on the next one.
      if (e.message !== lastMessage) issues.push(issueFromError(e, firstLine + local, moved ? null : e.column, index));
      lastMessage = e.message;
      // A broken header leaves its key/values without a table: give the chunk up rather than
      // attach them to the wrong table.
      if (hasHeader && local <= headerLine) return [];
      if (lines[local].trim() === '') return [];
      lines[local] = '';
    }
  }
  return [];
}

/** An issue for the library's error, on `line` (absolute), at `column` or at the line's first character. */
function issueFromError(e: LibParseError, line: number, column: number | null, index: LineIndex): TomlIssue {
  line = Math.min(line, index.lineCount - 1);
  const text = index.line(line);
  const trimmedEnd = text.replace(/\s+$/, '').length;
  const firstNonSpace = text.length - text.trimStart().length;
  let start = Math.min(column ?? firstNonSpace, text.length);
  if (start >= trimmedEnd) start = Math.min(firstNonSpace, trimmedEnd);
  const duplicate = DUPLICATE_MESSAGE.test(e.message);
  let end = trimmedEnd;
  if (duplicate) {
    // Point at the key only, not at its value.
    const eq = text.indexOf('=', start);
    if (eq > start) end = text.slice(0, eq).replace(/\s+$/, '').length;
  }
  const isHeader = HEADER_LINE.test(stripComment(text));
  const kind = duplicate ? (isHeader ? 'duplicate-table' : 'duplicate-key') : 'syntax';
  const what = text.slice(start, end).trim();
  const message = !duplicate ? `${e.message}.` : isHeader ? `Table ${what} is defined more than once.` : `Key '${what}' is defined more than once.`;
  return { kind, message, range: { start: { line, character: start }, end: { line, character: Math.max(end, start) } } };
}

// ---------------------------------------------------------------------------------------------
// Duplicates

/** Reports duplicate standard tables, duplicate keys inside a table and key/table clashes. */
function detectDuplicates(tables: readonly RawTable[], issues: TomlIssue[]): void {
  const reported = new Set(issues.map((i) => `${i.range.start.line}:${i.range.start.character}`));
  const push = (issue: TomlIssue): void => {
    const k = `${issue.range.start.line}:${issue.range.start.character}`;
    if (reported.has(k)) return;
    reported.add(k);
    issues.push(issue);
  };
  const ordered = [...tables].sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
  const standard = new Map<string, RawTable>();
  const arrays = new Set<string>();
  const valueKeys = new Set<string>();
  for (const t of ordered) {
    const name = t.nameParts.join('.');
    if (t.headerRange) {
      const clash = t.isArrayTable ? standard.has(name) : standard.has(name) || arrays.has(name);
      if (clash || valueKeys.has(name)) {
        push({
          kind: 'duplicate-table',
          message: valueKeys.has(name) ? `Table [${name}] redefines a key set earlier.` : `Table [${name}] is defined more than once.`,
          range: t.headerRange,
        });
      }
      if (t.isArrayTable) arrays.add(name);
      else if (!standard.has(name)) standard.set(name, t);
    }
    // Within one table (one element of an array table): exact repeats and value/sub-table clashes.
    const seen = new Set<string>();
    const prefixes = new Set<string>();
    for (const kv of t.entries) {
      const parts = kv.keyParts;
      const key = parts.length === 1 ? parts[0] : parts.join('.');
      let clash = seen.has(key) || prefixes.has(key);
      // `a.b = 1` after `a = 1` (or the reverse) redefines `a`.
      let prefix = parts[0];
      for (let i = 1; i < parts.length; i++) {
        if (seen.has(prefix)) clash = true;
        prefixes.add(prefix);
        prefix += `.${parts[i]}`;
      }
      if (clash) push({ kind: 'duplicate-key', message: `Key '${key}' is defined more than once in ${name ? `[${name}]` : 'the root table'}.`, range: kv.keyRange });
      seen.add(key);
      if (!t.isArrayTable) valueKeys.add(kv.fullKey);
    }
  }
}
