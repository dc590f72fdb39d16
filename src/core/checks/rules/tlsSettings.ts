/**
 * TLS settings MI accepts silently but that weaken it: host name verification turned off, TLS 1.0/1.1
 * offered, a JCE provider whose keystores are of another type than the ones configured.
 */
import type { TomlDocument, TomlKeyValue } from '../../config/toml';
import { removeEntryEdit, tomlString } from '../../config/edit';
import type { Fix } from '../../problem';
import { parseHostnameVerifier } from '../../tls/hostnameVerifier';
import type { DocumentRule, WorkspaceRule } from '../rule';
import { liveTables } from './shared';
import { isOwnLine, shownValue } from './storeHelpers';

/** Each written string value with its full dotted key (`transport.http.sender.hostname_verifier`). */
function writtenValues(doc: TomlDocument): { key: string; entry: TomlKeyValue }[] {
  return liveTables(doc).flatMap((t) => t.entries.filter((e) => e.value.type === 'string').map((entry) => ({ key: [t.name, ...entry.keyParts].filter((p) => p).join('.'), entry })));
}

/** Keys that set the host name verifier of the HTTPS sender (the user key and the parameter it maps to). */
const VERIFIER_KEYS = new Set(['transport.http.sender.hostname_verifier', 'transport.https.sender.parameter.HostnameVerifier']);
/** Keys that list the TLS protocols of an HTTPS endpoint. MI's own default lists TLSv1 too: only written values are judged. */
const PROTOCOL_KEYS = new Set([
  'transport.http.listener.secured_protocols',
  'transport.http.sender.secured_protocols',
  'transport.https.listener.parameter.HttpsProtocols',
  'transport.https.sender.parameter.HttpsProtocols',
  'internal_api_ssl_config.parameter.httpsProtocols',
]);
const LEGACY_PROTOCOL = /^(?:SSLv3|TLSv1|TLSv1\.1)$/i;

/**
 * Turning host name checks back on: without the key Synapse's ClientSSLSetupHandler uses `Default` (MI's
 * templates write none), which is stricter than `DefaultAndLocalhost`; `Strict` is stricter still.
 */
function hostnameCheckFixes(doc: TomlDocument, entry: TomlKeyValue): Fix[] {
  const remove = removeEntryEdit(doc, entry);
  return [
    ...(remove ? [{ title: 'Remove the key (host names checked as MI does by default)', preferred: true, edits: [remove] }] : []),
    { title: 'Use "Strict"', preferred: remove === null, edits: [{ file: doc.file, range: entry.value.range, newText: tomlString('Strict') }] },
  ];
}

/** `hostname-verification-off`, `hostname-verifier-unknown`, `legacy-tls-protocol`. */
export const tlsSettingsRule: DocumentRule = {
  id: 'tls-settings',
  description: 'The HTTPS transports verify host names and offer only current TLS versions.',
  scope: 'document',
  codes: [
    {
      code: 'hostname-verification-off',
      severity: 'warning',
      doc: '`sender.hostname_verifier = "AllowAll"`: the HTTPS sender accepts any certificate host name, so a trusted certificate of any site passes for the endpoint.',
      advice: 'Quick fix: remove the key (Synapse then checks host names with `Default`, as MI does out of the box) or use `Strict`.',
    },
    {
      code: 'hostname-verifier-unknown',
      severity: 'warning',
      doc: '`sender.hostname_verifier` is not `Strict`, `AllowAll`, `DefaultAndLocalhost` or `Default` (in any case): MI\'s `ClientConnFactoryBuilder` then checks host names with `Default`, which is likely not what was meant (a misspelt `AllowAll` still verifies every host).',
      advice: 'Quick fix: remove the key (the same `Default` check, said plainly) or write one of the four values.',
    },
    {
      code: 'legacy-tls-protocol',
      severity: 'warning',
      doc: 'TLSv1, TLSv1.1 or SSLv3 is listed among the HTTPS protocols; they are deprecated (RFC 8996) and disabled by current JDKs unless java.security is weakened.',
      advice: 'Quick fix: list `TLSv1.2,TLSv1.3` only.',
    },
  ],
  check({ document: doc, report }) {
    for (const { key, entry } of writtenValues(doc)) {
      const value = String(entry.value.value).trim();
      const verifier = VERIFIER_KEYS.has(key) ? parseHostnameVerifier(value) : undefined;
      if (verifier?.unknown !== undefined) {
        report('hostname-verifier-unknown', {
          message: `\`${entry.keyParts.join('.')}\` is "${value}", which is none of Strict, AllowAll, DefaultAndLocalhost and Default: MI checks host names with Default.`,
          range: entry.value.range,
          fixes: hostnameCheckFixes(doc, entry),
        });
      }
      if (verifier?.name === 'AllowAll') {
        report('hostname-verification-off', {
          message: `\`${entry.keyParts.join('.')}\` is "${value}": the HTTPS sender accepts a certificate issued for any host name, which defeats TLS server authentication.`,
          range: entry.value.range,
          fixes: hostnameCheckFixes(doc, entry),
        });
      }
      if (PROTOCOL_KEYS.has(key)) {
        const list = value.split(/[\s,]+/).filter((p) => p);
        const legacy = list.filter((p) => LEGACY_PROTOCOL.test(p));
        if (legacy.length === 0) continue;
        const kept = list.filter((p) => !LEGACY_PROTOCOL.test(p));
        report('legacy-tls-protocol', {
          message: `\`${entry.keyParts.join('.')}\` offers ${legacy.join(', ')}: deprecated protocols (RFC 8996) that current JDKs disable; offer TLSv1.2 and TLSv1.3 only.`,
          range: entry.value.range,
          fixes: [{ title: `Offer ${kept.length ? kept.join(',') : 'TLSv1.2,TLSv1.3'} only`, preferred: true, edits: [{ file: doc.file, range: entry.value.range, newText: tomlString(kept.length ? kept.join(',') : 'TLSv1.2,TLSv1.3') }] }],
        });
      }
    }
  },
};

/** The JCE provider named in `[jce_provider]`, with its line; null when none. */
function jceProvider(doc: TomlDocument): { name: string; entry: TomlKeyValue } | null {
  const hit = writtenValues(doc).find((v) => v.key === 'jce_provider.provider_name');
  return hit ? { name: String(hit.entry.value.value).trim(), entry: hit.entry } : null;
}

/** `provider-store-type`. */
export const providerStoreTypeRule: WorkspaceRule = {
  id: 'provider-store-type',
  description: 'The stores are of the type the configured JCE provider loads.',
  scope: 'workspace',
  codes: [
    {
      code: 'provider-store-type',
      severity: 'warning',
      doc: '`[jce_provider] provider_name = "BCFIPS"` (MI 4.6, FIPS mode) loads `BCFKS` keystores, but a store is configured as JKS or PKCS12.',
      advice: 'Convert the stores to BCFKS (WSO2\'s FIPS guide) and set their `type = "BCFKS"`, or remove `[jce_provider]`.',
    },
  ],
  check(ctx) {
    const provider = jceProvider(ctx.document);
    if (!provider || provider.name.toUpperCase() !== 'BCFIPS') return;
    for (const s of ctx.config.stores) {
      if (s.disabled || !s.type || s.type.unresolved || s.type.value.toUpperCase() === 'BCFKS') continue;
      ctx.report('provider-store-type', { file: s.sourceFile,
        message: `The JCE provider is BCFIPS, whose keystores are BCFKS, but the ${s.label} is type ${shownValue(s.type)}${s.type.origin.kind === 'default' ? " (MI's default)" : ''}.`,
        range: s.type.anchor,
        subject: `${s.type.anchor.start.line}:${s.type.anchor.start.character}`,
        ownLine: isOwnLine(s, s.type),
      });
    }
  },
};
