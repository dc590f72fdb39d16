/**
 * The keys and tables MI reads (the schema built from MI's config-mapper data): a table MI no longer
 * reads, a key it ignores (often a typo, with did-you-mean fixes), a value of the wrong TOML type, a
 * store `type` outside the closed set.
 */
import type { Fix } from '../../problem';
import type { TomlDocument, TomlKeyValue, TomlTable } from '../../config/toml';
import { consumersOfTable, isKnownKey, isKnownTable, isModeledLocation, knownKeyList, knownTableList, lookupKey, tableKeys, tableSpec, type KeySpec } from '../../config/schema';
import { renameKeyEdit, renameTableEdit, tomlString } from '../../config/edit';
import type { DocumentRule, Report } from '../rule';
import { isLiteralString, liveTables } from './shared';

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

/**
 * `[transport.https] listener.port` is the HTTPS listener's port to the person who wrote it, but MI reads it
 * as `[transport.http] listener.secured_port` (key-mappings.json): the `secured_` twin of an HTTPS key, when
 * MI has one. The nearest spelling (`[transport.http] listener.port`) would move the plain HTTP listener.
 */
function securedTwin(fullKey: string): string | undefined {
  const m = /^transport\.(blocking\.|netty\.)?https\.(listener|sender)\.([a-z_]+)$/.exec(fullKey.toLowerCase());
  const twin = m && `transport.${m[1] ?? ''}http.${m[2]}.${m[3].startsWith('secured_') ? m[3] : `secured_${m[3]}`}`;
  return twin && isKnownKey(twin) ? twin : undefined;
}

/** `obsolete-table`, `unknown-key`, `wrong-value-type`, `invalid-store-type`. */
export const schemaKeysRule: DocumentRule = {
  id: 'schema-keys',
  description: 'Every table and key is one MI reads, with a value of the type MI expects.',
  scope: 'document',
  codes: [
    {
      code: 'unknown-key',
      severity: 'warning',
      doc: 'A key MI does not read in a keystore-related table; MI ignores it silently (often a typo).',
      advice: 'Quick fix: rename to the key MI reads (did-you-mean).',
    },
    {
      code: 'unknown-table',
      severity: 'warning',
      doc: 'A table MI does not read and whose name is close to one it does (`[truststores]`, `[keystore.primery]`); MI ignores it silently.',
      advice: 'Quick fix: rename the table to the one MI reads.',
    },
    {
      code: 'obsolete-table',
      severity: 'warning',
      doc: 'A table MI 4.x no longer reads, such as [keystore.tls] (MI 1.1.0 only).',
      advice: 'Quick fix: rename `[keystore.tls]` to `[keystore.primary]`.',
    },
    {
      code: 'wrong-value-type',
      severity: 'error',
      doc: 'A value of the wrong TOML type for its key (for example a number where MI expects a string).',
      advice: 'Write the value as the type the schema names (usually a quoted string).',
    },
    {
      code: 'invalid-store-type',
      severity: 'error',
      doc: 'A keystore `type` the JDK has no keystore for (`P12`, `PKCS#12`, `BKS`, …): MI cannot load the store. JKS and PKCS12 are what MI documents; JCEKS and BCFKS (with the Bouncy Castle FIPS provider) load too.',
      advice: 'Quick fix: set `type` to `JKS` or `PKCS12`.',
    },
  ],
  check({ document: doc, report }) {
    for (const table of doc.tables) checkObsolete(doc, table, report);
    for (const table of liveTables(doc)) {
      // The keys of a misspelt table are all ignored with it: the table's finding says so once.
      const misspeltTable = checkUnknownTable(doc, table, report);
      for (const entry of table.entries) {
        const ks = lookupKey(table.name, entry.keyParts);
        if (!ks) {
          if (table.name === 'secrets') continue;
          if (isModeledLocation(table.name, entry.keyParts)) checkUnknownKey(doc, table, entry, report);
          else if (!misspeltTable) checkMisspeltDottedKey(doc, table, entry, report);
          continue;
        }
        checkValue(doc, table, entry, ks, report);
      }
    }
  },
};

/** `[a.b]` + `c.d`, or `a.b.c.d` at the root: the full dotted key. */
function fullKeyOf(table: TomlTable, entry: TomlKeyValue): string {
  return [table.name, ...entry.keyParts].filter((p) => p !== '').join('.');
}

/** The known names within a small edit distance of `name` (same number of parts), closest first. */
function closeNames(name: string, known: readonly string[]): string[] {
  const parts = name.split('.').length;
  const max = name.length < 8 ? 1 : 2;
  return known
    .filter((k) => Math.abs(k.length - name.length) <= max && k.split('.').length === parts)
    .map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) }))
    .filter(({ d }) => d > 0 && d <= max)
    .sort((a, b) => a.d - b.d || (a.k < b.k ? -1 : 1))
    .map(({ k }) => k)
    .slice(0, 3);
}

/**
 * A key MI does not know written dotted under a parent table or at the root (`[keystore]` +
 * `primary.filename`), or under a table next to the one MI reads (`[transport.https]` +
 * `listener.secured_port`). Reported only when MI knows a key close to it: a key that is merely not in
 * our data may still be one MI reads.
 */
function checkMisspeltDottedKey(doc: TomlDocument, table: TomlTable, entry: TomlKeyValue, report: Report): void {
  if (table.isArrayTable) return;
  const full = fullKeyOf(table, entry);
  if (isKnownKey(full)) return;
  // Inside a modelled table reached through a parent (`[keystore]` + `primary.x`): the schema's suggestions.
  const parts = full.split('.');
  let suggestions: string[] = [];
  for (let i = parts.length - 1; i >= 1 && suggestions.length === 0; i--) {
    const t = parts.slice(0, i).join('.');
    const spec = tableSpec(t);
    if (!spec || spec.array || spec.obsolete || !isModeledLocation(t, parts.slice(i))) continue;
    suggestions = suggestKeysOf(t, parts.slice(i), new Set()).map((k) => `${t}.${k}`);
  }
  // A whole key MI reads, pasted under another table (`[server]` + `keystore.primary.file_name` is
  // `server.keystore.primary.file_name`): the table it belongs to.
  const pasted = entry.keyParts.join('.');
  if (suggestions.length === 0 && table.name !== '' && entry.keyParts.length > 1 && isKnownKey(pasted)) suggestions = [pasted];
  if (suggestions.length === 0) {
    const last = parts[parts.length - 1].toLowerCase();
    const swapped = (KNOWN_MISTAKES[last] ?? []).map((n) => [...parts.slice(0, -1), n].join('.')).filter((k) => isKnownKey(k));
    const twin = securedTwin(full);
    // The twin alone when there is one: the close spellings are the plain-HTTP keys it must not be confused with.
    suggestions = twin ? [twin] : [...new Set([...swapped, ...closeNames(full, knownKeyList())])].slice(0, 3);
  }
  if (suggestions.length === 0) return;
  const prefix = table.name ? `${table.name}.` : '';
  const relative = (k: string): string | null => (k.startsWith(prefix) ? k.slice(prefix.length) : null);
  const shown = (k: string): string => {
    const rel = relative(k);
    if (rel !== null) return `\`${rel}\``;
    const owner = knownTableOf(k);
    return owner ? `[${owner}] \`${k.slice(owner.length + 1)}\`` : `\`${k}\``;
  };
  const where = table.name ? ` in [${table.name}]` : ' at the top of the file';
  report('unknown-key', {
    message: `MI does not read \`${entry.keyParts.join('.')}\`${where} and silently ignores it; did you mean ${suggestions.map(shown).join(' or ')}?`,
    range: entry.keyRange,
    fixes: renameFixes(doc, entry, suggestions.map(relative).filter((k): k is string => k !== null)),
  });
}

/** The longest known table that holds `fullKey` (for naming a suggestion as `[table] key`). */
function knownTableOf(fullKey: string): string | undefined {
  const parts = fullKey.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const t = parts.slice(0, i).join('.');
    if (tableSpec(t) || (i <= 2 && isKnownTable(t))) return t;
  }
  return undefined;
}

/** `unknown-table`: a header MI does not know, close to one it does. */
function checkUnknownTable(doc: TomlDocument, table: TomlTable, report: Report): boolean {
  if (!table.headerRange || !table.name || isKnownTable(table.name) || tableSpec(table.name)) return false;
  const close = closeNames(table.name, knownTableList());
  if (close.length === 0) return false;
  const taken = new Set(doc.tables.map((t) => t.name));
  report('unknown-table', {
    message: `MI does not read [${table.name}] and silently ignores every key in it; did you mean ${close.map((c) => `[${c}]`).join(' or ')}?`,
    range: table.headerRange,
    fixes: close.filter((c) => !taken.has(c)).map((c, i, all) => ({ title: `Rename to [${c}]`, preferred: i === 0 && all.length === 1, edits: [renameTableEdit(doc, table, c)] })),
  });
  return true;
}

function checkObsolete(doc: TomlDocument, table: TomlTable, report: Report): void {
  const spec = tableSpec(table.name);
  if (!spec?.obsolete || !table.headerRange) return;
  const targetExists = doc.tables.some((t) => t.name === spec.obsolete);
  report('obsolete-table', {
    message: `[${table.name}] is not read by MI 4.x (it existed only in MI 1.1.0); did you mean [${spec.obsolete}]?`,
    range: table.headerRange,
    fixes: [
      {
        title: `Rename to [${spec.obsolete}]`,
        // Renaming next to an existing [keystore.primary] would create a duplicate table.
        preferred: !targetExists,
        safe: !targetExists,
        edits: [renameTableEdit(doc, table, spec.obsolete)],
      },
    ],
  });
}

function checkUnknownKey(doc: TomlDocument, table: TomlTable, entry: TomlKeyValue, report: Report): void {
  const key = entry.keyParts.join('.');
  const suggestions = suggestKeys(table, entry.keyParts);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : '.';
  report('unknown-key', {
    message: `MI does not read \`${key}\` in [${table.name}] and silently ignores it${hint}`,
    range: entry.keyRange,
    fixes: renameFixes(doc, entry, suggestions),
  });
}

/** "Change to `k`" for each suggested key (relative to the table) that can be written where the key is; preferred when it is the only one. */
function renameFixes(doc: TomlDocument, entry: TomlKeyValue, keys: readonly string[]): Fix[] {
  const fixes = keys.flatMap((k) => {
    const edit = renameKeyEdit(doc, entry, k);
    return edit ? [{ title: `Change to \`${k}\``, edits: [edit] }] : [];
  });
  return fixes.map((f) => ({ ...f, preferred: fixes.length === 1 }));
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
  return suggestKeysOf(table.name, parts, keysOf(table));
}

/** Keys of the schema table `tableName` close to `parts`, those in `present` excepted. */
function suggestKeysOf(tableName: string, parts: readonly string[], present: ReadonlySet<string>): string[] {
  const prefix = parts.slice(0, -1).join('.');
  const last = parts[parts.length - 1].toLowerCase();
  const candidates = tableKeys(tableName).filter((k) => !k.ignored && !present.has(k.key));
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

/**
 * Store types KeyStore.getInstance finds and `load(stream, password)` reads (upper case; the JDK's lookup
 * ignores case), beyond the ones MI documents. Not DKS: a domain keystore loads only from its own parameter.
 */
const LOADABLE_STORE_TYPES = new Set(['JKS', 'PKCS12', 'JCEKS', 'CASEEXACTJKS', 'BCFKS']);

function checkValue(doc: TomlDocument, table: TomlTable, entry: TomlKeyValue, ks: KeySpec, report: Report): void {
  const v = entry.value;
  const key = entry.keyParts.join('.');
  if (!typeMatches(ks, entry)) {
    const fixes: Fix[] =
      ks.type === 'string' && (v.type === 'integer' || v.type === 'float' || v.type === 'boolean')
        ? [{ title: `Quote the value: ${tomlString(v.raw)}`, preferred: true, safe: true, edits: [{ file: doc.file, range: v.range, newText: tomlString(v.raw) }] }]
        : [];
    const shown = ks.secret ? 'a value' : `\`${v.raw}\``;
    report('wrong-value-type', { message: `\`${key}\` must be ${article(ks.type)}, not ${shown} of type ${v.type}.`, range: v.range, fixes });
    return;
  }
  if (!isLiteralString(entry)) return;
  const value = entry.value.value;
  // MI loads a store with KeyStore.getInstance(type): any type the JDK provides loads (JCEKS too, though MI
  // documents JKS and PKCS12), and BCFKS with the Bouncy Castle FIPS provider, which MI loads from
  // `[jce_provider]` (4.6) or from `-Dsecurity.jce.provider=BCFIPS` on its command line (MI's "Configure the
  // Crypto Provider" page), which deployment.toml does not show.
  const loadable = LOADABLE_STORE_TYPES.has(value.toUpperCase());
  if (ks.role === 'type' && value !== '' && ks.allowed && !loadable && !ks.allowed.some((a) => a.toLowerCase() === value.toLowerCase())) {
    const guess = guessStoreType(table, ks);
    report('invalid-store-type', {
      message: `\`${key}\` is \`${value}\`; MI documents ${ks.allowed.map((a) => `\`${a}\``).join(' and ')}.`,
      range: v.range,
      fixes: ks.allowed.map((a) => ({ title: `Change to ${a}`, preferred: a === guess, edits: [{ file: doc.file, range: v.range, newText: tomlString(a) }] })),
    });
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
