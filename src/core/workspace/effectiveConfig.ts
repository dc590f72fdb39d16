/**
 * The effective keystore configuration of an MI workspace: for every consumer of a keystore (primary,
 * internal, truststore, HTTPS listener/sender, VFS listener, internal API, custom and RabbitMQ
 * transports) the file, type, password, alias and key password MI will use, each with where it came
 * from: a line of deployment.toml, or a built-in default reached through `$ref` (docs/mi-configuration.md; the
 * defaults are those of MI's config mapper `default.json`).
 *
 * Anchors (where a problem about a value is shown, "the line a person would fix"):
 * - the value's line when the consumer's own table writes it (a written `$ref{}` included);
 * - else the header of the consumer's own table, when the file has it (a `[keystore.internal]` that
 *   changes `file_name` but leaves `password` to the primary's gets the problem on its header);
 * - else the line it is inherited from (`[keystore.primary] password` for a transport without a table);
 * - else the anchor of the key it inherits from, recursively (the `[keystore.primary]` header);
 * - else the start of the file (line 1, column 1): a fully default `[keystore.primary]` has no line, and
 *   that is where a fix inserts the table.
 */
import * as path from 'node:path';
import type { Range } from '../problem';
import type { TomlDocument, TomlKeyValue, TomlTable } from '../config/toml';
import type { MiWorkspace } from './discover';
import { resolveStorePath, type ResolvedStorePath } from './resolvePath';
import { parseSslProfiles, type SslProfileStore, type XmlValue } from './sslProfiles';
import type { DockerCopy } from './project';
import { KEYSTORE_TABLES, lookupKey, type KeystoreConsumer } from '../config/schema';

/** Where a value came from. */
export type Origin =
  | {
      readonly kind: 'line';
      /** Range of the value text. */
      readonly range: Range;
      /** Full dotted key of the line (`keystore.primary.password`). */
      readonly key: string;
      /** The `$ref` target through which this line was reached, when it is not the consumer's own key. */
      readonly via?: string;
    }
  | {
      readonly kind: 'default';
      /** The key whose built-in default applies, when reached through `$ref` (`keystore.primary.password`). */
      readonly via?: string;
    };

/** A configured value with its origin and the range problems about it are shown on. */
export interface Sourced<T = string> {
  readonly value: T;
  readonly origin: Origin;
  readonly anchor: Range;
  /** The consumer's own full key for this value (what a fix writes). */
  readonly key: string;
  /**
   * The value as written, when it holds a `$env{}`/`$sys{}`/`$secret{}` reference: messages quote this,
   * never the expansion (which may come from the environment).
   */
  readonly written?: string;
  /** The first reference of the value that cannot be resolved here (`$sys{ks.type}`); `value` is then not MI's. */
  readonly unresolved?: string;
}

/** How a password is given. */
export type PasswordState = 'plain' | 'env' | 'secret' | 'sys' | 'default';

/** A password: its value when known (never printed), else why not. */
export interface PasswordValue {
  readonly state: PasswordState;
  /** The clear password; undefined when it cannot be resolved here. */
  readonly value?: string;
  readonly origin: Origin;
  readonly anchor: Range;
  readonly key: string;
  /** The value exactly as written (`"$secret{x}"`, `"wso2carbon"`), for fixes that copy it. */
  readonly raw: string;
  readonly secretAlias?: string;
  readonly envVar?: string;
  readonly sysProperty?: string;
}

/**
 * The consumer a store belongs to: the schema's consumer id without its `-keystore`/`-truststore`
 * suffix (`primary`, `internal`, `truststore`, `https-listener`, `vfs-listener`, `internal-api`,
 * `custom-transport-listener`, `rabbitmq-sender`, ...).
 */
export type ConsumerId = string;

/**
 * How the consumer reads private keys: with the store password (primary/internal: MI's KeyStoreManager),
 * with a separate key password (transports: JSSE KeyManagerFactory.init(ks, keyPassword)), or not at all.
 */
export type KeyRecovery = 'store-password' | 'key-password' | 'none';

/** One consumer's effective store. */
export interface EffectiveStore {
  /** Unique in the workspace: `primary`, `https-listener.truststore`, `custom-transport-listener[1].keystore`. */
  readonly id: string;
  readonly consumer: ConsumerId;
  /** For messages: `primary keystore`, `HTTPS listener truststore`. */
  readonly label: string;
  /** Table the consumer's keys belong to (`keystore.primary`, `transport.http`, `custom_transport.listener`). */
  readonly table: string;
  /** The consumer's own table in the file (the instance for array tables), or null when absent. */
  readonly tableNode: TomlTable | null;
  readonly role: 'keystore' | 'truststore';
  readonly keyRecovery: KeyRecovery;
  readonly file: Sourced<string>;
  /** The resolved path (see resolvePath.ts); null when it points only into a container. */
  readonly path: string | null;
  readonly resolved: ResolvedStorePath;
  /** The configured type; null when the consumer has no type and no default. */
  readonly type: Sourced<string> | null;
  /** null when neither written nor defaulted (custom transports). */
  readonly password: PasswordValue | null;
  readonly alias?: Sourced<string>;
  readonly keyPassword?: PasswordValue;
  /** The file the values are written in when it is not deployment.toml (a dynamic SSL profile XML). */
  readonly sourceFile?: string;
  /**
   * The setting that keeps MI from rendering this consumer (`transport.vfs.listener.enable = false`):
   * MI never opens its store, so nothing about it is checked.
   */
  readonly disabled?: string;
}

/** The effective configuration of one workspace. */
export interface EffectiveConfig {
  readonly workspace: MiWorkspace;
  readonly document: TomlDocument;
  readonly stores: readonly EffectiveStore[];
  /** The dynamic SSL profile files configured (and rendered), whether or not they exist. */
  readonly sslProfiles?: readonly EffectiveSslProfile[];
}

/** Where `$secret` and `$env` values come from. */
export interface ResolveOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `$secret{alias}` → the clear value, supplied by the caller (CLI flag, the extension's secret storage). */
  readonly secretPasswords?: Readonly<Record<string, string>>;
  /** The project's Dockerfile COPY lines, for path resolution in integration projects. */
  readonly dockerCopies?: readonly DockerCopy[];
  /** An untrusted workspace's folder: store paths outside it are resolved as text, never stat'ed. */
  readonly statWithin?: string;
  /**
   * Read the dynamic SSL profile files `ssl_profile.file_path` names and add their stores (default
   * false: only the check run, which knows whether it may read outside the workspace, asks for it).
   */
  readonly readSslProfiles?: (file: string) => string | null;
}

/** A dynamic SSL profile file of the HTTPS listener or sender. */
export interface EffectiveSslProfile {
  /** `https-listener` or `https-sender`. */
  readonly consumer: string;
  readonly file: Sourced<string>;
  /** Resolved like a keystore path; null when it cannot be resolved here. */
  readonly path: string | null;
  readonly exists: boolean;
}

/** A key's default: a literal, or `$ref` to another key (MI's default.json, through the schema). */
export type DefaultSpec = { readonly literal: string } | { readonly ref: string };

const defaultCache = new Map<string, DefaultSpec | null>();

/** The default MI applies to an absent key (full dotted key), or null when it has none. */
export function defaultSpecOf(fullKey: string, table?: string): DefaultSpec | null {
  const cacheKey = `${table ?? ''}|${fullKey}`;
  const hit = defaultCache.get(cacheKey);
  if (hit !== undefined) return hit;
  const spec = table ? lookupKey(table, fullKey.slice(table.length + 1).split('.')) : lookupKey('', fullKey.split('.'));
  const result: DefaultSpec | null = spec?.ref
    ? { ref: spec.ref }
    : spec?.default !== undefined
      ? { literal: String(spec.default) }
      : null;
  defaultCache.set(cacheKey, result);
  return result;
}

interface ConsumerSpec {
  readonly id: string;
  readonly consumer: ConsumerId;
  readonly label: string;
  readonly table: string;
  readonly array: boolean;
  readonly role: 'keystore' | 'truststore';
  readonly keyRecovery: KeyRecovery;
  readonly keys: KeystoreConsumer['keys'];
}

/** How each consumer opens keys: MI's KeyStoreManager and the RabbitMQ client use the store password. */
function keyRecoveryOf(c: KeystoreConsumer): KeyRecovery {
  if (c.role === 'truststore') return 'none';
  if (c.id === 'primary' || c.id === 'internal' || /rabbitmq/.test(c.id)) return 'store-password';
  return 'key-password';
}

/** Every consumer, in the schema's order (primary first: the first user of a store reports its problems). */
const CONSUMERS: readonly ConsumerSpec[] = KEYSTORE_TABLES.map((c) => ({
  id: c.id,
  consumer: c.id.replace(/-(?:key|trust)store$/, ''),
  // Labels go mid-sentence: "the primary keystore", but "the HTTPS listener keystore".
  label: /^[A-Z]{2}/.test(c.label) ? c.label : c.label.charAt(0).toLowerCase() + c.label.slice(1),
  table: c.table,
  array: c.array,
  role: c.role,
  keyRecovery: keyRecoveryOf(c),
  keys: c.keys,
}));

/**
 * Where a finding about a value nobody wrote goes when no table inherits it: the first line that is not
 * blank or a comment (line 1 of an empty file), its first word underlined.
 */
export function firstContentLine(doc: TomlDocument): Range {
  const lines = doc.text.slice(0, 64 * 1024).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)([^\s#][^\s=]*)/.exec(lines[i]);
    if (m) return { start: { line: i, character: m[1].length }, end: { line: i, character: m[1].length + m[2].length } };
  }
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

/** The value text of a TOML entry as MI sees it (numbers and booleans as their source text). */
function entryText(e: TomlKeyValue): string {
  return e.value.type === 'string' ? String(e.value.value) : e.value.raw;
}

/** Index of the written keys of a document: non-array tables by full key; array table instances apart. */
class KeyIndex {
  readonly single = new Map<string, TomlKeyValue>();
  readonly tableOfKey = new Map<string, TomlTable>();
  readonly headers = new Map<string, TomlTable>();

  constructor(readonly doc: TomlDocument) {
    for (const table of doc.tables) {
      if (table.isArrayTable || this.underArray(table)) continue;
      if (table.headerRange && !this.headers.has(table.name)) this.headers.set(table.name, table);
      for (const e of table.entries) {
        if (!this.single.has(e.fullKey)) {
          this.single.set(e.fullKey, e);
          this.tableOfKey.set(e.fullKey, table);
        }
      }
    }
  }

  /** Sub-tables of an array table (`[[a]]` then `[a.b]`) belong to an instance, not to the global keys. */
  private underArray(table: TomlTable): boolean {
    return this.doc.tables.some((t) => t.isArrayTable && table.name.startsWith(t.name + '.'));
  }

  arrayInstances(name: string): TomlTable[] {
    return this.doc.tables.filter((t) => t.isArrayTable && t.name === name);
  }
}

interface Raw {
  readonly text: string;
  readonly origin: Origin;
  /** The written entry at the end of the chain (for `raw` text). */
  readonly entry?: TomlKeyValue;
}

const FULL_REF = /^\$ref\{([^}]+)\}$/;

/** Resolves a global key: written value (following a `$ref` in it), else its default (following `ref`). */
function resolveGlobal(index: KeyIndex, key: string, seen: Set<string>): Raw | null {
  if (seen.has(key)) return null; // A $ref cycle: MI would fail too; treat as unset.
  seen.add(key);
  const written = index.single.get(key);
  if (written) return followWritten(index, key, written, seen);
  const spec = defaultSpecOf(key);
  if (!spec) return null;
  if ('literal' in spec) return { text: spec.literal, origin: { kind: 'default' } };
  const target = resolveGlobal(index, spec.ref, seen);
  if (!target) return null;
  return target.origin.kind === 'line'
    ? { ...target, origin: { ...target.origin, via: target.origin.via ?? spec.ref } }
    : { ...target, origin: { kind: 'default', via: target.origin.via ?? spec.ref } };
}

/** A written value; a whole-value `$ref{k}` is followed, embedded ones are substituted. */
function followWritten(index: KeyIndex, key: string, written: TomlKeyValue, seen: Set<string>): Raw {
  const text = entryText(written);
  const m = FULL_REF.exec(text.trim());
  if (m) {
    const target = resolveGlobal(index, m[1], seen);
    if (target) {
      return target.origin.kind === 'line'
        ? { ...target, origin: { ...target.origin, via: target.origin.via ?? m[1] } }
        : { ...target, origin: { kind: 'default', via: target.origin.via ?? m[1] } };
    }
  }
  const substituted = text.replace(/\$ref\{([^}]+)\}/g, (all, k: string) => resolveGlobal(index, k, new Set(seen))?.text ?? all);
  return { text: substituted, origin: { kind: 'line', range: written.value.range, key }, entry: written };
}

/** Resolves `$env{}`, `$secret{}` and `$sys{}` of a password value. */
function passwordOf(raw: Raw, anchor: Range, key: string, doc: TomlDocument, options: ResolveOptions): PasswordValue {
  const rawText = raw.entry ? raw.entry.value.raw : JSON.stringify(raw.text);
  const base = { origin: raw.origin, anchor, key, raw: rawText };
  const text = raw.text.trim();
  let m = /^\$secret\{([^}]*)\}$/.exec(text);
  if (m) {
    const alias = m[1];
    const supplied = options.secretPasswords?.[alias];
    const plain = supplied ?? plainSecret(doc, alias);
    return { ...base, state: 'secret', secretAlias: alias, ...(plain !== undefined ? { value: plain } : {}) };
  }
  m = /^\$env\{([^}]*)\}$/.exec(text);
  if (m) {
    const value = options.env?.[m[1]];
    return { ...base, state: 'env', envVar: m[1], ...(value !== undefined ? { value } : {}) };
  }
  m = /^\$sys\{([^}]*)\}$/.exec(text);
  if (m) return { ...base, state: 'sys', sysProperty: m[1] };
  // A reference inside a longer value (`pre-$env{X}`, a `$$env{X}` typo): resolved the same way, or unknown.
  if (HAS_VALUE_REFERENCE.test(text)) {
    const r = resolveReferences(raw.text, doc, options);
    const u = r.unresolved ? /^\$(env|sys|secret)\{([^}]*)\}$/.exec(r.unresolved) : null;
    if (u?.[1] === 'env') return { ...base, state: 'env', envVar: u[2] };
    if (u?.[1] === 'sys') return { ...base, state: 'sys', sysProperty: u[2] };
    if (u) return { ...base, state: 'secret', secretAlias: u[2] };
    return { ...base, state: 'plain', value: r.value };
  }
  return { ...base, state: raw.origin.kind === 'default' ? 'default' : 'plain', value: raw.text };
}

/**
 * The clear text of a `[secrets]` value still written as `"[plain text]"`: MI (with -DencryptSecrets)
 * uses exactly that, so it is as known as a plain password.
 */
function plainSecret(doc: TomlDocument, alias: string): string | undefined {
  for (const t of doc.tables) {
    if (t.name !== 'secrets' || t.isArrayTable) continue;
    for (const e of t.entries) {
      if (e.keyParts.join('.') !== alias || e.value.type !== 'string') continue;
      const v = String(e.value.value);
      if (v.length >= 2 && v.startsWith('[') && v.endsWith(']')) return v.slice(1, -1);
    }
  }
  return undefined;
}

/** A reference MI resolves at start-up inside a value. */
const VALUE_REFERENCE = /\$(env|sys|secret)\{([^}]*)\}/g;
const HAS_VALUE_REFERENCE = /\$(?:env|sys|secret)\{[^}]*\}/;

/** Whether a value as written holds a `$env{}`, `$sys{}` or `$secret{}` reference (anywhere in it). */
export function hasValueReference(written: string): boolean {
  return HAS_VALUE_REFERENCE.test(written);
}

/**
 * Resolves the `$env{}`, `$sys{}` and `$secret{}` references of a value the way the config mapper
 * does, as far as they are known here: `$env{}` from the given environment, `$secret{}` from the
 * supplied secrets or a `[plain]` [secrets] value, `$sys{}` only for `carbon.home` at the start of a
 * path (resolvePath.ts takes it as MI_HOME). The first reference that stays unknown is returned.
 */
export function resolveReferences(text: string, doc: TomlDocument, options: ResolveOptions): { value: string; unresolved?: string } {
  let unresolved: string | undefined;
  const value = text.replace(VALUE_REFERENCE, (all: string, kind: string, name: string, at: number) => {
    let known: string | undefined;
    if (kind === 'env') known = options.env?.[name];
    else if (kind === 'secret') known = options.secretPasswords?.[name] ?? plainSecret(doc, name);
    else if (name === 'carbon.home' && at === 0) return all;
    if (known === undefined) unresolved ??= all;
    return known ?? all;
  });
  return unresolved === undefined ? { value } : { value, unresolved };
}

/** The settings that keep MI's templates from rendering a consumer (axis2.xml.j2), by consumer id prefix. */
const GATES: readonly { readonly consumer: RegExp; readonly key: string; readonly whenDefinedOnly: boolean }[] = [
  { consumer: /^https-listener-/, key: 'transport.http.listener.secured_enable', whenDefinedOnly: false },
  { consumer: /^https-sender-/, key: 'transport.http.sender.secured_enable', whenDefinedOnly: false },
  { consumer: /^vfs-listener-/, key: 'transport.vfs.listener.enable', whenDefinedOnly: false },
  // `{% if transport.rabbitmq.listener_enable is defined %}{% if ... %}`: only a written false disables.
  { consumer: /^rabbitmq-listener-/, key: 'transport.rabbitmq.listener_enable', whenDefinedOnly: true },
  { consumer: /^rabbitmq-sender-/, key: 'transport.rabbitmq.sender_enable', whenDefinedOnly: true },
];

/** The written setting that disables `consumerId` (`transport.vfs.listener.enable = false`), if any. */
function disabledBy(index: KeyIndex, consumerId: string): string | undefined {
  for (const g of GATES) {
    if (!g.consumer.test(consumerId)) continue;
    const written = index.single.get(g.key);
    if (!written) continue;
    const text = entryText(written).trim().toLowerCase();
    if (text === 'false') return `${g.key} = ${written.value.raw}`;
  }
  return undefined;
}

/** What building one store needs from the whole document. */
interface StoreBuildContext {
  readonly index: KeyIndex;
  readonly doc: TomlDocument;
  readonly workspace: MiWorkspace;
  readonly options: ResolveOptions;
  /** The anchor of a value that is not written: its own header, else the anchor of what it inherits from. */
  readonly defaultAnchor: (key: string) => Range;
  /** The first line of content, the anchor of last resort. */
  readonly fileStart: Range;
}

/** The effective store of one consumer (one element of an array table when `instance` is given), or null when it names no file. */
function buildStore(ctx: StoreBuildContext, spec: ConsumerSpec, instance: TomlTable | null, instanceNo: number | null): EffectiveStore | null {
  const { index, doc, workspace, options, defaultAnchor, fileStart: FILE_START } = ctx;
  const fullKey = (k: string) => `${spec.table}.${k}`;
  const resolve = (k: string): Raw | null => {
    if (!instance) return resolveGlobal(index, fullKey(k), new Set());
    const written = instance.entries.find((e) => e.fullKey === fullKey(k));
    if (written) return followWritten(index, fullKey(k), written, new Set([fullKey(k)]));
    // Array elements have no $ref defaults; a literal one (a type) still applies.
    const dflt = defaultSpecOf(fullKey(k), spec.table);
    return dflt && 'literal' in dflt ? { text: dflt.literal, origin: { kind: 'default' } } : null;
  };
  const ownTable = instance ?? index.tableOfKey.get(fullKey(spec.keys.file)) ?? index.headers.get(spec.table) ?? null;
  // Own line (even a `$ref` written there), else own table header, else where the value is inherited from.
  const anchorOf = (raw: Raw, k: string): Range => {
    const own = instance ? instance.entries.find((e) => e.fullKey === fullKey(k)) : index.single.get(fullKey(k));
    if (own) return own.value.range;
    if (ownTable?.headerRange) return ownTable.headerRange;
    if (raw.origin.kind === 'line') return raw.origin.range;
    return raw.origin.via ? defaultAnchor(raw.origin.via) : FILE_START;
  };
  const sourced = (k: string, raw: Raw, transform: (t: string) => string = (t) => t): Sourced<string> => {
    const r = resolveReferences(raw.text, doc, options);
    const written = raw.entry && HAS_VALUE_REFERENCE.test(raw.text) ? entryText(raw.entry) : undefined;
    return {
      value: transform(r.value),
      origin: raw.origin,
      anchor: anchorOf(raw, k),
      key: fullKey(k),
      ...(written !== undefined ? { written } : {}),
      ...(r.unresolved !== undefined ? { unresolved: r.unresolved } : {}),
    };
  };

  const fileRaw = resolve(spec.keys.file);
  if (!fileRaw || fileRaw.text.trim() === '') return null;
  const file = sourced(spec.keys.file, fileRaw, (t) => t.trim());
  // A path that depends on a value unknown here names no file on this machine.
  const resolved: ResolvedStorePath = file.unresolved
    ? { value: file.value, path: null, via: 'home', exists: false }
    : resolveStorePath(workspace, file.value, options.dockerCopies, options.statWithin);
  const disabled = disabledBy(index, spec.id);
  const typeRaw = resolve(spec.keys.type);
  const passwordRaw = resolve(spec.keys.password);
  const aliasRaw = spec.keys.alias ? resolve(spec.keys.alias) : null;
  const keyPasswordRaw = spec.keys.keyPassword ? resolve(spec.keys.keyPassword) : null;
  const id = instanceNo === null ? spec.id : `${spec.id}[${instanceNo}]`;
  return {
    id,
    consumer: spec.consumer,
    label: instanceNo === null ? spec.label : `${spec.label} #${instanceNo + 1}`,
    table: spec.table,
    tableNode: ownTable,
    role: spec.role,
    keyRecovery: spec.keyRecovery,
    file,
    path: resolved.path,
    resolved,
    type: typeRaw && typeRaw.text.trim() !== '' ? sourced(spec.keys.type, typeRaw, (t) => t.trim()) : null,
    password: passwordRaw ? passwordOf(passwordRaw, anchorOf(passwordRaw, spec.keys.password), fullKey(spec.keys.password), doc, options) : null,
    ...(aliasRaw && aliasRaw.text !== '' ? { alias: sourced(spec.keys.alias as string, aliasRaw) } : {}),
    ...(keyPasswordRaw && spec.keys.keyPassword
      ? { keyPassword: passwordOf(keyPasswordRaw, anchorOf(keyPasswordRaw, spec.keys.keyPassword), fullKey(spec.keys.keyPassword), doc, options) }
      : {}),
    ...(disabled !== undefined ? { disabled } : {}),
  };
}

/** Builds the effective configuration of `doc` in `workspace`. Pure apart from file existence checks. */
export function buildEffectiveConfig(doc: TomlDocument, workspace: MiWorkspace, options: ResolveOptions = {}): EffectiveConfig {
  const index = new KeyIndex(doc);
  const stores: EffectiveStore[] = [];
  const FILE_START = firstContentLine(doc);

  // The anchor of a value that is not written: own header, else the anchor of what it inherits from.
  // `$ref` targets are keys of single-part tables' parents (`keystore.primary.password`), so the table
  // is the key minus its last part.
  const defaultAnchor = (key: string, seen = new Set<string>()): Range => {
    if (seen.has(key)) return FILE_START;
    seen.add(key);
    const header = index.headers.get(key.split('.').slice(0, -1).join('.'));
    if (header?.headerRange) return header.headerRange;
    const spec = defaultSpecOf(key);
    return spec && 'ref' in spec ? defaultAnchor(spec.ref, seen) : FILE_START;
  };

  const ctx: StoreBuildContext = { index, doc, workspace, options, defaultAnchor, fileStart: FILE_START };
  const build = (spec: ConsumerSpec, instance: TomlTable | null, instanceNo: number | null) => buildStore(ctx, spec, instance, instanceNo);

  for (const spec of CONSUMERS) {
    if (!spec.array) {
      const store = build(spec, null, null);
      if (store) stores.push(store);
      continue;
    }
    index.arrayInstances(spec.table).forEach((instance, i) => {
      const store = build(spec, instance, i);
      if (store) stores.push(store);
    });
  }
  const sslProfiles = buildSslProfiles(index, doc, workspace, options, stores);
  return { workspace, document: doc, stores, ...(sslProfiles.length ? { sslProfiles } : {}) };
}

/** `[transport.http] listener/sender.ssl_profile.file_path`, and the stores their XML names. */
function buildSslProfiles(index: KeyIndex, doc: TomlDocument, workspace: MiWorkspace, options: ResolveOptions, stores: EffectiveStore[]): EffectiveSslProfile[] {
  const out: EffectiveSslProfile[] = [];
  for (const side of ['listener', 'sender'] as const) {
    const key = `transport.http.${side}.ssl_profile.file_path`;
    const written = index.single.get(key);
    const consumer = `https-${side}`;
    if (!written || disabledBy(index, `${consumer}-keystore`)) continue;
    const r = resolveReferences(entryText(written).trim(), doc, options);
    const file: Sourced<string> = {
      value: r.value,
      origin: { kind: 'line', range: written.value.range, key },
      anchor: written.value.range,
      key,
      ...(r.unresolved ? { unresolved: r.unresolved, written: entryText(written) } : {}),
    };
    const resolved = r.unresolved ? null : resolveStorePath(workspace, r.value, options.dockerCopies);
    out.push({ consumer, file, path: resolved?.path ?? null, exists: resolved?.exists ?? false });
    if (!resolved?.path || !resolved.exists || !options.readSslProfiles) continue;
    const xml = options.readSslProfiles(resolved.path);
    if (xml === null) continue;
    const xmlFile = resolved.path;
    // A block without <Location> names no file to check.
    const located = parseSslProfiles(xml)
      .flatMap((p) => [p.keystore, p.truststore])
      .filter((s): s is SslProfileStore & { location: XmlValue } => s?.location !== undefined);
    located.forEach((p, i) => {
      const src = (v: XmlValue, k: string): Sourced<string> => ({ value: v.text, origin: { kind: 'line', range: v.range, key: `${key}.${k}` }, anchor: v.range, key: `${key}.${k}` });
      const pw = (v: XmlValue | undefined, k: string): PasswordValue | null =>
        v ? { state: 'plain', value: v.text, origin: { kind: 'line', range: v.range, key: `${key}.${k}` }, anchor: v.range, key: `${key}.${k}`, raw: v.text } : null;
      const storePath = resolveStorePath(workspace, p.location.text, options.dockerCopies);
      const keyPassword = pw(p.keyPassword, 'KeyPassword');
      stores.push({
        id: `${consumer}.ssl-profile[${p.profile}].${p.role}#${i}`,
        consumer: `${consumer}-ssl-profile`,
        label: `${side === 'listener' ? 'HTTPS listener' : 'HTTPS sender'} SSL profile "${p.name}" ${p.role}`,
        table: key,
        tableNode: null,
        role: p.role,
        keyRecovery: p.role === 'keystore' ? 'key-password' : 'none',
        file: src(p.location, 'Location'),
        path: storePath.path,
        resolved: storePath,
        type: p.type ? src(p.type, 'Type') : null,
        password: pw(p.password, 'Password'),
        ...(keyPassword ? { keyPassword } : {}),
        sourceFile: xmlFile,
      });
    });
  }
  return out;
}

/** The effective store of a consumer id (`primary`, `internal`, `truststore`, ...). */
export function storeById(config: EffectiveConfig, id: string): EffectiveStore | undefined {
  return config.stores.find((s) => s.id === id);
}

/** A short label of a path for messages: relative to the workspace root when inside it. */
export function displayPath(workspace: MiWorkspace, p: string): string {
  const rel = path.relative(workspace.root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : p;
}
