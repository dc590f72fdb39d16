/**
 * The client TLS context MI's HTTPS sender (PassThroughHttpSSLSender) uses for a `host:port`, read from
 * what MI's templates render into axis2.xml (`conf/axis2/axis2.xml.j2`): the sender's KeyStore and
 * TrustStore (`[transport.http] sender.keystore.*` / `sender.truststore.*`, which default through `$ref`
 * to `[keystore.primary]` and `[truststore]`), the `HostnameVerifier` parameter
 * (`sender.hostname_verifier`), the `HttpsProtocols` parameter (`sender.secured_protocols`), and the
 * dynamic SSL profiles file (`sender.ssl_profile.file_path`) whose `<profile>` for `host:port` replaces
 * both stores for that server.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { TomlDocument } from '../config/toml';
import type { Range } from '../problem';
import type { MiWorkspace } from '../workspace/discover';
import { hasValueReference, storeById, type EffectiveConfig, type EffectiveStore, type PasswordValue } from '../workspace/effectiveConfig';
import { resolveStorePath } from '../workspace/resolvePath';
import { parseHostnameVerifier, type HostnameVerifierSetting } from './hostnameVerifier';
import type { TlsVersion } from './probe';
import { MAX_SSL_PROFILE_BYTES, parseSslProfiles as readProfiles, type SslProfileStore } from '../workspace/sslProfiles';
import type { UrlKind } from '../artifacts/synapseUrls';

/** A store as a TLS context uses it. */
export interface StoreRef {
  /** For people: `HTTPS sender truststore`, `SSL profile for api.example.com:443 truststore`. */
  readonly label: string;
  /** As written in the configuration. */
  readonly written: string;
  /** Resolved absolute path; null when it points only into a container. */
  readonly path: string | null;
  readonly type: string | null;
  /** The clear password, when it is known here (never printed). */
  readonly password?: string;
  /** Why the password is not known (`$secret{x}` not supplied...). */
  readonly passwordUnknown?: string;
  readonly keyPassword?: string;
  /**
   * The password (or key password) comes from `$env{}`, `$secret{}` or `$sys{}`: it may open the store here,
   * but a fix never writes it into a file in the clear, where the person chose not to keep it.
   */
  readonly passwordKeptOut?: true;
  readonly keyAlias?: string;
  /** The deployment.toml or profile file and range a fix of this store's configuration points at. */
  readonly configFile: string;
  readonly configRange: Range;
  /** An SSL profile without this store: Synapse then gives the context no key manager, so no client certificate. */
  readonly absent?: true;
}

/** The client TLS context of one server. */
export interface ClientTlsContext {
  /** `sender`, `ssl-profile` when a dynamic SSL profile matches the server, `jdk` for a WSDL fetched at deployment. */
  readonly source: 'sender' | 'ssl-profile' | 'jdk';
  /** The `<servers>` entry of the profile that matched (`host:port`, or `*` for every other server). */
  readonly profileServer?: string;
  /** The profile has `novalidatecert="true"` and no TrustStore: Synapse accepts any server certificate. */
  readonly noValidateCert?: true;
  readonly truststore: StoreRef;
  readonly keystore: StoreRef;
  readonly hostnameVerifier: HostnameVerifierSetting;
  /** The protocol versions the JDK client will offer (empty: none is enabled). */
  readonly versions: readonly TlsVersion[];
  /** `HttpsProtocols` as written, when it is. */
  readonly protocolsWritten?: string;
}

/** One dynamic SSL profile. */
export interface SslProfile {
  readonly servers: readonly string[];
  readonly noValidateCert: boolean;
  readonly truststore?: StoreRef;
  readonly keystore?: StoreRef;
}

/** The TLS settings of a workspace's HTTPS sender. */
export interface SenderTlsSettings {
  readonly sender: ClientTlsContext;
  /** `[truststore]`: what the JDK's own HTTPS client trusts in MI, judged so (WSDL fetches at deployment). */
  readonly jvmTruststore: StoreRef;
  readonly profiles: readonly SslProfile[];
  /** Problems reading the profiles file, one sentence each. */
  readonly notes: readonly string[];
}

const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
/** The JDK 17 client's defaults (TLSv1 and TLSv1.1 are in jdk.tls.disabledAlgorithms). */
const JDK_CLIENT_VERSIONS: readonly TlsVersion[] = ['TLSv1.3', 'TLSv1.2'];

/** The value of a written key (full dotted key, quotes of key parts dropped), outside array tables. */
export function writtenValue(doc: TomlDocument, fullKey: string): { text: string; range: Range } | undefined {
  const norm = (k: string) => k.replace(/['"]/g, '');
  for (const t of doc.tables) {
    if (t.isArrayTable) continue;
    for (const e of t.entries) {
      if (norm(e.fullKey) === fullKey) return { text: e.value.type === 'string' ? String(e.value.value) : e.value.raw, range: e.value.range };
    }
  }
  return undefined;
}

/** The versions of a written `HttpsProtocols` the JDK 17 client can use (it disables the older ones). */
export function enabledVersions(written: string | undefined): TlsVersion[] {
  if (written === undefined) return [...JDK_CLIENT_VERSIONS];
  const listed = written.split(',').map((s) => s.trim());
  return JDK_CLIENT_VERSIONS.filter((v) => listed.includes(v));
}

/** A configured store as the client context names it: its password when known here, else why not. */
export function storeRef(s: EffectiveStore | undefined, label: string, doc: TomlDocument): StoreRef {
  if (!s) return { label, written: '', path: null, type: null, passwordUnknown: 'not configured', configFile: doc.file, configRange: FILE_START };
  const pw = s.password;
  const unknown =
    pw === null
      ? 'no password is configured'
      : pw.value === undefined
        ? pw.state === 'secret'
          ? `the password is $secret{${pw.secretAlias}}, whose value was not supplied`
          : pw.state === 'env'
            ? `the password comes from $env{${pw.envVar}}, which is not set`
            : `the password comes from $sys{${pw.sysProperty}}`
        : undefined;
  return {
    label,
    written: s.file.value,
    path: s.path,
    type: s.type?.value ?? null,
    ...(pw?.value !== undefined ? { password: pw.value } : {}),
    ...(unknown ? { passwordUnknown: unknown } : {}),
    ...(s.keyPassword?.value !== undefined ? { keyPassword: s.keyPassword.value } : {}),
    ...(keptOut(pw) || keptOut(s.keyPassword) ? { passwordKeptOut: true as const } : {}),
    ...(s.alias ? { keyAlias: s.alias.value } : {}),
    configFile: doc.file,
    configRange: s.file.anchor,
  };
}

/** Whether a resolved password comes, wholly or in part (`pre-$env{X}`), from outside the file. */
function keptOut(pw: PasswordValue | null | undefined): boolean {
  return pw?.value !== undefined && (pw.state === 'env' || pw.state === 'secret' || pw.state === 'sys' || hasValueReference(pw.raw));
}

/** The HTTPS sender's settings, without the profiles file (pure). */
export function senderContext(config: EffectiveConfig): ClientTlsContext {
  const doc = config.document;
  const byId = (id: string) => storeById(config, id);
  const verifier = writtenValue(doc, 'transport.http.sender.hostname_verifier') ?? writtenValue(doc, 'transport.https.sender.parameter.HostnameVerifier');
  const protocols = writtenValue(doc, 'transport.http.sender.secured_protocols') ?? writtenValue(doc, 'transport.https.sender.parameter.HttpsProtocols');
  return {
    source: 'sender',
    truststore: storeRef(byId('https-sender-truststore') ?? byId('truststore'), 'HTTPS sender truststore', doc),
    keystore: storeRef(byId('https-sender-keystore') ?? byId('primary'), 'HTTPS sender keystore', doc),
    hostnameVerifier: parseHostnameVerifier(verifier?.text),
    versions: enabledVersions(protocols?.text),
    ...(protocols ? { protocolsWritten: protocols.text } : {}),
  };
}

/**
 * Reads a dynamic SSL profiles file (`<parameter name="customSSLProfiles"><profile><servers>h:p,…</servers>
 * <KeyStore>…</KeyStore><TrustStore>…</TrustStore></profile>…`). Store locations resolve as `file_name` does.
 */
export function parseSslProfiles(xml: string, file: string, ws: MiWorkspace): SslProfile[] {
  return readProfiles(xml).map((p) => {
    const store = (s: SslProfileStore | undefined): StoreRef | undefined => {
      if (!s) return undefined;
      const location = s.location?.text ?? '';
      return {
        label: `SSL profile for ${p.servers.join(', ')} ${s.role}`,
        written: location,
        path: resolveStorePath(ws, location).path,
        type: s.type?.text ?? null,
        ...(s.password ? { password: s.password.text } : { passwordUnknown: 'the profile names no password' }),
        ...(s.keyPassword ? { keyPassword: s.keyPassword.text } : {}),
        configFile: file,
        configRange: p.at,
      };
    };
    return { servers: p.servers, noValidateCert: p.noValidateCert, truststore: store(p.truststore), keystore: store(p.keystore) };
  });
}

/**
 * Where a written `sender.ssl_profile.file_path` may lie in the workspace, most likely first, the first being
 * where a new one is created. MI reads it relative to MI_HOME, which an integration project keeps under
 * deployment/ (what its Dockerfile copies).
 */
export function sslProfilesCandidates(ws: MiWorkspace, written: string): string[] {
  if (path.isAbsolute(written)) return [written];
  return ws.kind === 'project' ? [path.join(ws.root, 'deployment', written), path.join(ws.root, written)] : [path.join(ws.root, written)];
}

/** The sender's settings with its dynamic SSL profiles read from disk (bounded by MAX_SSL_PROFILE_BYTES). */
export async function senderTlsSettings(config: EffectiveConfig): Promise<SenderTlsSettings> {
  const sender = senderContext(config);
  const notes: string[] = [];
  const written = writtenValue(config.document, 'transport.http.sender.ssl_profile.file_path');
  let profiles: SslProfile[] = [];
  if (written) {
    const candidates = sslProfilesCandidates(config.workspace, written.text);
    let read = false;
    for (const file of candidates) {
      try {
        const st = await fsp.stat(file);
        if (!st.isFile() || st.size > MAX_SSL_PROFILE_BYTES) continue;
        profiles = parseSslProfiles(await fsp.readFile(file, 'utf8'), file, config.workspace);
        read = true;
        break;
      } catch {
        // try the next place
      }
    }
    if (!read) notes.push(`The SSL profiles file ${written.text} cannot be read; the sender's stores are used for every server.`);
  }
  const jvmTruststore = storeRef(storeById(config, 'truststore'), 'truststore ([truststore])', config.document);
  return { sender, jvmTruststore, profiles, notes };
}

/**
 * The `<servers>` entry Synapse's `ClientConnFactory` looks a connection up by: `getHostName()` of the remote
 * address and the port. That is the URL's name as written, but a loopback address resolves back to `localhost`.
 */
export function profileKey(host: string, port: number): string {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  const loopback = h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
  return `${loopback ? 'localhost' : h}:${port}`;
}

/**
 * The context MI uses for `host:port`: the SSL profile listing it, else the catch-all profile `*`, else the
 * sender's (ClientConnFactory.getSSLContext: `sslByHostMap.get(host)`, then `sslByHostMap.get("*")`).
 */
export function contextFor(settings: SenderTlsSettings, host: string, port: number): ClientTlsContext {
  return contextByKey(settings, profileKey(host, port));
}

/**
 * The context of one artifact URL, by how MI makes the call: the sender's (above); an OAuth token request
 * (OAuthClient: the profile for `url.getHost():url.getPort()`, -1 when the URL writes no port, else `*`, else
 * the sender's, with NoopHostnameVerifier: no host name check); a WSDL fetched at deployment by the JDK's
 * HttpsURLConnection (no profile, no client key, the JDK's host name check).
 */
export function contextForUrl(settings: SenderTlsSettings, url: { kind: UrlKind; host: string; port: number; portWritten?: number }): ClientTlsContext {
  if (url.kind === 'call') return contextFor(settings, url.host, url.port);
  // Neither client reads the sender's HttpsProtocols: the JDK's default versions apply.
  const jdkVersions = { versions: [...JDK_CLIENT_VERSIONS], protocolsWritten: undefined };
  if (url.kind === 'oauth-token') return { ...contextByKey(settings, `${url.host}:${url.portWritten ?? -1}`), ...jdkVersions, hostnameVerifier: { name: 'AllowAll' } };
  const none = absentStore('JDK default keystore (none)', 'the JDK client presents no key', settings.jvmTruststore);
  return { ...settings.sender, ...jdkVersions, source: 'jdk', truststore: settings.jvmTruststore, keystore: none, hostnameVerifier: { name: 'JDK' } };
}

/** A store a context does not have (no key managers): it holds nothing, and a fix of it points at `near`'s place. */
function absentStore(label: string, reason: string, near: StoreRef): StoreRef {
  return { label, written: '', path: null, type: null, passwordUnknown: reason, configFile: near.configFile, configRange: near.configRange, absent: true };
}

/** The context for a profile key: its profile, else `*`'s, else the sender's. */
function contextByKey(settings: SenderTlsSettings, key: string): ClientTlsContext {
  const find = (server: string) => settings.profiles.find((p) => p.servers.includes(server));
  const exact = find(key);
  const profile = exact ?? find('*');
  if (!profile) return settings.sender;
  const noValidateCert = profile.noValidateCert && !profile.truststore;
  return {
    ...settings.sender,
    source: 'ssl-profile',
    profileServer: exact ? key : '*',
    ...(noValidateCert ? { noValidateCert: true as const } : {}),
    // Without <TrustStore> SSLContext.init gets no trust managers, so the JVM's default trust applies, judged as
    // [truststore]; without <KeyStore> it gets no key managers: the server sees no client certificate.
    truststore: profile.truststore ?? settings.jvmTruststore,
    keystore: profile.keystore ?? absentStore(`SSL profile for ${key} keystore`, 'the SSL profile names no KeyStore', profile.truststore ?? settings.sender.keystore),
  };
}
