/**
 * The certificates of the keys MI serves with: current, strong keys, strong signatures, and a
 * CA-signed primary certificate.
 */
import type { Fix } from '../../problem';
import { describeCertificate, parseCertificate, type CertificateInfo, type PrivateKeyEntry } from '../../keystore';
import type { EffectiveStore, Sourced } from '../../workspace/effectiveConfig';
import type { Finding, WorkspaceRule, WorkspaceRuleContext } from '../rule';
import { isOwnLine } from './storeHelpers';

const DAY_MS = 86_400_000;

const describeCache = new WeakMap<Uint8Array, { info: CertificateInfo; notAfter: Date } | null>();

/** Certificate details, once per DER object (stores are cached, so their DER objects are too). */
export function certDetails(der: Uint8Array): { info: CertificateInfo; notAfter: Date } | null {
  let hit = describeCache.get(der);
  if (hit === undefined) {
    try {
      hit = { info: describeCertificate(der), notAfter: parseCertificate(der).notAfter };
    } catch {
      hit = null; // A certificate the reader cannot parse: nothing to say about its dates or key.
    }
    describeCache.set(der, hit);
  }
  return hit;
}

/** `2026-01-31`. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The first CN of a DN, else the DN: enough for a person to recognise the certificate. */
export function shortName(dn: string): string {
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(dn);
  return cn ? `CN=${cn[1]}` : dn;
}

/** `certificate-expired`, `certificate-expiring`, `weak-key`, `weak-signature`, `self-signed-primary`. */
export const certificatesRule: WorkspaceRule = {
  id: 'certificates',
  description: 'The certificates of the configured keys are current and strong.',
  scope: 'workspace',
  codes: [
    {
      code: 'certificate-expired',
      severity: 'error',
      doc: "The certificate of a configured key that serves TLS has expired (the internal keystore's dates are not judged: its key only encrypts secrets, which works whatever they are).",
      advice: 'Renew: generate a new key pair or import a renewed CA reply.',
    },
    {
      code: 'certificate-expiring',
      severity: 'warning',
      doc: 'The certificate of the configured key expires soon.',
      advice: 'Renew before the date; the warning window is `miKeystores.expiryWarningDays` / `--expiry-days`.',
    },
    { code: 'weak-key', severity: 'warning', doc: 'The configured key is too small (e.g. RSA below 2048 bits).', advice: 'Generate a new key pair: RSA 2048 or more, or EC P-256 or more.' },
    { code: 'weak-signature', severity: 'warning', doc: 'The certificate is signed with a weak algorithm (MD5 or SHA-1).', advice: 'Get a certificate signed with SHA-256 or better.' },
    {
      code: 'self-signed-primary',
      severity: 'information',
      doc: "The primary keystore's certificate is self-signed; external clients will not trust it (a CA-signed one is recommended).",
      advice: 'Create a CSR (command "Generate CSR"), have a CA sign it, import the reply.',
    },
  ],
  async check(ctx) {
    for (const s of ctx.stores.readable()) {
      if (s.role !== 'keystore' || s.alias?.unresolved) continue;
      const opened = await ctx.stores.open(s);
      if (opened.state !== 'open') continue;
      const keys = ctx.stores.keysOf(s, opened.store);
      if (keys.state === 'keys') for (const key of keys.keys) checkChain(ctx, s, key, keys.keys.length > 1);
    }
  },
};

function checkChain(ctx: WorkspaceRuleContext, s: EffectiveStore, key: PrivateKeyEntry, oneOfSeveral: boolean): void {
  const file = s.path as string;
  const anchorValue: Sourced = s.alias ?? s.file;
  const own = isOwnLine(s, anchorValue);
  const now = ctx.options.now;
  key.chain.forEach((der, i) => {
    const d = certDetails(der);
    if (!d) return;
    // Without an alias the consumer's key manager may present any key of the store: say so, since the key is not one a line names.
    const whose = !s.alias && oneOfSeveral ? `key "${key.alias}" (the ${s.label} has no alias, so its key manager may present any of its keys)` : `key "${key.alias}"`;
    const who = i === 0 ? `The certificate of ${whose}` : `The chain certificate ${shortName(d.info.subject)} of ${whose}`;
    const subject = `${file}|${key.alias.toLowerCase()}|${d.info.sha256}`;
    const renew: Fix[] = i === 0 ? [{ title: `Renew the certificate of "${key.alias}"`, run: { action: 'renewCertificate', args: { file, alias: key.alias } } }] : [];
    const at = { range: anchorValue.anchor, subject, ownLine: own, file: s.sourceFile };
    // The internal keystore serves no TLS: its key encrypts and decrypts secrets whatever the certificate's
    // dates and signature (a JDK harness decrypted with an expired one), so only its key size is judged.
    if (s.consumer === 'internal') {
      if (i === 0) checkKeySize(ctx, d.info, who, at, renew);
      return;
    }
    if (d.notAfter.getTime() < now.getTime()) {
      ctx.report('certificate-expired', { ...at, message: `${who} (${shortName(d.info.subject)}) expired on ${isoDay(d.notAfter)}; TLS clients reject it.`, fixes: renew });
    } else if (d.notAfter.getTime() < now.getTime() + ctx.options.expiryDays * DAY_MS) {
      const days = Math.ceil((d.notAfter.getTime() - now.getTime()) / DAY_MS);
      ctx.report('certificate-expiring', {
        ...at,
        message: `${who} (${shortName(d.info.subject)}) expires on ${isoDay(d.notAfter)}, in ${days} day${days === 1 ? '' : 's'}.`,
        fixes: renew,
      });
    }
    // A self-signed CA at the end of a chain is trusted by identity, not by its own signature.
    const isRoot = i > 0 && d.info.selfSigned;
    if (i === 0 || !isRoot) {
      checkKeySize(ctx, d.info, who, at, renew);
      if (/SHA1|SHA-1|MD5|MD2/i.test(d.info.signatureAlgorithm) && !isRoot) {
        ctx.report('weak-signature', { ...at, message: `${who} is signed with ${d.info.signatureAlgorithm}, which clients reject; re-sign it with SHA-256.`, fixes: renew });
      }
    }
    if (i === 0 && s.consumer === 'primary' && d.info.selfSigned) {
      ctx.report('self-signed-primary', {
        ...at,
        message: `The primary keystore's certificate "${key.alias}" is self-signed; a CA-signed certificate is recommended because it faces external parties.`,
        fixes: [{ title: `Create a CSR for "${key.alias}"`, run: { action: 'createCsr', args: { file, alias: key.alias } } }],
      });
    }
  });
}

/** `weak-key`: RSA and DSA below 2048 bits, EC below 256. */
function checkKeySize(ctx: WorkspaceRuleContext, info: CertificateInfo, who: string, at: Omit<Finding, 'message'>, renew: Fix[]): void {
  const alg = info.publicKeyAlgorithm.toUpperCase();
  const size = info.publicKeySize;
  const min = alg === 'RSA' || alg === 'DSA' ? 2048 : alg === 'EC' ? 256 : 0;
  if (size !== null && size < min) ctx.report('weak-key', { ...at, message: `${who} has a ${size}-bit ${alg} key; use at least ${min} bits.`, fixes: renew });
}
