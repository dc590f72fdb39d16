/**
 * The certificates a truststore trusts: expired or soon-expiring ones are listed, one finding per store.
 * Root CAs that ship with the store (the JDK's, which WSO2 copies into client-truststore.jks) are only
 * information: nobody configured them and TLS ignores an expired root it never meets.
 */
import type { TrustedCertEntry } from '../../keystore';
import type { WorkspaceRule } from '../rule';
import { certDetails, isoDay, shortName } from './certificates';
import { isOwnLine, shownFile } from './storeHelpers';

const DAY_MS = 86_400_000;
const LISTED = 5;

/** Aliases as WSO2 names the JDK's CAs it copies (`digicertglobalrootca [jdk]`). */
const SHIPPED_ALIAS = /\s\[jdk\]$/;

/** `trusted-certificate-expired`, `shipped-ca-expired`. */
export const trustedCertificatesRule: WorkspaceRule = {
  id: 'trusted-certificates',
  description: 'The certificates the truststores trust are current.',
  scope: 'workspace',
  codes: [
    {
      code: 'trusted-certificate-expired',
      severity: 'warning',
      doc: 'The truststore trusts certificates that have expired or expire soon; TLS to (or from) the parties they stand for fails after that date.',
      advice: 'Import the renewed certificates (command "Import Certificate") and delete the old entries.',
    },
    {
      code: 'shipped-ca-expired',
      severity: 'information',
      doc: 'Root CAs that came with the truststore (the JDK\'s) have expired or expire soon; nothing breaks unless a party still uses them.',
      advice: 'Nothing is urgent; refresh the truststore from a current JDK\'s cacerts when convenient.',
    },
  ],
  async check(ctx) {
    const now = ctx.options.now.getTime();
    const soon = now + ctx.options.expiryDays * DAY_MS;
    for (const s of ctx.stores.readable()) {
      if (s.role !== 'truststore') continue;
      const opened = await ctx.stores.open(s);
      if (opened.state !== 'open') continue;
      const configured: string[] = [];
      const shipped: string[] = [];
      for (const e of opened.store.entries) {
        if (e.kind !== 'trusted-cert') continue;
        const d = certDetails((e as TrustedCertEntry).certificate);
        if (!d || d.notAfter.getTime() >= soon) continue;
        const when = d.notAfter.getTime() < now ? `expired ${isoDay(d.notAfter)}` : `expires ${isoDay(d.notAfter)}`;
        const line = `"${e.alias}" (${shortName(d.info.subject)}, ${when})`;
        if (SHIPPED_ALIAS.test(e.alias) || (d.info.selfSigned && /\b(?:root|ca)\b/i.test(d.info.subject) && !/\b(?:localhost|wso2)\b/i.test(d.info.subject))) shipped.push(line);
        else configured.push(line);
      }
      const shown = shownFile(ctx.config, s);
      const list = (items: string[]) => items.slice(0, LISTED).join(', ') + (items.length > LISTED ? ` and ${items.length - LISTED} more` : '');
      const at = { range: s.file.anchor, ownLine: isOwnLine(s, s.file) };
      if (configured.length) {
        ctx.report('trusted-certificate-expired', { file: s.sourceFile,
          ...at,
          subject: `${s.path}|configured`,
          message: `The ${s.label} ${shown} trusts ${configured.length} certificate${configured.length === 1 ? '' : 's'} past or near its end date: ${list(configured)}.`,
        });
      }
      if (shipped.length) {
        ctx.report('shipped-ca-expired', { file: s.sourceFile,
          ...at,
          subject: `${s.path}|shipped`,
          message: `${shipped.length} root CA${shipped.length === 1 ? '' : 's'} shipped in ${shown} ${shipped.length === 1 ? 'is' : 'are'} past or near the end date: ${list(shipped)}.`,
        });
      }
    }
  },
};
