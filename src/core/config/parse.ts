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

/** A deployment.toml larger than this is not parsed: real ones are kilobytes (MI's fullest sample is 60 KB). */
export const MAX_DEPLOYMENT_TOML_BYTES = 5 * 1024 * 1024;

/** Brackets nested deeper than this are refused before parsing: no MI key takes more than an array of arrays. */
export const MAX_NESTING = 32;

/** The issue kind of text that is not checked because it exceeds a limit (size, nesting, parse work). */
export const NOT_CHECKED = 'toml-not-checked';

/** How a deployment.toml's text was read. */
export interface ParseOptions {
  /** The file begins with a UTF-8 byte order mark that `text` does not show (an editor's text). */
  readonly byteOrderMarkOnDisk?: boolean;
}

/** The options `doc` was parsed with, to parse its text again alike (the extension's worker parses twice). */
export function parseOptionsOf(doc: TomlDocument): ParseOptions {
  return { byteOrderMarkOnDisk: doc.text.charCodeAt(0) !== 0xfeff && doc.issues.some((i) => i.kind === 'byte-order-mark') };
}

/** Parses a deployment.toml; never throws: syntax errors and duplicates land in `issues`. */
export function parseDeploymentToml(text: string, file: string, options: ParseOptions = {}): TomlDocument {
  if (isTooLarge(text)) return oversizedDocument(file, text);
  const issues: TomlIssue[] = [];
  // Parsed from a copy whose too-deep values (and byte order mark) are blanked: same length, so positions
  // hold; the document keeps the text.
  const index = new LineIndex(blankDeepNesting(withoutByteOrderMark(text, issues, options.byteOrderMarkOnDisk === true), issues));
  const budget = new ParseBudget(text.length);
  let raw: RawTable[];
  try {
    budget.spend(text.length);
    raw = convertProgram(parseTOML(index.text), 0, index);
  } catch (caught) {
    // Never an exception for a person's text: anything the library throws becomes an issue.
    const e = asLibParseError(caught);
    const before = issues.length;
    raw = parseByChunks(index, issues, budget);
    // The strict error may come from a conflict between chunks that the checks below don't model:
    // report it as the library saw it rather than lose it.
    detectDuplicates(raw, issues);
    if (issues.length === before) issues.push(issueFromError(e, e.lineNumber - 1, e.column, index));
    return finish(file, text, index, raw, issues);
  }
  detectDuplicates(raw, issues);
  return finish(file, text, index, raw, issues);
}

/**
 * A UTF-8 byte order mark (EF BB BF; Windows PowerShell 5's `-Encoding UTF8` and older Notepad write one)
 * stops MI: its config mapper parses deployment.toml with Tuweni's TOML lexer (`Toml.parse(Path)`, through
 * ANTLR's CharStreams, which keeps the mark), whose grammar has no rule for U+FEFF, and any parse error stops
 * the server ("Error parsing deployment configuration"). Said as what it is rather than as an "unexpected
 * character" nobody can see; the rest of the file is parsed (the mark blanked) so its other problems are
 * found too. An editor shows the text without the mark: `onDisk` says the file has one all the same.
 */
function withoutByteOrderMark(text: string, issues: TomlIssue[], onDisk: boolean): string {
  const inText = text.charCodeAt(0) === 0xfeff;
  if (!inText && !onDisk) return text;
  issues.push({
    kind: 'byte-order-mark',
    message: 'The file begins with a UTF-8 byte order mark (bytes EF BB BF), which MI\'s TOML parser does not accept: MI will not start. Save it as UTF-8 without BOM.',
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: inText ? 1 : 0 } },
  });
  return inText ? ` ${text.slice(1)}` : text;
}

/** True when `text` is over MAX_DEPLOYMENT_TOML_BYTES in UTF-8 (counted only when it could be). */
function isTooLarge(text: string): boolean {
  if (text.length > MAX_DEPLOYMENT_TOML_BYTES) return true;
  return text.length * 3 > MAX_DEPLOYMENT_TOML_BYTES && Buffer.byteLength(text, 'utf8') > MAX_DEPLOYMENT_TOML_BYTES;
}

/** The document of a file too large to parse (read or not): no tables, one issue on its first line. */
export function oversizedDocument(file: string, text = ''): TomlDocument {
  const firstLine = text.slice(0, Math.min(text.length, 1000)).split('\n')[0].replace(/\r$/, '');
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: firstLine.length } };
  const message = `This file is larger than ${MAX_DEPLOYMENT_TOML_BYTES / 1024 / 1024} MB, so it is not checked (a deployment.toml is a few kilobytes).`;
  return { file, text, tables: [{ nameParts: [], name: '', isArrayTable: false, headerRange: null, range, entries: [] }], issues: [{ kind: NOT_CHECKED, message, range }] };
}

/**
 * How much text the parser may be fed for one document: a few times its length. Repairs re-parse the pieces
 * they blank lines in; a file broken on every line would otherwise cost a parse per line.
 */
class ParseBudget {
  private left: number;
  constructor(textLength: number) {
    this.left = 4 * textLength + 1024 * 1024;
  }
  /** Takes `chars` from the budget; false (and nothing taken) when that would overdraw it. */
  spend(chars: number): boolean {
    if (chars > this.left) {
      this.left = -1;
      return false;
    }
    this.left -= chars;
    return true;
  }
  /** True once a spend was refused. */
  get exhausted(): boolean {
    return this.left < 0;
  }
}

/** A header that starts a line and ends it: where an unclosed deep value is cut off. */
const WHOLE_HEADER_AT = /\[\[?[A-Za-z_][A-Za-z0-9_.-]*\]\]?[ \t]*(?:#[^\n]*)?(?:\r?\n|$)/y;

/** The text with every character but line breaks turned into a space (one string per line, not per character). */
function blankLines(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.endsWith('\r') ? `${' '.repeat(l.length - 1)}\r` : ' '.repeat(l.length)))
    .join('\n');
}

/**
 * Blanks every statement whose brackets nest deeper than MAX_NESTING, and reports it. One linear pass over
 * the text (strings and comments skipped), so megabytes of `[` cost milliseconds instead of the parser's
 * memory and time. A value never closed ends at the next header line.
 */
function blankDeepNesting(text: string, issues: TomlIssue[]): string {
  const regions: { from: number; to: number; line: number }[] = [];
  let depth = 0;
  let quote: string | null = null;
  let line = 0;
  let lineStart = 0;
  let statementStart = 0;
  let statementLine = 0;
  let deep: { from: number; line: number } | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
      // A single-line string ends with its line, closed or not.
      if (quote === '"' || quote === "'") quote = null;
      if (deep && quote === null) {
        WHOLE_HEADER_AT.lastIndex = i + 1;
        if (WHOLE_HEADER_AT.test(text)) {
          regions.push({ from: deep.from, to: i, line: deep.line });
          deep = null;
          depth = 0;
        }
      }
      continue;
    }
    if (quote !== null) {
      if (quote.length === 3) {
        if (text.startsWith(quote, i)) {
          quote = null;
          i += 2;
        } else if (c === 92 && quote === '"""' && text.charCodeAt(i + 1) !== 10) i++;
      } else if (c === 92 && quote === '"' && text.charCodeAt(i + 1) !== 10) i++;
      else if (text[i] === quote) quote = null;
      continue;
    }
    if (c === 35) {
      // A comment: skip to the end of its line (the newline itself is handled above).
      const nl = text.indexOf('\n', i);
      i = (nl < 0 ? text.length : nl) - 1;
    } else if (c === 34 || c === 39) {
      const q = text[i];
      quote = text.startsWith(q + q + q, i) ? q + q + q : q;
      i += quote.length - 1;
    } else if (c === 91 || c === 123) {
      if (depth === 0) {
        statementStart = lineStart;
        statementLine = line;
      }
      depth++;
      if (depth > MAX_NESTING && deep === null) deep = { from: statementStart, line: statementLine };
    } else if (c === 93 || c === 125) {
      if (depth > 0) depth--;
      if (depth === 0 && deep) {
        const nl = text.indexOf('\n', i);
        regions.push({ from: deep.from, to: nl < 0 ? text.length : nl, line: deep.line });
        deep = null;
        i = (nl < 0 ? text.length : nl) - 1;
      }
    }
  }
  if (deep) regions.push({ from: deep.from, to: text.length, line: deep.line });
  if (regions.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const r of regions) {
    const firstEnd = text.indexOf('\n', r.from);
    const firstLine = text.slice(r.from, firstEnd < 0 || firstEnd > r.to ? r.to : firstEnd).replace(/\r$/, '');
    const lead = firstLine.length - firstLine.trimStart().length;
    issues.push({
      kind: NOT_CHECKED,
      message: `Brackets nested deeper than ${MAX_NESTING} levels: no MI setting needs that, so this value is not checked.`,
      range: { start: { line: r.line, character: lead }, end: { line: r.line, character: firstLine.length } },
    });
    parts.push(text.slice(at, r.from), blankLines(text.slice(r.from, r.to)));
    at = r.to;
  }
  parts.push(text.slice(at));
  return parts.join('');
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
      root.entries.push(...convertKeyValue(node, [], lineShift, index));
    } else {
      const nameParts = keyParts(node.key);
      const headerRange = headerRangeOf(node, lineShift, index);
      tables.push({
        nameParts,
        isArrayTable: node.kind === 'array',
        headerRange,
        start: headerRange.start,
        entries: node.body.flatMap((kv) => convertKeyValue(kv, nameParts, lineShift, index)),
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

/**
 * The entries of one `key = value`. An inline table gives one entry per key inside it, as MI's config
 * mapper sees it (Tuweni's `dottedKeySet()` walks into inline tables): `internal = { alias = "a" }` in
 * `[keystore]` is `keystore.internal.alias`, exactly like `internal.alias = "a"` or `[keystore.internal]`.
 * Each keeps its own ranges inside the braces; `keyPrefix` counts the parts written before them.
 */
function convertKeyValue(kv: AST.TOMLKeyValue, tableParts: readonly string[], lineShift: number, index: LineIndex, outer: readonly string[] = []): TomlKeyValue[] {
  const parts = [...outer, ...keyParts(kv.key)];
  if (kv.value.type === 'TOMLInlineTable' && kv.value.body.length > 0) {
    return kv.value.body.flatMap((member) => convertKeyValue(member, tableParts, lineShift, index, parts));
  }
  return [
    {
      keyParts: parts,
      fullKey: [...tableParts, ...parts].join('.'),
      keyRange: rangeOf(kv.key, lineShift),
      value: convertValue(kv.value, lineShift, index),
      range: rangeOf(kv, lineShift),
      ...(outer.length > 0 ? { keyPrefix: outer.length } : {}),
    },
  ];
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
function parseByChunks(index: LineIndex, issues: TomlIssue[], budget: ParseBudget, blanked = 0): RawTable[] {
  const { starts, openMultiline } = chunkStarts(index);
  // Each blanked opener costs a pass over the text: a few are real typos, more are an attack.
  if (openMultiline !== null && blanked < 8) {
    // A multi-line string never closed swallows the rest of the file: report its opening line,
    // blank it (same length, so positions hold) and cut again.
    const text = index.line(openMultiline);
    const start = text.length - text.trimStart().length;
    issues.push({ kind: 'syntax', message: 'Unterminated multi-line string.', range: { start: { line: openMultiline, character: start }, end: { line: openMultiline, character: text.trimEnd().length } } });
    const from = index.starts[openMultiline];
    const withoutOpener = index.text.slice(0, from) + blankLines(text) + index.text.slice(from + text.length);
    return parseByChunks(new LineIndex(withoutOpener), issues, budget, blanked + 1);
  }
  const out: RawTable[] = [];
  for (let i = 0; i < starts.length; i++) {
    const first = starts[i];
    const endLine = i + 1 < starts.length ? starts[i + 1] : index.lineCount;
    out.push(...parseChunk(index, first, endLine, issues, budget));
    if (budget.exhausted) {
      issues.push(stoppedAt(index, first));
      break;
    }
  }
  return out;
}

/** The issue that says where the parse budget ran out and nothing below was checked. */
function stoppedAt(index: LineIndex, line: number): TomlIssue {
  const text = index.line(line);
  return {
    kind: NOT_CHECKED,
    message: 'Too many syntax errors to check them all: the lines from here on are not checked. Fix the ones above first.',
    range: { start: { line, character: 0 }, end: { line, character: text.length } },
  };
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

/** Lines per piece a broken chunk is cut into, so that each repair re-parses a piece rather than the chunk. */
const PIECE_LINES = 32;

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
function parseChunk(index: LineIndex, firstLine: number, endLine: number, issues: TomlIssue[], budget: ParseBudget): RawTable[] {
  const key = index.text.slice(index.starts[firstLine], endLine < index.lineCount ? index.starts[endLine] : index.text.length);
  const known = chunkCache.get(key);
  if (known) {
    const shift = firstLine - known.firstLine;
    for (const issue of known.issues) issues.push({ ...issue, range: shiftRange(issue.range, shift) });
    return known.tables.map((t) => shiftTable(t, shift));
  }
  const before = issues.length;
  const tables = parseChunkUncached(index, firstLine, endLine, issues, budget);
  // A chunk cut short by the budget depends on what came before it: not a result to reuse.
  if (budget.exhausted) return tables;
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
      ...(kv.keyPrefix !== undefined ? { keyPrefix: kv.keyPrefix } : {}),
    })),
  };
}

/**
 * Parses one chunk alone. Everything it reads comes from the chunk's own text (the library's positions,
 * `index.line` and `index.text` within the chunk), so equal texts give equal results. A chunk that does not
 * parse is cut into pieces of whole statements, each repaired alone (see repairPiece): the work stays
 * proportional to the chunk plus the pieces that hold errors, and every error is found.
 */
function parseChunkUncached(index: LineIndex, firstLine: number, endLine: number, issues: TomlIssue[], budget: ParseBudget): RawTable[] {
  const lines: string[] = [];
  for (let n = firstLine; n < endLine; n++) lines.push(index.line(n));
  if (!budget.spend(lines.reduce((n, l) => n + l.length + 1, 0))) return [];
  try {
    return convertProgram(parseTOML(lines.join('\n')), firstLine, index);
  } catch {
    // Found again, with its position, by the piece that holds it.
  }
  const headerLine = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const hasHeader = headerLine >= 0 && HEADER_LINE.test(stripComment(lines[headerLine]));
  const out: RawTable[] = [];
  let headerBroken = false;
  for (const [from, to] of pieces(lines)) {
    const piece = repairPiece(lines.slice(from, to), firstLine + from, index, issues, budget, from === 0 && hasHeader ? headerLine : -1);
    if (budget.exhausted) break;
    if (from === 0) {
      // A broken header leaves its key/values without a table: drop them rather than attach them to the wrong
      // table, but go on reading the pieces for their own errors.
      if (piece === null && hasHeader) headerBroken = true;
      else if (piece !== null) out.push(...piece);
      continue;
    }
    if (piece === null || headerBroken) continue;
    for (const t of piece) {
      if (t.headerRange !== null) {
        out.push(t);
        continue;
      }
      // A later piece has no header: its keys belong to the chunk's table.
      let owner = out[out.length - 1];
      if (!owner) out.push((owner = { nameParts: [], isArrayTable: false, headerRange: null, start: { line: firstLine, character: 0 }, entries: [] }));
      for (const kv of t.entries) owner.entries.push({ ...kv, fullKey: [...owner.nameParts, ...kv.keyParts].join('.') });
    }
  }
  return headerBroken ? [] : out;
}

/** A key/value line: inside an open array, it means the array was left unclosed. */
const KEY_START = /^\s*[A-Za-z0-9_-]+(?:\s*\.\s*[A-Za-z0-9_-]+)*\s*=/;

/** Cuts a chunk's lines into [from, to) pieces of about PIECE_LINES lines, each ending after a whole statement. */
function pieces(lines: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  let depth = 0;
  let inMultiline: '"""' | "'''" | null = null;
  for (let n = 0; n < lines.length; n++) {
    if (n - from >= PIECE_LINES && inMultiline === null && (depth === 0 || KEY_START.test(lines[n]))) {
      out.push([from, n]);
      from = n;
      depth = 0;
    }
    if (inMultiline === null && !MAY_MATTER.test(lines[n])) continue;
    const scan = scanLine(lines[n], inMultiline);
    inMultiline = scan.inMultiline;
    depth = Math.max(0, depth + scan.depth);
  }
  out.push([from, lines.length]);
  return out;
}

/**
 * Parses the lines of one piece, blanking each broken line and parsing again, and reports each error once.
 * Null when the piece is given up: its header (at `headerLine`, or -1) is broken, or an error has no line to blank.
 */
function repairPiece(lines: string[], firstLine: number, index: LineIndex, issues: TomlIssue[], budget: ParseBudget, headerLine: number): RawTable[] | null {
  const length = lines.reduce((n, l) => n + l.length + 1, 0);
  let last: { message: string; line: number } | null = null;
  // Each round blanks a line, so there are at most as many rounds as lines.
  for (let round = 0; round <= lines.length; round++) {
    if (!budget.spend(length)) return null;
    try {
      return convertProgram(parseTOML(lines.join('\n')), firstLine, index);
    } catch (caught) {
      const e = asLibParseError(caught);
      let local = Math.min(e.lineNumber - 1, lines.length - 1);
      // An error found on an empty line (or at the end) is caused by the last line with text above it.
      const moved = lines[local].trim() === '';
      while (local > 0 && lines[local].trim() === '') local--;
      // Blanking a line can surface the same complaint on the next one (a broken multi-line value): one
      // report for that cause. The same complaint further down, after a good line, is an error of its own.
      const cascade = last !== null && last.message === e.message && lines.slice(last.line + 1, local).every((l) => l.trim() === '');
      if (!cascade) issues.push(issueFromError(e, firstLine + local, moved ? null : e.column, index));
      last = { message: e.message, line: local };
      if (headerLine >= 0 && local <= headerLine) return null;
      if (lines[local].trim() === '') return null;
      lines[local] = '';
    }
  }
  return null;
}

/** An issue for the library's error, on `line` (absolute), at `column` or at the line's first character. */
function issueFromError(e: LibParseError, line: number, column: number | null, index: LineIndex): TomlIssue {
  line = Math.min(line, index.lineCount - 1);
  const text = index.line(line);
  const trimmedEnd = text.trimEnd().length;
  const firstNonSpace = text.length - text.trimStart().length;
  let start = Math.min(column ?? firstNonSpace, text.length);
  if (start >= trimmedEnd) start = Math.min(firstNonSpace, trimmedEnd);
  const duplicate = DUPLICATE_MESSAGE.test(e.message);
  let end = trimmedEnd;
  if (duplicate) {
    // Point at the key only, not at its value.
    const eq = text.indexOf('=', start);
    if (eq > start) end = text.slice(0, eq).trimEnd().length;
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
      if (!t.isArrayTable) {
        valueKeys.add(kv.fullKey);
        // An inline table is a value too, and so is each one around it: a later `[keystore.internal]` after
        // `internal = { … }` (or `internal = { sub = { … } }`) redefines it.
        for (let n = 1; n <= (kv.keyPrefix ?? 0); n++) valueKeys.add([...t.nameParts, ...parts.slice(0, n)].join('.'));
      }
    }
  }
}
