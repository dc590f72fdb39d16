/**
 * Completion and hover data for deployment.toml, as plain data the extension converts. They work
 * from the text around the cursor (a line being typed rarely parses) and ask the workspace, through
 * `AssistContext`, for keystore files and the entries of the configured store.
 */
import { PRODUCT_NAMES, productOfDocument, type Product } from '../checks/product';
import type { CertificateInfo, Integrity, KeystoreFormat } from '../keystore';
import type { Position, Range } from '../problem';
import type { TomlDocument } from './toml';
import { allTableSpecs, lookupKey, tableKeys, tableSpec, type KeySpec } from './schema';
import { formatKey, splitKey } from './edit';

/** One entry of a keystore, as completion and hover show it. */
export interface StoreEntrySummary {
  readonly alias: string;
  readonly kind: 'private-key' | 'trusted-cert' | 'secret-key';
  readonly certificate: CertificateInfo | null;
}

/** A keystore as the workspace opened it with the configured password, or why it could not. */
export type StoreSummary =
  | { readonly path: string; readonly format: KeystoreFormat; readonly integrity: Integrity; readonly entries: readonly StoreEntrySummary[] }
  | { readonly path: string; readonly error: string };

/** What completion and hover need from the workspace (implemented in src/core/workspace). */
export interface AssistContext {
  /** Keystore files of the workspace, as values usable for `file_name` (e.g. `repository/resources/security/x.jks`). */
  keystoreFiles(): Promise<string[]>;
  /**
   * The store configured by `[tableName]` (after defaults), opened with its configured password.
   * `key` (relative to the table, e.g. `listener.keystore.key_alias`) tells which consumer when a
   * table has several (`[transport.http]`); implementations may ignore it.
   */
  storeForTable(tableName: string, key?: string): Promise<StoreSummary | undefined>;
  /** The cipher transformation MI decrypts `[secrets]` with, and why (absent: hover does not say). */
  cipherTransformation?(): Promise<{ readonly transformation: string; readonly reason: string }>;
  /** The product the file configures, from its home's launcher and its tables (absent: from its tables alone). */
  product?(): Promise<Product>;
}

/** A completion proposal. */
export interface CompletionItemData {
  readonly label: string;
  readonly kind: 'table' | 'key' | 'value' | 'snippet';
  /** Text to insert over `range`; snippet syntax (`$1`, `${1|a,b|}`) when `isSnippet`. */
  readonly insertText: string;
  readonly isSnippet?: boolean;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** The text the proposal replaces (on the cursor's line). */
  readonly range: Range;
  /** Sorts before items with a greater sortText. */
  readonly sortText?: string;
}

/** Hover content: markdown and the range it describes. */
export interface HoverData {
  readonly contents: string;
  readonly range: Range;
}

/**
 * `text` from a file (a path, an alias, a certificate name) made inert in Markdown: every character Markdown
 * or HTML could read as syntax is escaped, so `![t](https://…)` in a keystore shows as text, never loads.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

const KEY_LINE = /^(\s*)((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=/;
const EXPIRY_SOON_DAYS = 30;

/** A table header line as typed: `[name]`, `[[name]]`, possibly unclosed, possibly followed by a comment. */
interface HeaderLine {
  readonly open: '[' | '[[';
  /** The name between the brackets, trimmed (may be empty). */
  readonly name: string;
  readonly close: ']' | ']]' | undefined;
}

/**
 * The header on `line`, or null. Scanned by hand, once along the line: a pattern with several quantifiers
 * that can all match the same spaces took minutes on `[` + 600 spaces + `]]]`.
 */
export function parseHeaderLine(line: string): HeaderLine | null {
  const start = line.length - line.trimStart().length;
  if (line[start] !== '[') return null;
  const open = line[start + 1] === '[' ? '[[' : '[';
  let end = start + open.length;
  while (end < line.length && line[end] !== ']' && line[end] !== '#') end++;
  const name = line.slice(start + open.length, end).trim();
  let close: HeaderLine['close'];
  if (line[end] === ']') {
    close = line[end + 1] === ']' ? ']]' : ']';
    end += close.length;
  }
  // After the header only spaces and a comment may follow (`[a]]]` or `[a] x` is no header).
  const rest = line.slice(end).trimStart();
  return rest === '' || rest.startsWith('#') ? { open, name, close } : null;
}

interface LineContext {
  readonly lines: readonly string[];
  readonly line: string;
  readonly before: string;
  /** The table the cursor is in, from the nearest header line above (works on unparsable text). */
  readonly table: string;
  readonly isArrayTable: boolean;
  /** Line of that header, or -1 for the root table. */
  readonly headerLine: number;
}

const linesCache = new WeakMap<TomlDocument, readonly string[]>();

/** The document's lines without line breaks, split once per document (each keystroke asks for several answers). */
function linesOf(doc: TomlDocument): readonly string[] {
  let lines = linesCache.get(doc);
  if (!lines) linesCache.set(doc, (lines = doc.text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))));
  return lines;
}

function lineContext(doc: TomlDocument, position: Position): LineContext {
  const lines = linesOf(doc);
  const line = lines[position.line] ?? '';
  const before = line.slice(0, position.character);
  let table = '';
  let isArrayTable = false;
  let headerLine = -1;
  for (let n = position.line - 1; n >= 0; n--) {
    const m = parseHeaderLine(lines[n]);
    if (m && m.name !== '' && !lines[n].includes('=')) {
      table = splitKey(m.name).join('.');
      isArrayTable = m.open === '[[';
      headerLine = n;
      break;
    }
  }
  return { lines, line, before, table, isArrayTable, headerLine };
}

/** Keys already written in the cursor's table (from the text, so a broken line elsewhere does not hide them). */
function presentKeys(ctx: LineContext, cursorLine: number): Set<string> {
  const out = new Set<string>();
  for (let n = ctx.headerLine + 1; n < ctx.lines.length; n++) {
    const l = ctx.lines[n];
    if (n !== ctx.headerLine && parseHeaderLine(l) && !l.includes('=')) break;
    if (n === cursorLine) continue;
    const m = KEY_LINE.exec(l);
    if (m) out.add(splitKey(m[2]).join('.'));
  }
  return out;
}

function range(line: number, from: number, to: number): Range {
  return { start: { line, character: from }, end: { line, character: to } };
}

/**
 * The name of the product `doc` configures when it is not MI, else null: API Manager and Identity Server
 * read the same tables under other rules, so MI's keys, defaults and advice would mislead there.
 */
async function otherProduct(doc: TomlDocument, ctx: AssistContext): Promise<string | null> {
  const product = (await ctx.product?.()) ?? productOfDocument(doc);
  return product === 'mi' ? null : PRODUCT_NAMES[product];
}

/** The proposals at `position`: table headers, keys, values, `$secret{}` aliases, section snippets (none on another product's file). */
export async function completionsAt(doc: TomlDocument, position: Position, ctx: AssistContext): Promise<CompletionItemData[]> {
  if (await otherProduct(doc, ctx)) return [];
  return miCompletionsAt(doc, position, ctx);
}

async function miCompletionsAt(doc: TomlDocument, position: Position, ctx: AssistContext): Promise<CompletionItemData[]> {
  const lc = lineContext(doc, position);
  const { before, line } = lc;
  const ln = position.line;

  // 1. A header being typed: `[keys`, `[[custom_tr`.
  const header = /^(\s*)(\[\[?)\s*([A-Za-z0-9_.\-"']*)$/.exec(before);
  if (header) {
    const start = header[1].length + header[2].length + (before.length - header[1].length - header[2].length - header[3].length);
    const after = /^[A-Za-z0-9_.\-"']*/.exec(line.slice(position.character))?.[0] ?? '';
    const hasClose = line.slice(position.character + after.length).trimStart().startsWith(']');
    const wantsArray = header[2] === '[[';
    return allTableSpecs()
      .filter((t) => !t.obsolete && t.array === wantsArray)
      .map((t) => ({
        label: t.name,
        kind: 'table' as const,
        insertText: formatKey(splitKey(t.name)) + (hasClose ? '' : wantsArray ? ']]' : ']'),
        detail: t.array ? 'array table' : 'table',
        documentation: t.doc,
        range: range(ln, start, position.character + after.length),
      }));
  }

  // 2. A value: `key = `, `alias = "wso`, `password = "$secret{ad`.
  const kv = KEY_LINE.exec(before);
  if (kv) {
    const valueStart = before.indexOf('=', kv[0].length - 1) + 1;
    return valueCompletions(lc, ln, position.character, splitKey(kv[2]), valueStart, ctx, doc);
  }

  // 3. A key (or a section snippet) at the start of a line.
  const keyTyped = /^(\s*)([A-Za-z0-9_.\-"']*)$/.exec(before);
  if (!keyTyped) return [];
  const start = keyTyped[1].length;
  const after = /^[A-Za-z0-9_.\-"']*/.exec(line.slice(position.character))?.[0] ?? '';
  const r = range(ln, start, position.character + after.length);
  const present = presentKeys(lc, ln);
  // Renaming the key of an existing `key = value` line: insert the name only.
  const hasValue = /^\s*=/.test(line.slice(position.character + after.length));
  const items: CompletionItemData[] = tableKeys(lc.table)
    .filter((k) => !k.ignored && !present.has(k.key))
    .map((k, i) => ({
      label: k.key,
      kind: 'key' as const,
      insertText: hasValue ? formatKey(splitKey(k.key)) : `${formatKey(splitKey(k.key))} = ${valueSnippet(k)}`,
      isSnippet: !hasValue,
      detail: defaultDetail(k),
      documentation: keyDoc(k),
      range: r,
      sortText: String(i).padStart(3, '0'),
    }));
  // Section snippets only on a line that holds nothing else yet.
  if (!hasValue) for (const s of sectionSnippets()) items.push({ ...s, range: r, sortText: `z${s.label}` });
  return items;
}

function valueSnippet(k: KeySpec): string {
  if (k.allowed && k.allowed.length > 0) {
    const choices = k.allowed.map((a) => a.replace(/[|,$}\\]/g, (c) => `\\${c}`)).join(',');
    return k.type === 'string' ? `"\${1|${choices}|}"` : `\${1|${choices}|}`;
  }
  if (k.type === 'string') return '"$1"';
  if (k.type === 'boolean') return '${1|true,false|}';
  return '$1';
}

function defaultDetail(k: KeySpec): string | undefined {
  if (k.default === undefined) return k.ref ? `default: ${k.ref}` : undefined;
  // Passwords: say where the default comes from, never the value.
  if (k.secret) return k.ref ? `default: ${k.ref}` : 'default: MI\'s default password';
  return `default: ${JSON.stringify(k.default)}`;
}

function keyDoc(k: KeySpec): string {
  const parts = [k.doc];
  const obsolete = tableSpec(k.table)?.obsolete;
  if (obsolete) parts.push(`_MI 4.x ignores [${k.table}]: use [${obsolete}]._`);
  if (k.ignored) parts.push('_MI ignores this key: no template reads it._');
  if (k.ref) parts.push(`Default: the value of \`${k.ref}\`${k.default !== undefined && !k.secret ? ` (\`${String(k.default)}\`)` : ''}.`);
  else if (k.default !== undefined) parts.push(k.secret ? 'Default: MI\'s default password.' : `Default: \`${String(k.default)}\`.`);
  if (k.allowed) parts.push(`Allowed: ${k.allowed.map((a) => `\`${a}\``).join(', ')}.`);
  return parts.join('\n\n');
}

async function valueCompletions(
  lc: LineContext,
  ln: number,
  cursor: number,
  keyParts: readonly string[],
  valueStart: number,
  ctx: AssistContext,
  doc: TomlDocument,
): Promise<CompletionItemData[]> {
  const typed = lc.before.slice(valueStart);
  const lead = typed.length - typed.trimStart().length;
  const quote = typed.trimStart()[0];
  const inString = quote === '"' || quote === "'";
  const contentStart = valueStart + lead + (inString ? 1 : 0);
  const rest = lc.line.slice(cursor);
  // Replace up to the closing quote if there is one, else to the end of the word at the cursor.
  const close = inString ? rest.indexOf(quote) : -1;
  const end = inString ? (close >= 0 ? cursor + close : cursor + (/^[^\s#]*/.exec(rest)?.[0].length ?? 0)) : cursor;
  const wrap = (s: string): string => (inString ? s + (close >= 0 ? '' : quote) : `"${s}"`);

  // `$secret{ali|` inside a string: the aliases of [secrets].
  const secret = /\$secret\{([A-Za-z0-9_]*)$/.exec(lc.before);
  if (secret) {
    const from = cursor - secret[1].length;
    const closeBrace = rest.indexOf('}');
    const to = closeBrace >= 0 && (close < 0 || closeBrace < close) ? cursor + closeBrace : cursor + (/^[A-Za-z0-9_]*/.exec(rest)?.[0].length ?? 0);
    return secretAliases(doc, lc).map((a) => ({
      label: a,
      kind: 'value' as const,
      insertText: closeBrace >= 0 && (close < 0 || closeBrace < close) ? a : `${a}}`,
      detail: 'secret alias from [secrets]',
      range: range(ln, from, to),
    }));
  }

  const spec = lookupKey(lc.table, keyParts);
  if (!spec) return [];
  const r = range(ln, inString ? contentStart : valueStart + lead, end);
  const key = keyParts.join('.');
  if (spec.allowed) {
    return spec.allowed.map((a) => ({ label: a, kind: 'value' as const, insertText: spec.type === 'string' ? wrap(a) : a, detail: spec.key, documentation: spec.doc, range: r }));
  }
  if (spec.type === 'boolean') {
    return ['true', 'false'].map((b) => ({ label: b, kind: 'value' as const, insertText: b, range: r }));
  }
  if (spec.role === 'file') {
    const files = await ctx.keystoreFiles();
    return files.map((f) => ({ label: f, kind: 'value' as const, insertText: wrap(f), detail: 'keystore file', range: r }));
  }
  if (spec.role === 'alias') {
    const store = await ctx.storeForTable(lc.table, key);
    if (!store || 'error' in store) return [];
    const order = { 'private-key': 0, 'secret-key': 1, 'trusted-cert': 2 } as const;
    return [...store.entries]
      .sort((a, b) => order[a.kind] - order[b.kind] || a.alias.localeCompare(b.alias))
      .map((e, i) => ({
        label: e.alias,
        kind: 'value' as const,
        insertText: wrap(e.alias),
        detail: entryDetail(e),
        documentation: e.certificate ? certificateMarkdown(e.certificate) : undefined,
        range: r,
        sortText: String(i).padStart(5, '0'),
      }));
  }
  return [];
}

function entryDetail(e: StoreEntrySummary, now = new Date()): string {
  const kind = e.kind === 'private-key' ? 'private key' : e.kind === 'trusted-cert' ? 'trusted certificate' : 'secret key';
  if (!e.certificate) return kind;
  const notAfter = certificateDate(e.certificate.notAfter);
  if (Number.isNaN(notAfter)) return kind;
  const expiry = new Date(notAfter).toISOString().slice(0, 10);
  const expired = notAfter < now.getTime();
  return `${kind}, ${expired ? 'expired' : 'expires'} ${expiry}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Milliseconds of a certificate date: ISO, or Java's `Date.toString()` in UTC as keytool prints it. */
function certificateDate(s: string): number {
  const java = /^\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(s);
  if (java) return Date.UTC(Number(java[6]), MONTHS.indexOf(java[1]), Number(java[2]), Number(java[3]), Number(java[4]), Number(java[5]));
  return Date.parse(s);
}

function secretAliases(doc: TomlDocument, lc: LineContext): string[] {
  const fromAst = doc.tables.filter((t) => t.name === 'secrets').flatMap((t) => t.entries.map((e) => e.keyParts.join('.')));
  // Also from the text, in case [secrets] is in a chunk that does not parse right now.
  const out = new Set(fromAst);
  let inSecrets = false;
  for (const l of lc.lines) {
    const h = parseHeaderLine(l);
    if (h && h.name !== '' && !l.includes('=')) inSecrets = splitKey(h.name).join('.') === 'secrets';
    else if (inSecrets) {
      const m = KEY_LINE.exec(l);
      if (m) out.add(splitKey(m[2]).join('.'));
    }
  }
  return [...out].filter((a) => /^[A-Za-z0-9_]+$/.test(a));
}

interface Snippet {
  readonly label: string;
  readonly kind: 'snippet';
  readonly insertText: string;
  readonly isSnippet: true;
  readonly detail: string;
  readonly documentation: string;
}

/** Whole-section snippets for the keystore tables. */
export function sectionSnippets(): Snippet[] {
  const store = (table: string, name: string, withKey: boolean): string =>
    [
      `[${table}]`,
      `file_name = "repository/resources/security/\${1:${name}}"`,
      'type = "${2|JKS,PKCS12|}"',
      'password = "$3"',
      ...(withKey ? ['alias = "${4:wso2carbon}"', 'key_password = "$3"'] : []),
      '',
    ].join('\n');
  const doc = (name: string): string => tableSpec(name)?.doc ?? '';
  return [
    { label: '[keystore.primary] section', kind: 'snippet', insertText: store('keystore.primary', 'wso2carbon.jks', true), isSnippet: true, detail: 'primary keystore', documentation: doc('keystore.primary') },
    { label: '[keystore.internal] section', kind: 'snippet', insertText: store('keystore.internal', 'internal.jks', true), isSnippet: true, detail: 'internal keystore', documentation: doc('keystore.internal') },
    { label: '[truststore] section', kind: 'snippet', insertText: store('truststore', 'client-truststore.jks', false), isSnippet: true, detail: 'truststore', documentation: doc('truststore') },
    {
      label: '[transport.http] HTTPS listener keystore',
      kind: 'snippet',
      insertText: [
        '[transport.http]',
        'listener.keystore.location = "repository/resources/security/${1:wso2carbon.jks}"',
        'listener.keystore.type = "${2|JKS,PKCS12|}"',
        'listener.keystore.password = "$3"',
        'listener.keystore.key_password = "$3"',
        '',
      ].join('\n'),
      isSnippet: true,
      detail: 'HTTPS listener keystore',
      documentation: doc('transport.http'),
    },
    { label: '[secrets] section', kind: 'snippet', insertText: '[secrets]\n${1:alias} = "[${2:plain text}]"\n', isSnippet: true, detail: 'secrets for $secret{alias}', documentation: doc('secrets') },
  ];
}

/**
 * Hover at `position`: the key's doc and default; on a file a store summary; on an alias its certificate.
 * On another product's file, only that MI's documentation does not apply.
 */
export async function hoverAt(doc: TomlDocument, position: Position, ctx: AssistContext): Promise<HoverData | undefined> {
  const data = await miHoverAt(doc, position, ctx);
  const other = data && (await otherProduct(doc, ctx));
  if (!data || !other) return data;
  return { contents: `This file configures ${other}, not WSO2 Micro Integrator: MI's keys, defaults and advice do not apply to it.`, range: data.range };
}

async function miHoverAt(doc: TomlDocument, position: Position, ctx: AssistContext): Promise<HoverData | undefined> {
  const lc = lineContext(doc, position);
  const { line } = lc;
  const ln = position.line;
  const c = position.character;

  const h = parseHeaderLine(line);
  if (h && !line.includes('=')) {
    const name = splitKey(h.name).join('.');
    const spec = tableSpec(name);
    if (!spec) return undefined;
    const note = spec.obsolete ? `\n\n_MI 4.x ignores this table: use \`[${spec.obsolete}]\`._` : '';
    return { contents: `**[${escapeMarkdown(name)}]**\n\n${spec.doc}${note}`, range: range(ln, line.indexOf('['), line.trimEnd().length) };
  }

  const kv = KEY_LINE.exec(line);
  if (!kv) return undefined;
  const keyParts = splitKey(kv[2]);
  const transformationHover = await cipherTransformationHover(lc.table, keyParts, ctx);
  if (transformationHover) return { contents: transformationHover, range: range(ln, kv[1].length, line.trimEnd().length) };
  const spec = lookupKey(lc.table, keyParts);
  if (!spec) return undefined;
  const keyStart = kv[1].length;
  const keyEnd = keyStart + kv[2].length;
  const valueStart = kv[0].length;
  const valueText = line.slice(valueStart);
  const valueLead = valueText.length - valueText.trimStart().length;
  const valueEnd = valueStart + valueEndIn(valueText);

  if (c >= keyStart && c <= keyEnd) {
    return { contents: `**${spec.fullKey}**\n\n${keyDoc(spec)}`, range: range(ln, keyStart, keyEnd) };
  }
  if (c < valueStart + valueLead || c > valueEnd) return undefined;
  const valueRange = range(ln, valueStart + valueLead, valueEnd);
  const key = keyParts.join('.');
  if (spec.role === 'file') {
    const store = await ctx.storeForTable(lc.table, key);
    return store ? { contents: storeMarkdown(store), range: valueRange } : undefined;
  }
  if (spec.role === 'alias') {
    const store = await ctx.storeForTable(lc.table, key);
    if (!store || 'error' in store) return store ? { contents: storeMarkdown(store), range: valueRange } : undefined;
    const alias = unquote(line.slice(valueStart + valueLead, valueEnd)).toLowerCase();
    const entry = store.entries.find((e) => e.alias.toLowerCase() === alias);
    if (!entry) return { contents: `No entry ${escapeMarkdown(unquote(line.slice(valueStart + valueLead, valueEnd)))} in ${escapeMarkdown(store.path)}.`, range: valueRange };
    const head = `**${escapeMarkdown(entry.alias)}**: ${entryDetail(entry)}`;
    return { contents: entry.certificate ? `${head}\n\n${certificateMarkdown(entry.certificate)}` : head, range: valueRange };
  }
  return { contents: `**${spec.fullKey}**\n\n${keyDoc(spec)}`, range: valueRange };
}

/**
 * On a `[secrets]` entry or on `[system.parameter] 'org.wso2.CipherTransformation'`: the transformation MI
 * decrypts the secrets with and why, since a ciphertext made with another one fails at start.
 */
async function cipherTransformationHover(table: string, keyParts: readonly string[], ctx: AssistContext): Promise<string | undefined> {
  const onSecret = table === 'secrets';
  const onSetting = table === 'system.parameter' && keyParts.join('.') === 'org.wso2.CipherTransformation';
  if ((!onSecret && !onSetting) || !ctx.cipherTransformation) return undefined;
  const t = await ctx.cipherTransformation();
  const head = onSecret ? `**Secret \`${keyParts.join('.')}\`**` : '**org.wso2.CipherTransformation**';
  return `${head}\n\nMI decrypts [secrets] with \`${t.transformation}\`: ${t.reason}. Encrypt with the same one (mi-keystores encrypt-secrets and the quick fixes do).`;
}

/** Where the value of a `key = value` ends (before a trailing comment, or the end of an unclosed string). */
function valueEndIn(valueText: string): number {
  const lead = valueText.length - valueText.trimStart().length;
  const q = valueText[lead];
  if (q === '"' || q === "'") {
    for (let i = lead + 1; i < valueText.length; i++) {
      if (q === '"' && valueText[i] === '\\') i++;
      else if (valueText[i] === q) return i + 1;
    }
    return valueText.trimEnd().length;
  }
  const hash = valueText.indexOf('#');
  return (hash >= 0 ? valueText.slice(0, hash) : valueText).trimEnd().length;
}

function unquote(s: string): string {
  const t = s.trim();
  const q = t[0];
  if (q === '"' || q === "'") return t.slice(1, t.endsWith(q) && t.length > 1 ? -1 : undefined);
  return t;
}

/** Markdown summary of a store: path, format, integrity and entry counts (private keys listed). */
export function storeMarkdown(store: StoreSummary, now = new Date()): string {
  if ('error' in store) return `**${escapeMarkdown(store.path)}**\n\n${escapeMarkdown(store.error)}`;
  const keys = store.entries.filter((e) => e.kind === 'private-key');
  const certs = store.entries.filter((e) => e.kind === 'trusted-cert').length;
  const secrets = store.entries.filter((e) => e.kind === 'secret-key').length;
  const counts = [`${keys.length} private key${keys.length === 1 ? '' : 's'}`, `${certs} trusted certificate${certs === 1 ? '' : 's'}`];
  if (secrets > 0) counts.push(`${secrets} secret key${secrets === 1 ? '' : 's'}`);
  const lines = [
    `**${escapeMarkdown(store.path)}**`,
    '',
    `${store.format}, ${counts.join(', ')}${store.integrity === 'unverifiable' ? ' (integrity not verifiable: the store has no MAC)' : ''}`,
  ];
  for (const k of keys.slice(0, 10)) {
    const cert = k.certificate;
    const soon = cert && certificateDate(cert.notAfter) - now.getTime() < EXPIRY_SOON_DAYS * 86400_000;
    lines.push(`- ${escapeMarkdown(k.alias)}${cert ? `: ${escapeMarkdown(cert.subject)}, ${entryDetail(k, now).split(', ')[1]}${soon ? ' ⚠' : ''}` : ''}`);
  }
  return lines.join('\n');
}

/** Markdown of a certificate: subject, issuer, validity and SHA-256 fingerprint. */
export function certificateMarkdown(cert: CertificateInfo): string {
  return [
    `- Subject: ${escapeMarkdown(cert.subject)}`,
    `- Issuer: ${escapeMarkdown(cert.issuer)}${cert.selfSigned ? ' (self-signed)' : ''}`,
    `- Valid: ${escapeMarkdown(cert.notBefore)} to ${escapeMarkdown(cert.notAfter)}`,
    `- SHA-256: \`${cert.sha256}\``,
  ].join('\n');
}
