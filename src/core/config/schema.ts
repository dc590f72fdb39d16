/**
 * The keystore-related keys MI reads from deployment.toml: type, default, allowed values and a doc
 * string for each. The data (./schemaData.json) is derived from MI's config-mapper `default.json` and
 * `key-mappings.json` by `scripts/make-schema.mjs`; its `origin` field names the MI commit.
 */
import data from './schemaData.json';

/** The TOML type a key takes. */
export type KeyType = 'string' | 'integer' | 'boolean';

/** What a key means to a keystore consumer. */
export type KeyRole = 'file' | 'type' | 'password' | 'alias' | 'key_password';

/** One key MI reads, relative to its table. */
export interface KeySpec {
  /** The table the key lives in (`keystore.primary`, `transport.http`, `custom_transport.listener`). */
  readonly table: string;
  /** The key relative to the table, dotted (`listener.keystore.location`). */
  readonly key: string;
  /** `table.key`. */
  readonly fullKey: string;
  readonly type: KeyType;
  /** The value MI uses when the key is absent (after resolving `ref`). */
  readonly default?: string | number | boolean;
  /** The key this one defaults to, from `"$ref{...}"` in default.json (e.g. `keystore.primary.password`). */
  readonly ref?: string;
  /** The only values MI accepts, when it is a closed set. */
  readonly allowed?: readonly string[];
  /** Markdown for a person. */
  readonly doc: string;
  /** Present in WSO2's shipped files but read by no MI template. */
  readonly ignored?: boolean;
  /** A password: never shown, a candidate for `$secret{}`. */
  readonly secret?: boolean;
  /** What the key is to its keystore consumer. */
  readonly role?: KeyRole;
}

/** A table of the schema. */
export interface TableSpec {
  readonly name: string;
  /** `[[name]]`: each element is one consumer. */
  readonly array: boolean;
  /** True when every key MI reads in the table is modelled: any other key is unknown. */
  readonly closed: boolean;
  /** For open tables: key prefixes inside which the keys are fully modelled (unknown ones flagged). */
  readonly modeledPrefixes: readonly string[];
  /** The table MI reads instead, for a table MI no longer reads. */
  readonly obsolete?: string;
  readonly doc: string;
  readonly keys: readonly KeySpec[];
}

/** One place MI loads a keystore or truststore from, and the keys that configure it. */
export interface KeystoreConsumer {
  /** Stable id: `primary`, `internal`, `truststore`, `https-listener-keystore`, ... */
  readonly id: string;
  /** For people: "HTTPS listener keystore". */
  readonly label: string;
  readonly table: string;
  readonly array: boolean;
  readonly role: 'keystore' | 'truststore';
  /** The keys (relative to the table) for each field; absent fields are not configurable there. */
  readonly keys: {
    readonly file: string;
    readonly type: string;
    readonly password: string;
    readonly alias?: string;
    readonly keyPassword?: string;
  };
}

interface RawKey {
  key: string;
  type: string;
  doc: string;
  default?: string | number | boolean;
  ref?: string;
  allowed?: string[];
  ignored?: boolean;
  secret?: boolean;
  role?: string;
}

interface RawTable {
  name: string;
  array?: boolean;
  closed: boolean;
  modeledPrefixes?: string[];
  obsolete?: string;
  doc: string;
  keys: RawKey[];
}

const TABLES: readonly TableSpec[] = (data.tables as RawTable[]).map((t) => ({
  name: t.name,
  array: t.array === true,
  closed: t.closed,
  modeledPrefixes: t.modeledPrefixes ?? [],
  obsolete: t.obsolete,
  doc: t.doc,
  keys: t.keys.map((k) => ({
    table: t.name,
    key: k.key,
    fullKey: `${t.name}.${k.key}`,
    type: k.type as KeyType,
    default: k.default,
    ref: k.ref,
    allowed: k.allowed,
    doc: k.doc,
    ignored: k.ignored,
    secret: k.secret,
    role: k.role as KeyRole | undefined,
  })),
}));

const BY_TABLE = new Map(TABLES.map((t) => [t.name, t]));
const BY_FULL_KEY = new Map<string, KeySpec>();
for (const t of TABLES) for (const k of t.keys) BY_FULL_KEY.set(k.fullKey, k);

/** Where the schema data comes from (MI repository, commit, files, license). */
export const SCHEMA_ORIGIN: Readonly<Record<string, unknown>> = data.origin;

/** The spec of a table, or undefined for a table the schema does not model. */
export function tableSpec(tableName: string): TableSpec | undefined {
  return BY_TABLE.get(tableName);
}

/**
 * The spec of `keyParts` written in `[tableName]`, or undefined. Also finds keys written dotted in
 * a parent table (`[transport]` + `http.listener.keystore.location`) or at the root.
 */
export function lookupKey(tableName: string, keyParts: readonly string[]): KeySpec | undefined {
  const direct = BY_TABLE.get(tableName)?.keys.find((k) => k.key === keyParts.join('.'));
  if (direct) return direct;
  const full = [tableName, ...keyParts].filter((p) => p !== '').join('.');
  const spec = BY_FULL_KEY.get(full);
  // Array tables can only be written as [[headers]]: a dotted key cannot reach them.
  return spec && !BY_TABLE.get(spec.table)?.array ? spec : undefined;
}

/** Every key MI reads in `tableName` (empty for a table the schema does not model). */
export function tableKeys(tableName: string): KeySpec[] {
  return [...(BY_TABLE.get(tableName)?.keys ?? [])];
}

/** The names of every modelled table MI 4.x reads (obsolete ones excluded). */
export function knownTables(): string[] {
  return TABLES.filter((t) => !t.obsolete).map((t) => t.name);
}

/** Every table spec, obsolete ones included. */
export function allTableSpecs(): readonly TableSpec[] {
  return TABLES;
}

/**
 * Whether `[tableName]` + `keyParts` lies where the schema knows every key, so a key not in the
 * schema is a mistake MI would silently ignore.
 */
export function isModeledLocation(tableName: string, keyParts: readonly string[]): boolean {
  const t = BY_TABLE.get(tableName);
  if (!t) return false;
  if (t.closed) return true;
  const key = keyParts.join('.');
  return t.modeledPrefixes.some((p) => key.startsWith(`${p}.`));
}

const LABELS: Record<string, string> = {
  'keystore.primary': 'Primary keystore',
  'keystore.internal': 'Internal keystore',
  truststore: 'Truststore',
  'transport.http listener.keystore': 'HTTPS listener keystore',
  'transport.http listener.truststore': 'HTTPS listener truststore',
  'transport.http sender.keystore': 'HTTPS sender keystore',
  'transport.http sender.truststore': 'HTTPS sender truststore',
  'transport.vfs listener.keystore': 'VFS listener keystore',
  'internal_api_ssl_config key_store': 'Management API keystore',
  'internal_api_ssl_config trust_store': 'Management API truststore',
};

/** Groups a table's role-carrying keys by prefix into consumers. */
function consumersOf(t: TableSpec): KeystoreConsumer[] {
  const groups = new Map<string, Map<KeyRole, string>>();
  for (const k of t.keys) {
    if (!k.role || k.ignored) continue;
    // RabbitMQ writes `parameter.keystore_location`: the store is named in the last part.
    const rabbit = /^(.*)\.((?:key|trust)store)_\w+$/.exec(k.key);
    const prefix = rabbit ? `${rabbit[1]}.${rabbit[2]}` : k.key.includes('.') ? k.key.slice(0, k.key.lastIndexOf('.')) : '';
    let g = groups.get(prefix);
    if (!g) groups.set(prefix, (g = new Map()));
    g.set(k.role, k.key);
  }
  const out: KeystoreConsumer[] = [];
  for (const [prefix, g] of groups) {
    const file = g.get('file');
    const type = g.get('type');
    const password = g.get('password');
    if (!file || !type || !password) continue;
    const truststore = /trust/.test(prefix) || t.name === 'truststore';
    const labelKey = prefix ? `${t.name} ${prefix}` : t.name;
    const id = `${t.name}.${prefix}`
      .replace(/^keystore\.(\w+)\.$/, '$1')
      .replace(/\.$/, '')
      .replace(/^transport\.http\./, 'https.')
      .replace(/^transport\.(?:(blocking)\.)?/, '$1.')
      .replace(/^internal_api_ssl_config\.(key|trust)_store/, 'internal-api.$1store')
      .replace(/parameter\./, '')
      .replace(/^\./, '')
      .replace(/[._]/g, '-');
    const generated = `${t.name.replace(/^transport\./, '').replace(/[._]/g, ' ')} ${truststore ? 'truststore' : 'keystore'}`;
    out.push({
      id,
      label: LABELS[labelKey] ?? generated,
      table: t.name,
      array: t.array,
      role: truststore ? 'truststore' : 'keystore',
      keys: { file, type, password, alias: g.get('alias'), keyPassword: g.get('key_password') },
    });
  }
  return out;
}

/**
 * Every keystore consumer MI has: primary, internal, truststore, HTTPS listener/sender
 * keystore/truststore, VFS listener keystore, Management API keystore/truststore, custom transports
 * and RabbitMQ (array tables: one consumer per `[[element]]`). `[keystore.tls]` is not among them.
 */
export const KEYSTORE_TABLES: readonly KeystoreConsumer[] = TABLES.filter((t) => !t.obsolete).flatMap(consumersOf);

/** The consumers configured in `[tableName]` (several for `[transport.http]`). */
export function consumersOfTable(tableName: string): KeystoreConsumer[] {
  return KEYSTORE_TABLES.filter((c) => c.table === tableName);
}

const KNOWN = data.known as { keys: string[]; open: string[] };
const KNOWN_KEYS = new Set(KNOWN.keys);
const KNOWN_TABLES = new Set(KNOWN.keys.flatMap((k) => k.split('.').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('.'))));
for (const o of KNOWN.open) for (let i = 1; i <= o.split('.').length; i++) KNOWN_TABLES.add(o.split('.').slice(0, i).join('.'));

/** The open maps whose keys MI passes through unchecked (`transport.vfs.listener.parameter`). */
function underOpenMap(fullKey: string): boolean {
  return KNOWN.open.some((o) => fullKey === o || fullKey.startsWith(`${o}.`));
}

/**
 * Whether MI 4.4 or 4.6 knows the dotted key (from its config-mapper data or templates), an open map
 * of it, or a table above known keys (`transport.http.proxy_profile`).
 */
export function isKnownKey(fullKey: string): boolean {
  return KNOWN_KEYS.has(fullKey) || underOpenMap(fullKey) || KNOWN_TABLES.has(fullKey);
}

/** Whether `name` is a table (a prefix of known keys) MI 4.4 or 4.6 reads. */
export function isKnownTable(name: string): boolean {
  return KNOWN_TABLES.has(name) || underOpenMap(name);
}

/** Every key MI 4.4 or 4.6 knows (not those under open maps). */
export function knownKeyList(): readonly string[] {
  return KNOWN.keys;
}

/** Every table name MI 4.4 or 4.6 knows. */
export function knownTableList(): readonly string[] {
  return [...KNOWN_TABLES];
}
