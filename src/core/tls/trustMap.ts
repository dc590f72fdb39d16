/**
 * The trust map of an MI workspace: every outbound HTTPS connection its artifacts make, each judged
 * against the client TLS context MI will use for it, plus MI's own HTTPS listener certificate (inbound).
 * Offline by default: a server is judged from its remembered observation; `connect` looks at the servers
 * again (only hosts the artifacts name, each with a timeout, a few at a time).
 */
import { X509Certificate } from 'node:crypto';
import type { Range } from '../problem';
import { parseDeploymentToml } from '../config/parse';
import type { Keystore } from '../keystore';
import { describeCertificate } from '../keystore';
import { encodePem } from '../keystore';
import { scanArtifacts, placeholderLookup, mapLimited, type LocatedInbound, type LocatedUrl } from '../artifacts/findArtifacts';
import type { UrlKind } from '../artifacts/synapseUrls';
import type { MiWorkspace } from '../workspace/discover';
import { buildEffectiveConfig, resolveReferences, storeById, type EffectiveConfig, type ResolveOptions } from '../workspace/effectiveConfig';
import { defaultKeystoreCache, type KeystoreReader } from '../workspace/keystoreCache';
import { readDockerCopies } from '../workspace/project';
import { isInside, resolveStorePath } from '../workspace/resolvePath';
import { trustAnchorsOf, type TrustAnchor } from './certPath';
import { deployedCertificates } from './deployedCertificates';
import { contextForUrl, senderTlsSettings, storeRef, writtenValue, type ClientTlsContext, type StoreRef } from './clientContext';
import { observeServer, type CandidateKey } from './observe';
import { clientKeyEntries, evaluateConnection, FAILING_VERDICTS, type ServerObservation, type Verdict } from './verdict';
import { readBoundedText } from '../io/boundedRead';

/** A certificate as the map shows it. */
export interface ChainCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly sha256: string;
  readonly notAfter: string;
}

/** One connection of the map. */
export interface Connection {
  /** Absolute path of the artifact (or deployment.toml for the inbound listener). */
  readonly file: string;
  readonly range: Range;
  readonly url: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly direction: 'outbound' | 'inbound';
  /** Outbound: how MI makes the call (through the sender, an OAuth token request, a WSDL fetch at deployment). */
  readonly kind?: UrlKind;
  /** The artifact that calls it (`endpoint BackendEP`), empty when unnamed. */
  readonly artifact: string;
  /** The truststore the connection is judged against (path as written; the keystore for inbound). */
  readonly truststore: string;
  /** Absolute path of that truststore, when it resolves (what a fix writes). */
  readonly truststorePath: string | null;
  readonly verdict: Verdict;
  readonly message: string;
  readonly chain: readonly ChainCertificate[];
  readonly missingCa?: string;
  /** Base64 DER of the certificate "trust the issuing CA" imports. */
  readonly trustCandidate?: string;
  /** Inbound: the alias of MI's listener key entry (what a renewal renews). */
  readonly keyAlias?: string;
}

/** A workspace's map. */
export interface TrustMap {
  readonly workspace: MiWorkspace;
  readonly connections: readonly Connection[];
  /** Observations made by this run (`connect`), to be remembered by the caller. */
  readonly observations: readonly ServerObservation[];
  /** Files not read and settings not understood, one sentence each. */
  readonly notes: readonly string[];
}

/** Options of a trust map. */
export interface TrustMapOptions {
  /** Where `$env{VAR}` comes from (MI's environment as the caller knows it; required, see CheckOptions.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly secretPasswords?: Readonly<Record<string, string>>;
  readonly cache?: KeystoreReader;
  readonly now?: Date;
  /** Remembered observations, keyed `host:port`. */
  readonly observations?: ReadonlyMap<string, ServerObservation>;
  /** Look at the servers now (a person asked for it). */
  readonly connect?: { readonly timeoutMs?: number; readonly concurrency?: number; readonly only?: ReadonlySet<string> };
  /** false for an untrusted workspace: no store outside `workspaceFolder` is read. */
  readonly readOutside?: boolean;
  readonly workspaceFolder?: string;
  readonly jdkCaSha256?: ReadonlySet<string>;
  /** deployment.toml already parsed; read from disk when absent. */
  readonly configText?: string;
}

/** Whether any connection of the maps fails. */
export function hasFailure(maps: readonly TrustMap[]): boolean {
  return maps.some((m) => m.connections.some((c) => FAILING_VERDICTS.has(c.verdict)));
}

/** The key a server is remembered under. */
export function serverKey(host: string, port: number): string {
  return `${host.toLowerCase()}:${port}`;
}

function chainOf(b64: readonly string[]): ChainCertificate[] {
  return b64.map((c) => {
    try {
      const i = describeCertificate(new Uint8Array(Buffer.from(c, 'base64')));
      return { subject: i.subject, issuer: i.issuer, sha256: i.sha256, notAfter: i.notAfter };
    } catch {
      return { subject: '(unreadable certificate)', issuer: '', sha256: '', notAfter: '' };
    }
  });
}

/** A store read for the map: the keystore, or why not. */
type Loaded = { ok: true; store: Keystore } | { ok: false; reason: string };

async function loadStore(ref: StoreRef, cache: KeystoreReader, options: TrustMapOptions, ws: MiWorkspace): Promise<Loaded> {
  // A profile without a KeyStore: MI offers no client key, exactly as an empty keystore would.
  if (ref.absent) return { ok: true, store: { format: 'PKCS12', integrity: 'verified', entries: [] } };
  if (!ref.path) return { ok: false, reason: `${ref.written || 'it'} does not resolve to a file here` };
  if (options.readOutside === false && !isInside(options.workspaceFolder ?? ws.root, ref.path)) {
    return { ok: false, reason: `${ref.written} lies outside the workspace, which is not trusted` };
  }
  if (ref.password === undefined) return { ok: false, reason: ref.passwordUnknown ?? 'its password is not known' };
  const read = await cache.read(ref.path, ref.password);
  return read.ok ? { ok: true, store: read.store } : { ok: false, reason: read.message.replace(/\.$/, '') };
}

/** The client keys of a store as PEM, for live handshakes (the key password as JSSE's KeyManagerFactory uses it). */
async function candidateKeys(ref: StoreRef, store: Keystore, cache: KeystoreReader): Promise<CandidateKey[]> {
  if (!ref.path || ref.password === undefined) return [];
  const out: CandidateKey[] = [];
  for (const e of clientKeyEntries(store, ref.keyAlias).slice(0, 4)) {
    const key = await cache.key(ref.path, ref.password, e.alias, ref.keyPassword ?? ref.password);
    if (!key.ok) continue;
    out.push({
      sha256: describeCertificate(e.chain[0]).sha256,
      credential: { keyPem: encodePem('PRIVATE KEY', key.pkcs8), certPem: e.chain.map((c) => encodePem('CERTIFICATE', c)).join('') },
    });
  }
  return out;
}

/** Connects once to each server `urls` name (a bounded number at a time) and returns what each showed. */
async function observeServers(
  urls: readonly LocatedUrl[],
  settings: Awaited<ReturnType<typeof senderTlsSettings>>,
  connect: NonNullable<TrustMapOptions['connect']>,
  load: (ref: StoreRef) => Promise<Loaded>,
  cache: KeystoreReader,
  now: Date,
): Promise<ServerObservation[]> {
  const targets = new Map<string, { host: string; port: number; ctx: ClientTlsContext }>();
  for (const u of urls) {
    if (!u.host || !u.port) continue;
    const key = serverKey(u.host, u.port);
    if (connect.only && !connect.only.has(key)) continue;
    if (!targets.has(key)) targets.set(key, { host: u.host, port: u.port, ctx: contextForUrl(settings, { ...u, host: u.host, port: u.port }) });
  }
  return mapLimited([...targets.values()], connect.concurrency ?? 16, async (t) => {
    const ks = await load(t.ctx.keystore);
    const candidates = ks.ok ? await candidateKeys(t.ctx.keystore, ks.store, cache) : [];
    return observeServer(t.host, t.port, { timeoutMs: connect.timeoutMs ?? 5000, candidates, now: () => now });
  });
}

/** Builds the map of one workspace. */
export async function buildTrustMap(ws: MiWorkspace, options: TrustMapOptions): Promise<TrustMap> {
  const env = options.env;
  const cache = options.cache ?? defaultKeystoreCache.session();
  const now = options.now ?? new Date();
  const notes: string[] = [];
  const text = options.configText ?? (await readBoundedText(ws.deploymentToml, 5 * 1024 * 1024)) ?? '';
  const doc = parseDeploymentToml(text, ws.deploymentToml);
  const dockerfile = ws.kind === 'project' && ws.dockerfile ? await readBoundedText(ws.dockerfile, 5 * 1024 * 1024) : null;
  const resolve: ResolveOptions = { env, secretPasswords: options.secretPasswords, dockerCopies: dockerfile ? readDockerCopies(dockerfile) : [] };
  const config = buildEffectiveConfig(doc, ws, resolve);
  const settings = await senderTlsSettings(config);
  notes.push(...settings.notes);
  const lookup = await placeholderLookup(ws, env);
  const scan = await scanArtifacts(ws, lookup);
  const deployed = await deployedCertificates(ws, lookup, options);
  for (const s of scan.skipped) notes.push(`${s.file} was not read: ${s.reason}.`);

  // Stores are read once per context.
  const loaded = new Map<string, Promise<Loaded>>();
  const load = (ref: StoreRef) => {
    const k = `${ref.path}|${ref.label}`;
    let p = loaded.get(k);
    if (!p) loaded.set(k, (p = loadStore(ref, cache, options, ws)));
    return p;
  };

  const observations = new Map(options.observations ?? []);
  const made = options.connect ? await observeServers(scan.urls, settings, options.connect, load, cache, now) : [];
  for (const o of made) observations.set(serverKey(o.host, o.port), o);

  const verdicts = new Map<string, Promise<Pick<Connection, 'verdict' | 'message' | 'chain' | 'missingCa' | 'trustCandidate'>>>();
  const connections: Connection[] = [];
  for (const u of scan.urls) connections.push(await outbound(u));
  const listener = await inbound(config, resolve, cache, options, ws, now);
  connections.push(...listener);
  connections.push(...(await inboundEndpoints(scan.inbounds, ws, listener[0]?.host ?? 'localhost', cache, options, now)));
  return { workspace: ws, connections, observations: made, notes };

  async function outbound(u: LocatedUrl): Promise<Connection> {
    const base = { file: u.file, range: u.range, url: u.url ?? u.raw, host: u.host, port: u.port, direction: 'outbound' as const, kind: u.kind, artifact: u.artifact };
    if (!u.host || !u.port) {
      return { ...base, truststore: settings.sender.truststore.written, truststorePath: settings.sender.truststore.path, verdict: 'not-checked', message: `Not checked: ${u.unresolved ?? 'no host'}.`, chain: [] };
    }
    const ctx = contextForUrl(settings, { ...u, host: u.host, port: u.port });
    const ts = { truststore: ctx.truststore.written, truststorePath: ctx.truststore.path };
    const obs = observations.get(serverKey(u.host, u.port));
    if (!obs) return { ...base, ...ts, verdict: 'not-checked', message: 'Not checked yet: test the connection to fetch the server certificate.', chain: [] };
    // Many artifacts call the same server: its verdict is decided once per server and context.
    const memoKey = `${serverKey(u.host, u.port)}|${u.kind}|${ctx.source}|${ctx.profileServer ?? ''}`;
    let decided = verdicts.get(memoKey);
    if (!decided) verdicts.set(memoKey, (decided = decide(u.host, ctx, obs, u.kind)));
    return { ...base, ...ts, ...(await decided) };
  }

  async function decide(host: string, ctx: ClientTlsContext, obs: ServerObservation, kind: UrlKind): Promise<Pick<Connection, 'verdict' | 'message' | 'chain' | 'missingCa' | 'trustCandidate'>> {
    const [trust, client] = await Promise.all([load(ctx.truststore), load(ctx.keystore)]);
    // A project's cert configurables join the sender's truststore when MI deploys it.
    const deployedHere = ctx.truststore.path !== null && ctx.truststore.path === settings.sender.truststore.path ? deployed : [];
    const anchors: TrustAnchor[] | null = trust.ok ? [...trustAnchorsOf(trust.store), ...deployedHere] : null;
    const r = evaluateConnection(obs, {
      host,
      context: ctx,
      anchors,
      ...(trust.ok ? {} : { truststoreProblem: trust.reason }),
      clientStore: client.ok ? client.store : null,
      path: { now, ...(options.jdkCaSha256 ? { jdkCaSha256: options.jdkCaSha256 } : {}) },
    });
    const via =
      kind === 'wsdl'
        ? ' (WSDL fetched at deployment by the JDK: SSL profiles and sender.hostname_verifier do not apply)'
        : `${ctx.source === 'ssl-profile' ? ' (SSL profile)' : ''}${kind === 'oauth-token' ? ' (OAuth token request: MI checks no host name)' : ''}`;
    return {
      verdict: r.verdict,
      message: r.message + via,
      chain: chainOf(obs.chain),
      ...(r.missingCa ? { missingCa: r.missingCa } : {}),
      ...(r.trustCandidate ? { trustCandidate: r.trustCandidate } : {}),
    };
  }
}

/**
 * What every client of a listener refuses in the key it serves, whatever name it connects by: a certificate out
 * of its dates, extended key usages without serverAuth, or a CA-issued certificate sent without its chain.
 */
function servedKeyProblem(chainDer: readonly Uint8Array[], whose: string, now: Date): { verdict: Verdict; message: string } | null {
  const info = describeCertificate(chainDer[0]);
  if (now > new Date(info.notAfter)) return { verdict: 'expired', message: `${whose} certificate "${info.subject}" expired on ${info.notAfter}.` };
  if (now < new Date(info.notBefore)) return { verdict: 'expired', message: `${whose} certificate "${info.subject}" is not valid before ${info.notBefore}.` };
  const eku = new X509Certificate(chainDer[0]).keyUsage;
  if (eku && eku.length && !eku.includes('1.3.6.1.5.5.7.3.1') && !eku.includes('2.5.29.37.0')) {
    return { verdict: 'untrusted', message: `${whose} certificate "${info.subject}" lists extended key usages without serverAuth: clients refuse it.` };
  }
  if (!info.selfSigned && chainDer.length === 1) {
    return { verdict: 'chain-incomplete', message: `${whose} key entry holds only its own certificate, issued by "${info.issuer}": import the CA reply with its intermediates.` };
  }
  return null;
}

/**
 * HTTPS inbound endpoints (their own port and `<KeyStore>`): the served key judged as MI's listener's, without a
 * host name (clients reach the endpoint by whatever name points at it).
 */
async function inboundEndpoints(inbounds: readonly LocatedInbound[], ws: MiWorkspace, hostname: string, cache: KeystoreReader, options: TrustMapOptions, now: Date): Promise<Connection[]> {
  const out: Connection[] = [];
  for (const ib of inbounds) {
    const base = { file: ib.file, range: ib.range, url: ib.port !== null ? `https://${hostname}:${ib.port}` : `https://${hostname}`, host: hostname, port: ib.port, direction: 'inbound' as const, artifact: `inboundEndpoint ${ib.name}`, truststore: ib.keystore?.location ?? '', truststorePath: null, chain: [] };
    if (!ib.keystore) {
      out.push({ ...base, verdict: 'not-checked', message: 'The HTTPS inbound endpoint names no <KeyStore> in its keystore parameter.' });
      continue;
    }
    const path = resolveStorePath(ws, ib.keystore.location).path;
    const ref: StoreRef = {
      label: `keystore of inbound endpoint ${ib.name}`,
      written: ib.keystore.location,
      path,
      type: ib.keystore.type,
      ...(ib.keystore.password !== undefined ? { password: ib.keystore.password } : { passwordUnknown: 'the endpoint names no password' }),
      ...(ib.keystore.keyPassword !== undefined ? { keyPassword: ib.keystore.keyPassword } : {}),
      configFile: ib.file,
      configRange: ib.range,
    };
    const loaded = await loadStore(ref, cache, options, ws);
    const withPath = { ...base, truststorePath: path };
    if (!loaded.ok) {
      out.push({ ...withPath, verdict: 'not-checked', message: `The ${ref.label} cannot be read: ${loaded.reason}.` });
      continue;
    }
    const entry = clientKeyEntries(loaded.store)[0];
    if (!entry) {
      out.push({ ...withPath, verdict: 'not-checked', message: `The ${ref.label} holds no key entry.` });
      continue;
    }
    const chain = chainOf(entry.chain.map((c) => Buffer.from(c).toString('base64')));
    const served = servedKeyProblem(entry.chain, `Inbound endpoint ${ib.name}'s HTTPS`, now);
    const info = describeCertificate(entry.chain[0]);
    const verdict = served ?? { verdict: 'trusted' as const, message: `Inbound endpoint ${ib.name}'s HTTPS certificate "${info.subject}" is valid.` };
    out.push({ ...withPath, chain, verdict: verdict.verdict, message: `${verdict.message} (alias ${entry.alias})` });
  }
  return out;
}

/** Host names that say where MI listens, not a name clients connect to (so no certificate names them). */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '*']);

/**
 * MI's own HTTPS listener (inbound): its certificate must be valid now, allow serverAuth when it lists
 * extended key usages, come with its intermediates, and name `[server] hostname` when one is written (the
 * name MI gives out in its service URLs and WSDLs, so the one clients verify). Nothing in MI calls its own
 * listener by `localhost`, so that name is not required (a certificate from a public CA cannot have it); an
 * artifact's call to `https://localhost:…` is an outbound connection, judged as one. A certificate
 * without subject alternative names is flagged: clients that follow RFC 2818 strictly ignore the CN.
 */
async function inbound(config: EffectiveConfig, resolve: ResolveOptions, cache: KeystoreReader, options: TrustMapOptions, ws: MiWorkspace, now: Date): Promise<Connection[]> {
  const store = storeById(config, 'https-listener-keystore') ?? storeById(config, 'primary');
  if (!store) return [];
  // `$env{}`/`$sys{}` resolved as MI's config mapper does (WSO2's Kubernetes guide writes `hostname = "$env{HOSTNAME}"`).
  const setting = (key: string) => {
    const w = writtenValue(config.document, key);
    return w ? { written: w.text, range: w.range, ...resolveReferences(w.text.trim(), config.document, resolve) } : undefined;
  };
  const host = setting('server.hostname');
  const hostname = host?.value ?? 'localhost';
  const offset = Number(setting('server.offset')?.value ?? '10');
  const securedPort = Number(setting('transport.http.listener.secured_port')?.value ?? '8243');
  const port = (Number.isInteger(securedPort) ? securedPort : 8243) + (Number.isInteger(offset) ? offset : 10);
  const base = {
    file: config.document.file,
    range: store.file.anchor,
    url: `https://${hostname}:${port}`,
    host: hostname,
    port,
    direction: 'inbound' as const,
    artifact: 'HTTPS listener',
    truststore: store.file.value,
    truststorePath: store.path,
  };
  const loaded = await loadStore(storeRef(store, store.label, config.document), cache, options, ws);
  if (!loaded.ok) return [{ ...base, verdict: 'not-checked', message: `The ${store.label} cannot be read: ${loaded.reason}.`, chain: [] }];
  const keys = clientKeyEntries(loaded.store, store.alias?.value);
  const entry = keys[0] ?? clientKeyEntries(loaded.store)[0];
  if (!entry) return [{ ...base, verdict: 'not-checked', message: `The ${store.label} holds no key entry${store.alias ? ` "${store.alias.value}"` : ''}.`, chain: [] }];
  const chain = chainOf(entry.chain.map((c) => Buffer.from(c).toString('base64')));
  const leaf = new X509Certificate(entry.chain[0]);
  const info = describeCertificate(entry.chain[0]);
  const result = (verdict: Verdict, message: string, range = base.range): Connection[] => [{ ...base, range, verdict, message: `${message} (alias ${entry.alias})`, chain, keyAlias: entry.alias }];
  const served = servedKeyProblem(entry.chain, "MI's HTTPS", now);
  if (served) return result(served.verdict, served.message);
  if (host?.unresolved) {
    return result('not-checked', `\`[server] hostname\` is "${host.written}" and ${host.unresolved} is not known here, so the name MI's HTTPS certificate "${info.subject}" must hold is not checked.`);
  }
  const sans = info.subjectAltNames;
  if (!host || WILDCARD_HOSTS.has(hostname)) {
    const which = host ? `\`[server] hostname\` "${hostname}" is not a name clients connect to` : 'no `[server] hostname` is written';
    return result('trusted', `MI's HTTPS certificate "${info.subject}" is valid; ${which}, so no host name is required of it.`);
  }
  if (leaf.checkHost(hostname, { subject: sans.length ? 'default' : 'always' }) === undefined) {
    // Shown on `[server] hostname`, the name the certificate lacks.
    const message = `MI's HTTPS certificate "${info.subject}" does not name ${hostname}, the \`[server] hostname\` MI gives out in its service URLs${sans.length ? '' : ' (it has no subject alternative names)'}.`;
    return result('hostname-mismatch', message, host.range);
  }
  if (sans.length === 0) return result('trusted', `MI's HTTPS certificate "${info.subject}" names the host only in its CN; add subject alternative names, which clients following RFC 2818 require.`);
  return result('trusted', `MI's HTTPS certificate "${info.subject}" covers ${hostname}.`);
}
