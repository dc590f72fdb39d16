/**
 * The quick fixes of the trust map that give a server its own TLS context, computed from the workspace
 * as plain changes: "add an SSL profile for host:port" (a dedicated truststore holding the CA the server
 * chains to, or a client key the server accepts) and "choose the client key for mutual TLS" (a key entry
 * of the workspace's keystores whose certificate the server's CertificateRequest accepts, as SunX509
 * decides). Nothing here writes: the adapter applies the returned change in one step.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parseDeploymentToml } from '../config/parse';
import type { TomlDocument } from '../config/toml';
import { encodeKeystore, InvalidInputError, type Keystore } from '../keystore';
import { describeCertificate } from '../keystore';
import type { ConfigChange } from '../problem';
import type { MiWorkspace } from '../workspace/discover';
import { buildEffectiveConfig } from '../workspace/effectiveConfig';
import { defaultKeystoreCache, type KeystoreReader } from '../workspace/keystoreCache';
import { readDockerCopies } from '../workspace/project';
import { isInside, resolveStorePath, SECURITY_DIR } from '../workspace/resolvePath';
import { contextFor, profileKey, senderTlsSettings, sslProfilesCandidates, storeRef, writtenValue, type SenderTlsSettings, type StoreRef } from './clientContext';
import { DEFAULT_PROFILES_PATH, sslProfileChange, type ProfileStore } from './sslProfileFix';
import { issuedByOneOf, type ServerObservation } from './verdict';
import { MAX_SSL_PROFILE_BYTES } from '../workspace/sslProfiles';
import { readBoundedText } from '../io/boundedRead';

/** Where the fixes read from. */
export interface TrustFixOptions {
  /** Where `$env{VAR}` comes from (MI's environment as the caller knows it; required, see CheckOptions.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly secretPasswords?: Readonly<Record<string, string>>;
  readonly cache?: KeystoreReader;
  /** false for an untrusted workspace: no store outside `workspaceFolder` is read. */
  readonly readOutside?: boolean;
  readonly workspaceFolder?: string;
  /** A password known for a store file besides the configured ones (one the person gave or the extension remembers). */
  readonly passwordFor?: (file: string) => Promise<string | undefined>;
}

/** The workspace's sender settings and where its SSL profiles file is (or would be). */
interface Setting {
  readonly doc: TomlDocument;
  readonly settings: SenderTlsSettings;
  readonly stores: readonly StoreRef[];
  readonly profiles: { readonly file: string; readonly written: string; readonly text: string | null };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.stat(file);
    return true;
  } catch {
    return false;
  }
}

async function settingOf(ws: MiWorkspace, options: TrustFixOptions): Promise<Setting> {
  const text = (await readBoundedText(ws.deploymentToml, 5 * 1024 * 1024)) ?? '';
  const doc = parseDeploymentToml(text, ws.deploymentToml);
  const dockerfile = ws.kind === 'project' && ws.dockerfile ? await readBoundedText(ws.dockerfile, 256 * 1024) : null;
  const config = buildEffectiveConfig(doc, ws, { env: options.env, secretPasswords: options.secretPasswords, dockerCopies: dockerfile ? readDockerCopies(dockerfile) : [] });
  const settings = await senderTlsSettings(config);
  const written = writtenValue(doc, 'transport.http.sender.ssl_profile.file_path')?.text;
  let profiles: Setting['profiles'];
  if (written) {
    const candidates = sslProfilesCandidates(ws, written);
    let found: Setting['profiles'] | undefined;
    for (const file of candidates) {
      if (!(await exists(file))) continue;
      const t = await readBoundedText(file, MAX_SSL_PROFILE_BYTES);
      if (t === null) throw new InvalidInputError(`The SSL profiles file ${file} cannot be read or is over 1 MiB.`);
      found = { file, written, text: t };
      break;
    }
    profiles = found ?? { file: candidates[0], written, text: null };
  } else {
    // MI_HOME/conf/… for a runtime home; a project keeps MI_HOME's conf files under deployment/.
    const base = ws.kind === 'runtime' ? ws.root : path.join(ws.root, 'deployment');
    profiles = { file: path.join(base, ...DEFAULT_PROFILES_PATH.split('/')), written: DEFAULT_PROFILES_PATH, text: null };
  }
  const stores = config.stores.filter((s) => !s.disabled && s.path).map((s) => storeRef(s, s.label, doc));
  return { doc, settings, stores, profiles };
}

/** A store as a profile names it, or null when its password is not known here or is kept out of the files. */
function profileStoreOf(ref: StoreRef | undefined, format?: string): ProfileStore | null {
  if (!ref || ref.password === undefined || ref.passwordKeptOut || !ref.written) return null;
  const type = ref.type ?? format ?? (/\.(p12|pfx)$/i.test(ref.written) ? 'PKCS12' : 'JKS');
  return { location: ref.written, type, password: ref.password, ...(ref.keyPassword !== undefined ? { keyPassword: ref.keyPassword } : {}) };
}

/** A file name part from a host (letters, digits, dot and dash). */
function safeName(host: string): string {
  return host.toLowerCase().replace(/[^a-z0-9.-]/g, '_').slice(0, 64);
}

/** What "add an SSL profile" trusts: a new store with the certificate the server chains to. */
export interface DedicatedTrustInput {
  readonly host: string;
  readonly port: number;
  /** Base64 DER of the certificate to trust (the trust map's `trustCandidate`). */
  readonly certificate: string;
  /** What the server asked of clients when it was looked at. */
  readonly clientAuth: ServerObservation['clientAuth'];
  /** The new store's password; the sender truststore's when absent. */
  readonly password?: string;
  readonly now?: () => Date;
  readonly randomBytes?: (n: number) => Uint8Array;
}

/** A change plus what it makes. */
export interface TrustFixPlan {
  readonly change: ConfigChange;
  /** For people: what the change does. */
  readonly summary: string;
  /** The profiles file written. */
  readonly profilesFile: string;
  /** Absolute path of the store the profile trusts or presents. */
  readonly storeFile: string;
  /** The texts the edits were planned on (file → text): applying them to anything else would misplace them. */
  readonly basedOn: ReadonlyMap<string, string>;
}

/** The files a plan's edits were computed from, with their texts then. */
function plannedOn(setting: Setting): ReadonlyMap<string, string> {
  const texts = new Map([[setting.doc.file, setting.doc.text]]);
  if (setting.profiles.text !== null) texts.set(setting.profiles.file, setting.profiles.text);
  return texts;
}

/**
 * "Add an SSL profile for host:port" for an untrusted server: a new PKCS12 truststore
 * (`repository/resources/security/<host>-<port>-truststore.p12`) holding only the certificate to trust,
 * and a profile for `host:port` naming it, with the keystore the server already got (a profile's own,
 * else the sender's when the server asks for a client certificate: a profile without a KeyStore presents none).
 */
export async function planDedicatedTruststore(ws: MiWorkspace, input: DedicatedTrustInput, options: TrustFixOptions): Promise<TrustFixPlan> {
  const setting = await settingOf(ws, options);
  const server = profileKey(input.host, input.port);
  const sender = setting.settings.sender.truststore;
  // The profile holds it in the clear: a password the configuration keeps in $env{} or $secret{} is not copied there.
  const password = input.password ?? (sender.passwordKeptOut ? undefined : sender.password);
  if (!password) throw new InvalidInputError('The new truststore needs a password (the sender truststore\'s is not known here, or is kept out of deployment.toml).');
  const der = new Uint8Array(Buffer.from(input.certificate, 'base64'));
  const info = describeCertificate(der);
  let location = '';
  let file: string | null = null;
  for (let i = 1; i <= 20 && !file; i++) {
    location = `${SECURITY_DIR}/${safeName(input.host)}-${input.port}-truststore${i > 1 ? `-${i}` : ''}.p12`;
    const p = resolveStorePath(ws, location).path;
    if (p && !(await exists(p))) file = p;
  }
  if (!file) throw new InvalidInputError(`No free name for a truststore of ${server} in ${SECURITY_DIR}.`);
  const now = input.now ? input.now() : new Date();
  const store: Keystore = { format: 'PKCS12', integrity: 'verified', entries: [{ kind: 'trusted-cert', alias: `${safeName(input.host)}-ca`, created: now, certificate: der }] };
  const bytes = await encodeKeystore(store, password, { now: () => now, ...(input.randomBytes ? { randomBytes: input.randomBytes } : {}) });
  const existing = setting.settings.profiles.find((p) => p.servers.includes(server));
  const keyRef = existing ? existing.keystore : input.clientAuth !== 'none' ? setting.settings.sender.keystore : undefined;
  const keystore = profileStoreOf(keyRef) ?? undefined;
  const change = sslProfileChange({
    toml: setting.doc,
    profilesFile: setting.profiles.file,
    profilesText: setting.profiles.text,
    profilesWritten: setting.profiles.written,
    server,
    truststore: { location, type: 'PKCS12', password },
    ...(keystore ? { keystore } : {}),
  });
  return {
    change: { creates: [{ file, contents: bytes }, ...change.creates], edits: change.edits },
    summary: `An SSL profile for ${server} trusting "${info.subject}" (SHA-256 ${info.sha256}) in the new ${location}${keyRef && !keystore ? ' (the keystore it used has no known password, so it presents no client certificate)' : ''}.`,
    profilesFile: setting.profiles.file,
    storeFile: file,
    basedOn: plannedOn(setting),
  };
}

/** A key entry of the workspace's keystores that a server may accept as a client certificate. */
export interface ClientKeyCandidate {
  readonly file: string;
  /** Where MI opens the store (relative to MI_HOME). */
  readonly location: string;
  readonly type: string;
  readonly alias: string;
  readonly subject: string;
  readonly issuer: string;
  readonly sha256: string;
  /** `yes`: the CA names the server sent (or a handshake) accept it; `unknown`: the server named no CA. */
  readonly accepted: 'yes' | 'unknown';
  /** The store also holds other keys; SunX509 offers whichever the server's CA names accept. */
  readonly otherKeys: number;
}

/** Candidates and why some stores were left out. */
export interface ClientKeyCandidates {
  readonly candidates: readonly ClientKeyCandidate[];
  readonly notes: readonly string[];
}

/** Where MI sees a workspace file (relative to MI_HOME), or null when it does not. */
function locationOf(ws: MiWorkspace, file: string): string | null {
  if (ws.kind === 'runtime') return isInside(ws.root, file) ? path.relative(ws.root, file).split(path.sep).join('/') : null;
  return isInside(ws.resourcesDir, file) ? `${SECURITY_DIR}/${path.relative(ws.resourcesDir, file).split(path.sep).join('/')}` : null;
}

const STORE_FILE = /\.(jks|p12|pfx|jceks|keystore)$/i;
const MAX_SCANNED = 32;
const MAX_KEYS_PER_STORE = 16;

/** The key entries the passwords a store is known by open, with the one key password that opens all. */
interface ReadStore {
  readonly ref: StoreRef;
  readonly store: Keystore;
  readonly password: string;
  readonly keyPassword: string | null;
}

/**
 * The key entries of the workspace's keystores (the configured ones, and the stores of MI's security
 * folder opened with a password the configuration knows) that the server would accept: some certificate
 * of the chain issued by a CA its CertificateRequest names (SunX509), else one a handshake saw accepted.
 * A store is usable only when one key password opens all its keys, as KeyManagerFactory.init demands.
 */
export async function clientKeyCandidates(ws: MiWorkspace, observation: ServerObservation, options: TrustFixOptions): Promise<ClientKeyCandidates> {
  const setting = await settingOf(ws, options);
  const cache = options.cache ?? defaultKeystoreCache.session();
  const notes: string[] = [];
  const refs: StoreRef[] = [...setting.stores];
  for (const p of setting.settings.profiles) if (p.keystore) refs.push(p.keystore);
  const passwords = [...new Set(refs.map((r) => r.password).filter((p): p is string => p !== undefined))];
  const securityDir = ws.kind === 'runtime' ? path.join(ws.root, ...SECURITY_DIR.split('/')) : ws.resourcesDir;
  try {
    const names = (await fsp.readdir(securityDir)).filter((n) => STORE_FILE.test(n)).slice(0, MAX_SCANNED);
    for (const n of names) {
      const file = path.join(securityDir, n);
      // A configured store is tried here too when its password is not known to the configuration ($secret{}, unset $env{}).
      if (refs.some((r) => r.path === file && r.password !== undefined)) continue;
      const location = locationOf(ws, file);
      if (!location) continue;
      const own = await options.passwordFor?.(file);
      for (const password of own !== undefined ? [own, ...passwords.filter((p) => p !== own)] : passwords) {
        refs.push({ label: n, written: location, path: file, type: null, password, configFile: setting.doc.file, configRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
      }
    }
  } catch {
    // no security folder: only the configured stores
  }
  const seen = new Set<string>();
  const read: ReadStore[] = [];
  for (const ref of refs) {
    if (!ref.path || ref.password === undefined || seen.has(ref.path)) continue;
    if (options.readOutside === false && !isInside(options.workspaceFolder ?? ws.root, ref.path)) continue;
    const r = await cache.read(ref.path, ref.password);
    if (!r.ok) continue;
    seen.add(ref.path);
    const keys = r.store.entries.filter((e) => e.kind === 'private-key');
    if (keys.length === 0) continue;
    // Every key is opened to prove the one key password: a store of many keys would cost seconds each.
    if (keys.length > MAX_KEYS_PER_STORE) {
      notes.push(`${ref.written}: ${keys.length} keys, more than the ${MAX_KEYS_PER_STORE} looked at; choose it by hand.`);
      continue;
    }
    let keyPassword: string | null = null;
    for (const kp of [...new Set([ref.keyPassword, ref.password].filter((p): p is string => p !== undefined))]) {
      const all = await Promise.all(keys.map((k) => cache.key(ref.path as string, ref.password as string, k.alias, kp)));
      if (all.every((k) => k.ok)) {
        keyPassword = kp;
        break;
      }
    }
    if (keyPassword === null) notes.push(`${ref.written}: no known key password opens all its keys, which MI's key manager needs.`);
    else read.push({ ref, store: r.store, password: ref.password, keyPassword });
  }
  const issuers = observation.acceptedIssuers.map((b) => new Uint8Array(Buffer.from(b, 'base64')));
  const candidates: ClientKeyCandidate[] = [];
  for (const s of read) {
    const keys = s.store.entries.filter((e): e is Extract<typeof e, { kind: 'private-key' }> => e.kind === 'private-key' && e.chain.length > 0);
    for (const k of keys) {
      const info = describeCertificate(k.chain[0]);
      const seenByHandshake = observation.clientCertificates[info.sha256];
      const accepted = issuers.length ? issuedByOneOf(k.chain, issuers) : seenByHandshake;
      if (accepted === false) continue;
      candidates.push({
        file: s.ref.path as string,
        location: s.ref.written,
        type: s.ref.type ?? s.store.format,
        alias: k.alias,
        subject: info.subject,
        issuer: info.issuer,
        sha256: info.sha256,
        accepted: accepted === true ? 'yes' : 'unknown',
        otherKeys: keys.length - 1,
      });
    }
  }
  candidates.sort((a, b) => (a.accepted === b.accepted ? 0 : a.accepted === 'yes' ? -1 : 1));
  return { candidates, notes };
}

/** The chosen client key (a candidate's store and alias). */
export interface ClientKeyChoice {
  readonly host: string;
  readonly port: number;
  readonly file: string;
  readonly alias: string;
}

/**
 * "Choose the client key for mutual TLS": an SSL profile for `host:port` whose KeyStore is the store of
 * the chosen key, keeping the truststore the server is judged against now.
 */
export async function planClientKeyProfile(ws: MiWorkspace, observation: ServerObservation, choice: ClientKeyChoice, options: TrustFixOptions): Promise<TrustFixPlan> {
  const { candidates } = await clientKeyCandidates(ws, observation, options);
  const c = candidates.find((x) => x.file === choice.file && x.alias.toLowerCase() === choice.alias.toLowerCase());
  if (!c) throw new InvalidInputError(`"${choice.alias}" of ${choice.file} is not a client key the server accepts, or its store cannot be opened with a known password.`);
  const setting = await settingOf(ws, options);
  const cache = options.cache ?? defaultKeystoreCache.session();
  const server = profileKey(choice.host, choice.port);
  const ctx = contextFor(setting.settings, choice.host, choice.port);
  // The password that opened the store and the one that opens its keys, found again (never returned to callers).
  const refs = [...setting.stores, ...setting.settings.profiles.flatMap((p) => (p.keystore ? [p.keystore] : []))];
  const own = await options.passwordFor?.(c.file);
  // Only passwords that may go into the profile in the clear: given, saved, or written so in the configuration.
  const passwords = [...new Set([own, ...refs.flatMap((r) => (r.passwordKeptOut ? [] : [r.password, r.keyPassword]))].filter((p): p is string => p !== undefined))];
  let keystore: ProfileStore | null = null;
  for (const pw of passwords) {
    const r = await cache.read(c.file, pw);
    if (!r.ok) continue;
    const keys = r.store.entries.filter((e) => e.kind === 'private-key');
    for (const kp of passwords) {
      const all = await Promise.all(keys.map((k) => cache.key(c.file, pw, k.alias, kp)));
      if (all.every((k) => k.ok)) {
        keystore = { location: c.location, type: c.type, password: pw, keyPassword: kp };
        break;
      }
    }
    if (keystore) break;
  }
  if (!keystore) throw new InvalidInputError(`The keys of ${c.location} open only with a password the configuration keeps in $env{} or $secret{}, which is not written into the profile in the clear: give the password.`);
  const truststore = profileStoreOf(ctx.truststore);
  const change = sslProfileChange({
    toml: setting.doc,
    profilesFile: setting.profiles.file,
    profilesText: setting.profiles.text,
    profilesWritten: setting.profiles.written,
    server,
    keystore,
    ...(truststore ? { truststore } : {}),
  });
  return {
    change,
    summary: `An SSL profile for ${server} presenting "${c.subject}" (alias ${c.alias} of ${c.location})${truststore ? `, trusting ${truststore.location}` : ''}${c.otherKeys ? `; the store holds ${c.otherKeys} other key(s), and MI offers whichever the server's CA names accept` : ''}.`,
    profilesFile: setting.profiles.file,
    storeFile: c.file,
    basedOn: plannedOn(setting),
  };
}
