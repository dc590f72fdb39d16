/**
 * The checks that need only the text of a deployment.toml (no file system, no keystore): syntax,
 * duplicates, unknown and obsolete keys, value types, store types, file names, passwords and
 * `$secret{}` references. Each problem sits on the line a person would fix: the value at fault,
 * else the key, else the table header.
 */
import type { Fix, Problem, Range, TextEdit } from '../problem';
import type { TomlDocument, TomlKeyValue, TomlTable } from '../config/toml';
import {
  consumersOfTable,
  isModeledLocation,
  lookupKey,
  tableKeys,
  tableSpec,
  type KeySpec,
} from '../config/schema';
import { renameKeyEdit, renameTableEdit, setValueEdits, tomlString } from '../config/edit';
import { severityOf, type ProblemCode } from './codes';

/** Options of `checkDocument`. */
export interface DocumentCheckOptions {
  /** Codes not to report (a user's settings). */
  readonly disabled?: readonly string[];
}

/** MI's well-known default store and key password. */
export const DEFAULT_PASSWORD = 'wso2carbon';

/** The folder MI's keystores live in, relative to MI_HOME. */
export const SECURITY_DIR = 'repository/resources/security';

/** A value MI resolves at start-up rather than a literal: `$ref{}`, `$secret{}`, `$env{}`, `$sys{}`. */
const REFERENCE = /\$(?:ref|secret|env|sys)\{[^}]*\}/;
const SECRET_REF = /\$secret\{([^}]*)\}/g;
const SECRET_ALIAS = /^[A-Za-z0-9_]+$/;
/** A `[secrets]` value waiting for the cipher tool: `"[plain text]"`. */
const PLAIN_SECRET = /^\[[\s\S]*\]$/;

/** Misspellings seen in real files (other Carbon products, old docs), by last key part. */
const KNOWN_MISTAKES: Readonly<Record<string, readonly string[]>> = {
  name: ['file_name', 'location'],
  filename: ['file_name'],
  file: ['file_name', 'location'],
  path: ['file_name', 'location'],
  location: ['file_name'],
  file_name: ['location'],
  keypassword: ['key_password'],
  keypass: ['key_password'],
  private_key_password: ['key_password'],
  keystore_password: ['password'],
  key_store_password: ['password'],
  store_password: ['password'],
  storepass: ['password'],
  truststore_password: ['password'],
  key_alias: ['alias'],
  keyalias: ['alias', 'key_alias'],
  alias: ['key_alias'],
  keystore_type: ['type'],
  store_type: ['type'],
};

/** Runs every document-level check on a parsed deployment.toml. */
export function checkDocument(doc: TomlDocument, options: DocumentCheckOptions = {}): Problem[] {
  const out: Problem[] = [];
  const disabled = new Set(options.disabled ?? []);
  const report = (code: ProblemCode, message: string, range: Range, fixes: Fix[] = []): void => {
    if (!disabled.has(code)) out.push({ code, severity: severityOf(code), message, file: doc.file, range, fixes });
  };

  for (const issue of doc.issues) {
    const code = issue.kind === 'syntax' ? 'toml-syntax' : issue.kind;
    report(code, issue.kind === 'syntax' ? `TOML syntax error: ${issue.message} MI will not start.` : issue.message, issue.range);
  }

  const secretTables = doc.tables.filter((t) => t.name === 'secrets');
  const secretAliases = new Set(secretTables.flatMap((t) => t.entries.map((e) => e.keyParts.join('.'))));

  for (const table of doc.tables) {
    checkTable(doc, table, report);
    if (table.name === 'secrets') checkSecretsTable(doc, table, report);
    for (const entry of table.entries) checkSecretReferences(doc, entry, secretAliases, report);
  }
  return out;
}

type Report = (code: ProblemCode, message: string, range: Range, fixes?: Fix[]) => void;

function isLiteralString(entry: TomlKeyValue): entry is TomlKeyValue & { value: { value: string } } {
  return entry.value.type === 'string' && !REFERENCE.test(entry.value.value as string);
}

function headerOrKey(table: TomlTable, entry?: TomlKeyValue): Range {
  return table.headerRange ?? entry?.keyRange ?? table.range;
}

function checkTable(doc: TomlDocument, table: TomlTable, report: Report): void {
  const spec = tableSpec(table.name);
  if (spec?.obsolete && table.headerRange) {
    const targetExists = doc.tables.some((t) => t.name === spec.obsolete);
    report('obsolete-table', `[${table.name}] is not read by MI 4.x (it existed only in MI 1.1.0); did you mean [${spec.obsolete}]?`, table.headerRange, [
      {
        title: `Rename to [${spec.obsolete}]`,
        // Renaming next to an existing [keystore.primary] would create a duplicate table.
        preferred: !targetExists,
        safe: !targetExists,
        edits: [renameTableEdit(doc, table, spec.obsolete)],
      },
    ]);
  }

  for (const entry of table.entries) {
    const ks = lookupKey(table.name, entry.keyParts);
    if (!ks) {
      if (table.name !== 'secrets' && isModeledLocation(table.name, entry.keyParts)) checkUnknownKey(doc, table, entry, report);
      continue;
    }
    checkValue(doc, table, entry, ks, report);
  }

  checkMissingPasswords(doc, table, report);
}

function checkUnknownKey(doc: TomlDocument, table: TomlTable, entry: TomlKeyValue, report: Report): void {
  const key = entry.keyParts.join('.');
  const suggestions = suggestKeys(table, entry.keyParts);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : '.';
  report(
    'unknown-key',
    `MI does not read \`${key}\` in [${table.name}] and silently ignores it${hint}`,
    entry.keyRange,
    suggestions.map((s, i) => ({
      title: `Change to \`${s}\``,
      preferred: i === 0 && suggestions.length === 1,
      edits: [renameKeyEdit(doc, entry, s)],
    })),
  );
}

const tableKeySets = new WeakMap<TomlTable, Set<string>>();

/** The keys written in a table, computed once per table (per unknown key, a table of 50,000 keys was quadratic). */
function keysOf(table: TomlTable): Set<string> {
  let keys = tableKeySets.get(table);
  if (!keys) tableKeySets.set(table, (keys = new Set(table.entries.map((e) => e.keyParts.join('.')))));
  return keys;
}

/** Keys of the table close to `parts`: known mistakes first, then by edit distance, unused ones only. */
function suggestKeys(table: TomlTable, parts: readonly string[]): string[] {
  const prefix = parts.slice(0, -1).join('.');
  const last = parts[parts.length - 1].toLowerCase();
  const present = keysOf(table);
  const candidates = tableKeys(table.name).filter((k) => !k.ignored && !present.has(k.key));
  const siblings = candidates.filter((k) => k.key.slice(0, Math.max(0, k.key.lastIndexOf('.'))) === prefix);
  const lastOf = (k: KeySpec): string => k.key.slice(k.key.lastIndexOf('.') + 1);
  const out: string[] = [];
  for (const name of KNOWN_MISTAKES[last] ?? []) {
    const hit = siblings.find((k) => lastOf(k) === name);
    if (hit && !out.includes(hit.key)) out.push(hit.key);
  }
  const full = parts.join('.').toLowerCase();
  const scored = candidates
    .map((k) => ({ k, d: Math.min(editDistance(full, k.key.toLowerCase()), siblings.includes(k) ? editDistance(last, lastOf(k)) : Infinity) }))
    .filter(({ k, d }) => d <= Math.max(2, Math.floor(lastOf(k).length / 3)))
    .sort((a, b) => a.d - b.d);
  for (const { k } of scored) if (!out.includes(k.key)) out.push(k.key);
  return out.slice(0, 3);
}

/** Levenshtein distance (insert, delete, substitute; a swap of neighbours counts 1, as people type). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function checkValue(doc: TomlDocument, table: TomlTable, entry: TomlKeyValue, ks: KeySpec, report: Report): void {
  const v = entry.value;
  const key = entry.keyParts.join('.');
  if (!typeMatches(ks, entry)) {
    const fixes: Fix[] =
      ks.type === 'string' && (v.type === 'integer' || v.type === 'float' || v.type === 'boolean')
        ? [{ title: `Quote the value: ${tomlString(v.raw)}`, preferred: true, safe: true, edits: [{ file: doc.file, range: v.range, newText: tomlString(v.raw) }] }]
        : [];
    const shown = ks.secret ? 'a value' : `\`${v.raw}\``;
    report('wrong-value-type', `\`${key}\` must be ${article(ks.type)}, not ${shown} of type ${v.type}.`, v.range, fixes);
    return;
  }
  if (!isLiteralString(entry)) return;
  const value = entry.value.value;

  if (ks.role === 'type' && value !== '' && ks.allowed && !ks.allowed.some((a) => a.toLowerCase() === value.toLowerCase())) {
    const guess = guessStoreType(table, ks);
    report(
      'invalid-store-type',
      `\`${key}\` is \`${value}\`; MI documents ${ks.allowed.map((a) => `\`${a}\``).join(' and ')}.`,
      v.range,
      ks.allowed.map((a) => ({ title: `Change to ${a}`, preferred: a === guess, edits: [{ file: doc.file, range: v.range, newText: tomlString(a) }] })),
    );
  }

  if (ks.role === 'file' && value !== '' && !/[/\\]/.test(value)) {
    const full = `${SECURITY_DIR}/${value}`;
    report(
      'bare-file-name',
      `\`${value}\` has no folder: MI resolves it against MI_HOME (MI_HOME/${value}), not ${SECURITY_DIR}/ (the cipher tool does the latter).`,
      v.range,
      [{ title: `Change to "${full}"`, preferred: true, safe: true, edits: [{ file: doc.file, range: v.range, newText: tomlString(full) }] }],
    );
  }

  if (ks.secret && value !== '') {
    if (value === DEFAULT_PASSWORD) {
      report('default-password', `\`${key}\` is MI's well-known default password; anyone who has MI knows it.`, v.range);
    } else if ([...value].length < 6) {
      report('password-too-short', `\`${key}\` is shorter than 6 characters, which keytool refuses for a keystore password.`, v.range);
    }
    report('plaintext-password', `\`${key}\` is written in plain text; it could be a \`$secret{alias}\` the cipher tool encrypts.`, v.range);
  }
}

function typeMatches(ks: KeySpec, entry: TomlKeyValue): boolean {
  const t = entry.value.type;
  if (ks.type === 'integer') return t === 'integer' || (t === 'string' && /^(\d+|\$\w+\{[^}]*\})$/.test(entry.value.value as string));
  return ks.type === t;
}

function article(type: string): string {
  return type === 'integer' ? 'an integer' : type === 'boolean' ? 'a boolean (true or false)' : 'a string (in quotes)';
}

/** The store type the file name suggests (`.p12`/`.pfx` → PKCS12, `.jks` → JKS). */
function guessStoreType(table: TomlTable, typeSpec: KeySpec): string | undefined {
  const consumer = consumersOfTable(table.name).find((c) => c.keys.type === typeSpec.key);
  const file = table.entries.find((e) => e.keyParts.join('.') === consumer?.keys.file)?.value.value;
  if (typeof file !== 'string') return undefined;
  if (/\.(p12|pfx)$/i.test(file)) return 'PKCS12';
  if (/\.jks$/i.test(file)) return 'JKS';
  return undefined;
}

function checkMissingPasswords(doc: TomlDocument, table: TomlTable, report: Report): void {
  for (const consumer of consumersOfTable(table.name)) {
    const find = (key: string): TomlKeyValue | undefined => table.entries.find((e) => e.keyParts.join('.') === key);
    const file = find(consumer.keys.file);
    if (!file || !isLiteralString(file) || find(consumer.keys.password)) continue;
    const passwordSpec = lookupKey(table.name, consumer.keys.password.split('.'));
    const fileSpec = lookupKey(table.name, consumer.keys.file.split('.'));
    // Only where the password has a default to fall back to, and the file is not that default's file.
    if (!passwordSpec || (passwordSpec.default === undefined && !passwordSpec.ref)) continue;
    if (fileSpec?.default === file.value.value) continue;
    const fallback = passwordSpec.ref ? `the value of \`${passwordSpec.ref}\`` : 'the default password';
    report(
      'missing-password',
      `[${table.name}] points \`${consumer.keys.file}\` at another file but sets no \`${consumer.keys.password}\`, so MI uses ${fallback}.`,
      headerOrKey(table, file),
      [{ title: `Add \`${consumer.keys.password}\``, edits: setValueEdits(doc, table, consumer.keys.password, '""') }],
    );
  }
}

function checkSecretsTable(doc: TomlDocument, table: TomlTable, report: Report): void {
  for (const entry of table.entries) {
    const alias = entry.keyParts.join('.');
    if (entry.keyParts.length !== 1 || !SECRET_ALIAS.test(alias)) {
      const fixed = alias.replace(/[^A-Za-z0-9_]/g, '_');
      report(
        'secret-alias-invalid',
        `Secret alias \`${alias}\` has characters outside [A-Za-z0-9_]; MI cannot resolve \`$secret{${alias}}\`.`,
        entry.keyRange,
        fixed ? [{ title: `Rename to \`${fixed}\` (and its references)`, edits: renameSecretEdits(doc, entry, alias, fixed) }] : [],
      );
    }
    if (entry.value.type === 'string' && PLAIN_SECRET.test(entry.value.value as string)) {
      report(
        'secret-plain',
        `Secret \`${alias}\` is still plain text; run the cipher tool to encrypt it (MI refuses plain secrets unless started with -DencryptSecrets=true).`,
        entry.value.range,
      );
    }
  }
}

function renameSecretEdits(doc: TomlDocument, entry: TomlKeyValue, from: string, to: string): TextEdit[] {
  const edits: TextEdit[] = [renameKeyEdit(doc, entry, [to])];
  const needle = `$secret{${from}}`;
  for (const t of doc.tables) {
    for (const e of t.entries) {
      if (e.value.type === 'string' && e.value.raw.includes(needle)) {
        edits.push({ file: doc.file, range: e.value.range, newText: e.value.raw.split(needle).join(`$secret{${to}}`) });
      }
    }
  }
  return edits;
}

function checkSecretReferences(doc: TomlDocument, entry: TomlKeyValue, aliases: ReadonlySet<string>, report: Report): void {
  if (entry.value.type !== 'string') return;
  const value = entry.value.value as string;
  for (const m of value.matchAll(SECRET_REF)) {
    const alias = m[1];
    if (!SECRET_ALIAS.test(alias)) {
      report('secret-alias-invalid', `Secret alias \`${alias}\` has characters outside [A-Za-z0-9_]; MI cannot resolve it.`, entry.value.range);
    } else if (!aliases.has(alias)) {
      report(
        'secret-undefined',
        `\`$secret{${alias}}\` names no alias of [secrets]; MI exits with "Secret references can't be resolved for ${alias}".`,
        entry.value.range,
        [{ title: `Add \`${alias}\` to [secrets]`, edits: setValueEdits(doc, 'secrets', [alias], '"[]"') }],
      );
    }
  }
}
