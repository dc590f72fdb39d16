// Derives src/core/config/schemaData.json (the keystore-related keys MI reads) from MI's own
// config-mapper data: defaults and `$ref{}` fan-out from default.json, RabbitMQ renames from
// key-mappings.json. Docs, types and allowed values are written here (MI ships none: validator.json is {}).
// Every key either release reads is kept (MI 4.4's data first, MI 4.6's added), with the list of every
// key and table the config mapper and the templates know, so a misspelt key anywhere can be named.
// A developer tool: it needs WSO2's data beside the repository (../shared); the committed, trimmed
// schemaData.json (see SCHEMA-ORIGIN.md) is the project's own copy.
// Usage: node scripts/make-schema.mjs [--check] [mi-config-tool-4.4 [mi-config-tool-4.6]]
//   (default: ../shared/fixtures/wso2/mi-config-tool and ../shared/fixtures/wso2/mi-config-tool-4.6)
// --check: write nothing, exit 1 when the committed schemaData.json differs from what the data gives.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const args = process.argv.slice(2).filter((a) => a !== '--check');
const sources = [
  resolve(args[0] ?? resolve(root, '../shared/fixtures/wso2/mi-config-tool')),
  resolve(args[1] ?? resolve(root, '../shared/fixtures/wso2/mi-config-tool-4.6')),
];
for (const source of sources) {
  if (!existsSync(join(source, 'default.json')) || !existsSync(join(source, 'key-mappings.json'))) {
    console.error(
      `make-schema: MI's config-mapper data is not at ${source} (default.json, key-mappings.json).\n` +
        'This developer tool needs WSO2\'s data beside the repository (../shared/fixtures/wso2/mi-config-tool and mi-config-tool-4.6);\n' +
        'the committed src/core/config/schemaData.json is the project\'s own copy and needs no regeneration to build or test.',
    );
    process.exit(2);
  }
}
const readJson = (source, name) => JSON.parse(readFileSync(resolve(source, name), 'utf8'));
/** MI 4.4's values first; keys only MI 4.6 has are added. */
const defaults = Object.assign({}, ...sources.map((s) => readJson(s, 'default.json')).reverse());
const mappings = Object.assign({}, ...sources.map((s) => readJson(s, 'key-mappings.json')).reverse());

/** MI commits the fixtures were copied from (see ../shared/fixtures/wso2/MANIFEST.md). */
const ORIGIN = {
  repository: 'https://github.com/wso2/micro-integrator',
  commit: '2fb7ef26be6d3c975511bd79c128b2777da02680',
  files: ['distribution/src/resources/config-tool/default.json', 'distribution/src/resources/config-tool/key-mappings.json'],
  also: {
    repository: 'https://github.com/wso2/product-integrator-mi',
    commit: '6c17429ef867074b3d35cc14bfab09d71a404130',
    release: 'MI 4.6.0-SNAPSHOT',
    files: ['distribution/src/resources/config-tool/{default.json,key-mappings.json,deployment-full.toml}', 'distribution/src/resources/config-tool/templates/conf/**/*.j2 (keys only)'],
  },
  license: 'Apache-2.0',
  note: 'Trimmed to the keystore-related keys; docs, types and allowed values added by mi-keystores. Regenerate with `node scripts/make-schema.mjs`.',
};

const STORE_TYPES = ['JKS', 'PKCS12'];

/** Doc strings of the five keys of a keystore table (wording follows WSO2's page on configuring keystores). */
const KEYSTORE_DOCS = {
  file_name: 'Path of the keystore file, relative to MI_HOME (normally `repository/resources/security/<name>`) or absolute.',
  type: 'Keystore type: `JKS` or `PKCS12`.',
  password: 'Password of the keystore.',
  alias: 'Alias of the private key entry (the certificate and key) to use.',
  key_password: 'Password of the private key. MI reads the key with the keystore password, so keep both the same.',
};

/** Spec of one key, its default and `$ref` taken from default.json when MI has one. */
function key(table, name, type, doc, extra = {}) {
  const fullKey = `${table}.${name}`;
  const spec = { key: name, type, doc, ...extra };
  const d = defaults[fullKey];
  if (typeof d === 'string' && /^\$ref\{[^}]+\}$/.test(d)) {
    spec.ref = d.slice(5, -1);
  } else if (d !== undefined) {
    spec.default = type === 'integer' && /^\d+$/.test(String(d)) ? Number(d) : d;
  }
  return spec;
}

/** Resolves `$ref` defaults so every key also shows the value it ends up with. */
function resolveRefs(tables) {
  const byFull = new Map();
  for (const t of tables) for (const k of t.keys) byFull.set(`${t.name}.${k.key}`, k);
  for (const t of tables) {
    for (const k of t.keys) {
      let seen = 0;
      let target = k;
      while (target?.ref && seen++ < 5) target = byFull.get(target.ref);
      if (k.ref && target && target.default !== undefined) k.default = target.default;
    }
  }
}

const keystoreKeys = (table, internal = false) => [
  key(table, 'file_name', 'string', KEYSTORE_DOCS.file_name, { role: 'file' }),
  key(table, 'type', 'string', KEYSTORE_DOCS.type, { allowed: STORE_TYPES, role: 'type' }),
  key(table, 'password', 'string', KEYSTORE_DOCS.password, { secret: true, role: 'password' }),
  key(table, 'alias', 'string', KEYSTORE_DOCS.alias + (internal ? ' The cipher tool encrypts [secrets] with this key\'s certificate.' : ''), { role: 'alias' }),
  key(table, 'key_password', 'string', KEYSTORE_DOCS.key_password, { secret: true, role: 'key_password' }),
];

/** `location/type/password[/key_password][/alias]` under a prefix (transports, internal API). */
function storeKeys(table, prefix, what, { keyPassword = false, alias = null, truststore = false } = {}) {
  const kind = truststore ? 'truststore' : 'keystore';
  const out = [
    key(table, `${prefix}.location`, 'string', `Path of the ${kind} file of the ${what}, relative to MI_HOME or absolute.`, { role: 'file' }),
    key(table, `${prefix}.type`, 'string', `Type of the ${kind} of the ${what}: \`JKS\` or \`PKCS12\`.`, { allowed: STORE_TYPES, role: 'type' }),
    key(table, `${prefix}.password`, 'string', `Password of the ${kind} of the ${what}.`, { secret: true, role: 'password' }),
  ];
  if (keyPassword) out.push(key(table, `${prefix}.key_password`, 'string', `Password of the private key in the ${kind} of the ${what}.`, { secret: true, role: 'key_password' }));
  if (alias) out.push(key(table, `${prefix}.${alias}`, 'string', `Alias of the private key entry the ${what} uses (default: the store's only/first key).`, { role: 'alias' }));
  return out;
}

function sslProfileKeys(table, prefix, what) {
  return [
    key(table, `${prefix}.ssl_profile.file_path`, 'string', `Path of the dynamic SSL profiles XML of the ${what} (per-host keystores and truststores).`),
    key(table, `${prefix}.ssl_profile.read_interval`, 'integer', `How often (milliseconds) the ${what} re-reads its SSL profiles file.`),
  ];
}

const tables = [];

tables.push({ name: 'keystore.primary', closed: true, doc: 'The primary keystore: the server\'s TLS key and certificate, and by default every other keystore consumer.', keys: keystoreKeys('keystore.primary') });
tables.push({ name: 'keystore.internal', closed: true, doc: 'The internal keystore: encrypts secrets and internal data. Each key defaults to the primary keystore\'s value. Changing it later makes already-encrypted data unusable.', keys: keystoreKeys('keystore.internal', true) });
tables.push({
  name: 'truststore', closed: true, doc: 'The truststore: the certificates MI trusts (client-truststore.jks).',
  keys: [
    key('truststore', 'file_name', 'string', 'Path of the truststore file, relative to MI_HOME (normally `repository/resources/security/client-truststore.jks`) or absolute.', { role: 'file' }),
    key('truststore', 'type', 'string', 'Truststore type: `JKS` or `PKCS12`.', { allowed: STORE_TYPES, role: 'type' }),
    key('truststore', 'password', 'string', 'Password of the truststore.', { secret: true, role: 'password' }),
    key('truststore', 'alias', 'string', 'Appears in the shipped deployment.toml (`symmetric.key.value`) but no MI template reads it.', { ignored: true, default: 'symmetric.key.value' }),
    key('truststore', 'algorithm', 'string', 'Appears in the shipped deployment.toml (`AES`) but no MI template reads it.', { ignored: true, default: 'AES' }),
  ],
});
tables.push({ name: 'keystore.tls', closed: true, obsolete: 'keystore.primary', doc: 'MI 1.1.0 only: MI 4.x ignores this table. Use [keystore.primary].', keys: keystoreKeys('keystore.tls') });

const http = 'transport.http';
tables.push({
  name: http, closed: false, doc: 'The HTTP/HTTPS pass-through transport. Its keystore and truststore default to [keystore.primary] and [truststore].',
  modeledPrefixes: ['listener.keystore', 'listener.truststore', 'listener.ssl_profile', 'sender.keystore', 'sender.truststore', 'sender.ssl_profile'],
  keys: [
    ...storeKeys(http, 'listener.keystore', 'HTTPS listener', { keyPassword: true, alias: 'key_alias' }),
    ...storeKeys(http, 'listener.truststore', 'HTTPS listener', { truststore: true }),
    key(http, 'listener.verify_client', 'string', 'Mutual TLS on the HTTPS listener: `require` (clients must present a certificate the truststore trusts), `optional` or `none`.', { allowed: ['require', 'optional', 'none'], default: 'none' }),
    ...sslProfileKeys(http, 'listener', 'HTTPS listener'),
    ...storeKeys(http, 'sender.keystore', 'HTTPS sender', { keyPassword: true, alias: 'key_alias' }),
    ...storeKeys(http, 'sender.truststore', 'HTTPS sender', { truststore: true }),
    key(http, 'sender.hostname_verifier', 'string', 'How the HTTPS sender checks the server\'s host name against its certificate.', { allowed: ['Strict', 'AllowAll', 'DefaultAndLocalhost'], default: 'DefaultAndLocalhost' }),
    ...sslProfileKeys(http, 'sender', 'HTTPS sender'),
  ],
});
tables.push({
  name: 'transport.vfs', closed: false, doc: 'The VFS (file) transport. Its listener keystore (for FTPS) defaults to [keystore.primary].',
  modeledPrefixes: ['listener.keystore'],
  keys: storeKeys('transport.vfs', 'listener.keystore', 'VFS listener', { keyPassword: true, alias: 'alias' }),
});
tables.push({
  name: 'internal_api_ssl_config', closed: false, doc: 'TLS of the Management API (internal APIs). Defaults to [keystore.primary] and [truststore].',
  modeledPrefixes: ['key_store', 'trust_store'],
  keys: [
    ...storeKeys('internal_api_ssl_config', 'key_store', 'Management API', { keyPassword: true }),
    ...storeKeys('internal_api_ssl_config', 'trust_store', 'Management API', { truststore: true }),
  ],
});
for (const side of ['listener', 'sender']) {
  const name = `custom_transport.${side}`;
  const what = `custom transport ${side}`;
  tables.push({
    name, array: true, closed: false, doc: `A custom Axis2 transport ${side}; its TLS stores are set per entry (no defaults).`,
    modeledPrefixes: ['keystore', 'truststore', 'ssl_profile'],
    keys: [
      ...storeKeys(name, 'keystore', what, { keyPassword: true }),
      ...storeKeys(name, 'truststore', what, { truststore: true }),
      key(name, 'ssl_profile.file_path', 'string', `Path of the dynamic SSL profiles XML of the ${what}.`),
      key(name, 'ssl_profile.read_interval', 'integer', `How often (milliseconds) the ${what} re-reads its SSL profiles file.`),
    ],
  });
}
// RabbitMQ: the user keys are those key-mappings.json renames to rabbitmq.connection.ssl.*.
for (const [user, target] of Object.entries(mappings)) {
  const m = /^(transport\.(?:blocking\.)?rabbitmq\.(?:listener|sender)):parameter\.((?:key|trust)store)_(location|type|password)$/.exec(user);
  if (!m || !String(target).includes('rabbitmq.connection.ssl')) continue;
  const [, name, store, field] = m;
  let t = tables.find((x) => x.name === name);
  if (!t) {
    t = { name, array: true, closed: false, doc: `A RabbitMQ connection factory (${name.split('.').slice(1).join(' ')}); TLS stores are set per entry (no defaults).`, modeledPrefixes: [], keys: [] };
    tables.push(t);
  }
  const kind = store === 'keystore' ? 'keystore' : 'truststore';
  const docs = {
    location: `Path of the ${kind} file for TLS to RabbitMQ (\`${target.split(':')[1]}\`).`,
    type: `Type of the RabbitMQ ${kind}: \`JKS\` or \`PKCS12\`.`,
    password: `Password of the RabbitMQ ${kind}.`,
  };
  const extra = { role: field === 'location' ? 'file' : field };
  if (field === 'type') extra.allowed = STORE_TYPES;
  if (field === 'password') extra.secret = true;
  t.keys.push({ key: `parameter.${store}_${field}`, type: 'string', doc: docs[field], ...extra });
}
tables.push({ name: 'secrets', closed: false, doc: 'Secrets for `$secret{alias}` references: `alias = "[plain text]"` until the cipher tool encrypts it with the internal keystore\'s key.', keys: [] });
tables.push({
  name: 'system.parameter', closed: false, doc: 'JVM system properties set at start-up.', modeledPrefixes: [],
  keys: [key('system.parameter', "'org.wso2.CipherTransformation'", 'string', 'Cipher transformation of the cipher tool and secure vault: `RSA/ECB/OAEPwithSHA1andMGF1Padding` (MI\'s default.json) or `RSA` (= `RSA/ECB/PKCS1Padding`, the JVM default when the property is unset).', { allowed: ['RSA', 'RSA/ECB/PKCS1Padding', 'RSA/ECB/OAEPwithSHA1andMGF1Padding'] })],
});
// default.json quotes the dotted key; the TOML key part itself is the unquoted name.
tables.at(-1).keys[0].key = 'org.wso2.CipherTransformation';

// New in MI 4.6 (carbon.xml.j2): the JCE and JSSE providers, the internal crypto provider and key.
tables.push({
  name: 'jce_provider', closed: false, modeledPrefixes: [], doc: 'MI 4.6: the JCE provider MI registers (carbon.xml `JCEProvider`), e.g. `BC` or `BCFIPS`.',
  keys: [key('jce_provider', 'provider_name', 'string', 'Name of the JCE provider: `BC` (Bouncy Castle) or `BCFIPS` (Bouncy Castle FIPS, whose keystores are `BCFKS`).')],
});
tables.push({
  name: 'jsse_provider', closed: false, modeledPrefixes: [], doc: 'MI 4.6: the JSSE (TLS) provider MI registers (carbon.xml `JSSEProvider`), e.g. `BCJSSE`.',
  keys: [key('jsse_provider', 'provider_name', 'string', 'Name of the JSSE provider, e.g. `BCJSSE`.')],
});
tables.push({
  name: 'encryption', closed: false, modeledPrefixes: [], doc: 'Internal data encryption: the crypto provider and, for the symmetric provider, its key.',
  keys: [
    key('encryption', 'internal_crypto_provider', 'string', 'Class of the internal crypto provider (carbon.xml `InternalCryptoProviderClassName`).'),
    key('encryption', 'key', 'string', 'The symmetric key of the internal crypto provider (carbon.xml `Secret`).', { secret: true }),
  ],
});

resolveRefs(tables);

/**
 * Every key MI's config mapper or templates know, from default.json, key-mappings.json (the user keys),
 * deployment-full.toml and the variables the templates read; `open` are maps whose keys are free
 * (`transport.vfs.listener.parameter`: anything under it is passed through).
 */
function knownKeys() {
  const keys = new Set();
  const open = new Set();
  const add = (k) => {
    const clean = k.replace(/'([^']*)'/g, (_, q) => q.replace(/\./g, '\u0000')).replace(/:/g, '.');
    const m = /^(.*?\.(?:parameter|parameters|properties))(?:\.|$)/.exec(clean);
    if (m) open.add(m[1].replace(/\u0000/g, '.'));
    else keys.add(clean.replace(/\u0000/g, '.'));
  };
  for (const s of sources) {
    for (const k of Object.keys(readJson(s, 'default.json'))) add(k);
    for (const k of Object.keys(readJson(s, 'key-mappings.json'))) add(k);
    const full = join(s, 'deployment-full.toml');
    if (existsSync(full)) {
      let table = '';
      for (const line of readFileSync(full, 'utf8').split('\n')) {
        const t = /^\s*\[\[?\s*([A-Za-z0-9_.'"-]+)\s*\]\]?/.exec(line);
        if (t) {
          table = t[1].replace(/"/g, "'");
          continue;
        }
        const kv = /^\s*#?\s*([A-Za-z0-9_.'"-]+)\s*=/.exec(line);
        if (kv && !line.trim().startsWith('#')) add(`${table ? `${table}.` : ''}${kv[1].replace(/"/g, "'")}`);
      }
    }
    const templates = join(s, 'templates');
    if (!existsSync(templates)) continue;
    const files = [];
    const walk = (d) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.j2')) files.push(p);
      }
    };
    walk(templates);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const loopVars = new Set([...text.matchAll(/\{%\s*for\s+([A-Za-z_][\w\s,]*)\s+in\s/g)].flatMap((m) => m[1].split(',').map((v) => v.trim())));
      for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(\.items\(\))?/g)) {
        const name = m[1];
        // Only inside template tags: `{{ a.b }}` or `{% if a.b ... %}`.
        const before = text.lastIndexOf('{', m.index);
        const close = text.lastIndexOf('}', m.index);
        if (before < 0 || close > before || loopVars.has(name.split('.')[0])) continue;
        if (/\.(?:toList|items|length)$/.test(name)) continue;
        if (m[2]) open.add(name);
        else add(name);
      }
    }
  }
  // A key also known as a map prefix is covered by the map.
  const underOpen = (k) => [...open].some((o) => k === o || k.startsWith(`${o}.`));
  return { keys: [...keys].filter((k) => !underOpen(k)).sort(), open: [...open].sort() };
}

const out = { origin: ORIGIN, tables, known: knownKeys() };
const target = resolve(root, 'src/core/config/schemaData.json');
const json = JSON.stringify(out, null, 2) + '\n';
if (check) {
  const same = existsSync(target) && readFileSync(target, 'utf8') === json;
  console.log(same ? `${target} is up to date` : `${target} differs from what ${sources.join(' + ')} gives: run node scripts/make-schema.mjs`);
  process.exit(same ? 0 : 1);
}
writeFileSync(target, json);
console.log(`wrote ${target}: ${tables.length} tables, ${tables.reduce((n, t) => n + t.keys.length, 0)} keys`);
