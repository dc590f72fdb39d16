/** The stores agree with each other: a separate internal key, a truststore that trusts MI itself. */
import { findEntry, sha256Fingerprint, type Keystore } from '../../keystore';
import { displayPath, storeById } from '../../workspace/effectiveConfig';
import type { WorkspaceRule } from '../rule';

const fingerprintCache = new WeakMap<Keystore, Set<string>>();

/** SHA-256 fingerprints of every certificate a store holds (trusted entries and key chains). */
export function storeFingerprints(store: Keystore): Set<string> {
  let set = fingerprintCache.get(store);
  if (!set) {
    set = new Set();
    for (const e of store.entries) {
      if (e.kind === 'trusted-cert') set.add(sha256Fingerprint(e.certificate));
      else if (e.kind === 'private-key') for (const c of e.chain) set.add(sha256Fingerprint(c));
    }
    fingerprintCache.set(store, set);
  }
  return set;
}

/** `internal-same-as-primary`, `truststore-missing-primary-cert`. */
export const storeAgreementRule: WorkspaceRule = {
  id: 'store-agreement',
  description: 'The internal keystore is separate from the primary, and the truststore trusts the primary certificate.',
  scope: 'workspace',
  codes: [
    {
      code: 'internal-same-as-primary',
      severity: 'information',
      doc: 'The internal keystore is the primary one; renewing the primary certificate then breaks every encrypted secret.',
      advice: 'Separate the internal keystore (command "Separate Internal Keystore") before secrets are encrypted.',
    },
    {
      code: 'truststore-missing-primary-cert',
      severity: 'warning',
      doc: "The truststore does not hold the primary keystore's certificate, so MI's calls to itself fail TLS.",
      advice: 'Quick fix: import the primary certificate into the truststore.',
    },
  ],
  async check(ctx) {
    const primary = storeById(ctx.config, 'primary');
    const internal = storeById(ctx.config, 'internal');
    const trust = storeById(ctx.config, 'truststore');
    const readable = new Set(ctx.stores.readable());
    if (primary?.path && internal?.path && primary.path === internal.path && (primary.alias?.value ?? '').toLowerCase() === (internal.alias?.value ?? '').toLowerCase()) {
      ctx.report('internal-same-as-primary', {
        message:
          'The internal keystore is the primary keystore (same file and alias); a separate internal keystore is recommended, because renewing the primary certificate would make every encrypted secret unusable.',
        range: internal.tableNode?.headerRange ?? primary.tableNode?.headerRange ?? primary.file.anchor,
        subject: primary.path,
        fixes: [{ title: 'Create a separate internal keystore', run: { action: 'separateInternalKeystore', args: { root: ctx.workspace.root } } }],
      });
    }
    if (!primary?.alias || !trust || !readable.has(primary) || !readable.has(trust)) return;
    const p = await ctx.stores.open(primary);
    const t = await ctx.stores.open(trust);
    if (p.state !== 'open' || t.state !== 'open') return;
    const entry = findEntry(p.store, primary.alias.value);
    const leaf = entry?.kind === 'private-key' ? entry.chain[0] : undefined;
    if (!leaf || storeFingerprints(t.store).has(sha256Fingerprint(leaf))) return;
    ctx.report('truststore-missing-primary-cert', {
      message: `The truststore ${displayPath(ctx.workspace, trust.path as string)} does not hold the certificate of the primary key "${entry?.alias}", so MI's calls to itself over TLS fail.`,
      range: trust.file.anchor,
      subject: `${trust.path}|${sha256Fingerprint(leaf)}`,
      fixes: [
        { title: `Import the certificate of "${entry?.alias}" into the truststore`, preferred: true, run: { action: 'importCertificate', args: { from: primary.path, alias: entry?.alias, into: trust.path } } },
      ],
    });
  },
};
