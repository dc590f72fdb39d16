/**
 * What the keystore editor shows, as plain serialisable data: a summary of the store, one row per entry
 * (key pairs first, as the Keystores view lists them), the details of one entry on request, and the lines
 * of deployment.toml, pom.xml and the Dockerfile that use the file. The editor's webview only renders
 * this; it never sees a key, a password or raw bytes beyond certificates.
 */
import * as path from 'node:path';
import { certificatesOf, describeCertificate, parseCertificate, certificateUsage, commonNameOf, encodePem, type Entry, type Keystore, type KeystoreFormat, type Integrity } from './keystore';
import type { Range, Severity } from './problem';
import type { EffectiveStore } from './workspace/effectiveConfig';
import type { MiWorkspace } from './workspace/discover';
import { copyTarget, readDockerCopies, readPomKeystoreProperties } from './workspace/project';
import { SECURITY_DIR } from './workspace/resolvePath';

/** The kind of an entry as the editor names it. */
export type EntryKindName = 'key pair' | 'trusted certificate' | 'secret key';

/** Where a date stands against today and the warning window. */
export type ExpiryState = 'expired' | 'expiring' | 'valid';

/** One row of the entries table. */
export interface EntryRow {
  /** Index of the entry in the file (stable while the file does not change). */
  readonly index: number;
  readonly alias: string;
  readonly kind: EntryKindName;
  /** Common name of the (leaf) certificate's subject; '' for a secret key or an unreadable certificate. */
  readonly subjectCn: string;
  readonly issuerCn: string;
  /** ISO-8601 (UTC), null for a secret key or an unreadable certificate. */
  readonly notAfter: string | null;
  readonly expiry: ExpiryState | null;
  readonly keyAlgorithm: string;
  readonly keySize: number | null;
  readonly signatureAlgorithm: string;
  /** keytool's form, uppercase colon-separated hex; '' when there is no certificate. */
  readonly sha256: string;
  /** Length of the certificate chain (1 for a trusted certificate, 0 for a secret key). */
  readonly chainLength: number;
}

/** Everything about one certificate of a chain. */
export interface CertificateDetails {
  readonly subject: string;
  readonly issuer: string;
  readonly subjectCn: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly expiry: ExpiryState;
  readonly sha1: string;
  readonly sha256: string;
  readonly publicKeyAlgorithm: string;
  readonly publicKeySize: number | null;
  readonly signatureAlgorithm: string;
  readonly subjectAltNames: readonly string[];
  readonly keyUsage: readonly string[];
  readonly extendedKeyUsage: readonly string[];
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength: number | null } | null;
  readonly selfSigned: boolean;
  readonly pem: string;
}

/** The details pane of one entry. */
export interface EntryDetails {
  readonly index: number;
  readonly alias: string;
  readonly kind: EntryKindName;
  /** ISO-8601 creation date the store records, null when none. */
  readonly created: string | null;
  /** Leaf first; empty for a secret key. A certificate that does not parse is left out and counted. */
  readonly chain: readonly CertificateDetails[];
  readonly unreadableCertificates: number;
}

/** The summary line on top of the editor. */
export interface StoreSummary {
  readonly format: KeystoreFormat;
  readonly integrity: Integrity;
  readonly keyPairs: number;
  readonly trustedCertificates: number;
  readonly secretKeys: number;
  /** The certificate (of any entry's chain) that expires first. */
  readonly nearestExpiry: { readonly alias: string; readonly notAfter: string; readonly expiry: ExpiryState } | null;
}

/** A problem the checks found on a line that uses the file. */
export interface UsageProblem {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
}

/** One line of a workspace file that points at the keystore. */
export interface Usage {
  /** Absolute path of deployment.toml, pom.xml or the Dockerfile. */
  readonly file: string;
  /** What the line is: `[keystore.primary]`, `pom.xml keystore.name`, `Dockerfile COPY`. */
  readonly source: string;
  /** What MI does with the file there: primary keystore, truststore, HTTPS listener keystore… */
  readonly role: string;
  /** Where to jump: the `file_name` line when written, else the table header, else the top of the file. */
  readonly range: Range;
  /** For a consumer without a table of its own: the key its file comes from (`keystore.primary.file_name`). */
  readonly via?: string;
  readonly problems: readonly UsageProblem[];
}

/** The whole model the editor sends for a store it could open. */
export interface KeystoreViewModel {
  readonly file: string;
  readonly fileName: string;
  readonly summary: StoreSummary;
  readonly entries: readonly EntryRow[];
  readonly usedBy: readonly Usage[];
}

/** Options of describeKeystore. */
export interface DescribeOptions {
  /** Today (injectable for tests). */
  readonly now?: Date;
  /** Certificates expiring within this many days are `expiring` (the `expiryWarningDays` setting). */
  readonly warningDays?: number;
}

const DAY_MS = 86_400_000;

/** Where `notAfter` stands against `now` and the warning window. */
export function expiryState(notAfter: Date, now: Date, warningDays: number): ExpiryState {
  if (notAfter.getTime() < now.getTime()) return 'expired';
  return notAfter.getTime() - now.getTime() <= warningDays * DAY_MS ? 'expiring' : 'valid';
}

function kindName(e: Entry): EntryKindName {
  return e.kind === 'private-key' ? 'key pair' : e.kind === 'trusted-cert' ? 'trusted certificate' : 'secret key';
}

/** Key pairs, then secret keys, then trusted certificates, each in file order (the Keystores view's order). */
function rank(e: Entry): number {
  return e.kind === 'private-key' ? 0 : e.kind === 'secret-key' ? 1 : 2;
}

function rowOf(e: Entry, index: number, now: Date, warningDays: number): EntryRow {
  const chain = certificatesOf(e);
  const leaf = chain[0];
  const base = { index, alias: e.alias, kind: kindName(e), chainLength: chain.length };
  if (!leaf) {
    return { ...base, subjectCn: '', issuerCn: '', notAfter: null, expiry: null, keyAlgorithm: e.kind === 'secret-key' ? 'secret' : '', keySize: null, signatureAlgorithm: '', sha256: '' };
  }
  try {
    const info = describeCertificate(leaf);
    const parsed = parseCertificate(leaf);
    return {
      ...base,
      subjectCn: commonNameOf(leaf, parsed.subject),
      issuerCn: commonNameOf(leaf, parsed.issuer),
      notAfter: info.notAfter,
      expiry: expiryState(parsed.notAfter, now, warningDays),
      keyAlgorithm: info.publicKeyAlgorithm,
      keySize: info.publicKeySize,
      signatureAlgorithm: info.signatureAlgorithm,
      sha256: info.sha256,
    };
  } catch {
    // A certificate the reader refuses still leaves its entry listed, by alias.
    return { ...base, subjectCn: '', issuerCn: '', notAfter: null, expiry: null, keyAlgorithm: '', keySize: null, signatureAlgorithm: '', sha256: '' };
  }
}

/** The summary and the rows of a decoded store; `usedBy` is filled by the caller (see usagesOf). */
export function describeKeystore(file: string, store: Keystore, usedBy: readonly Usage[], options: DescribeOptions = {}): KeystoreViewModel {
  const now = options.now ?? new Date();
  const warningDays = options.warningDays ?? 30;
  const order = store.entries.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i);
  const entries = order.map(({ e, i }) => rowOf(e, i, now, warningDays));
  let nearest: { alias: string; at: Date } | null = null;
  for (const e of store.entries) {
    for (const der of certificatesOf(e)) {
      let at: Date;
      try {
        at = parseCertificate(der).notAfter;
      } catch {
        continue;
      }
      if (!nearest || at < nearest.at) nearest = { alias: e.alias, at };
    }
  }
  const count = (k: Entry['kind']): number => store.entries.filter((e) => e.kind === k).length;
  return {
    file,
    fileName: path.basename(file),
    summary: {
      format: store.format,
      integrity: store.integrity,
      keyPairs: count('private-key'),
      trustedCertificates: count('trusted-cert'),
      secretKeys: count('secret-key'),
      nearestExpiry: nearest ? { alias: nearest.alias, notAfter: nearest.at.toISOString(), expiry: expiryState(nearest.at, now, warningDays) } : null,
    },
    entries,
    usedBy,
  };
}

/** The details pane of the entry at `index` in file order; undefined when there is none. */
export function describeEntry(store: Keystore, index: number, options: DescribeOptions = {}): EntryDetails | undefined {
  const e = store.entries[index];
  if (!e) return undefined;
  const now = options.now ?? new Date();
  const warningDays = options.warningDays ?? 30;
  const chain: CertificateDetails[] = [];
  let unreadable = 0;
  for (const der of certificatesOf(e)) {
    try {
      const info = describeCertificate(der);
      const parsed = parseCertificate(der);
      chain.push({
        subject: info.subject,
        issuer: info.issuer,
        subjectCn: commonNameOf(der, parsed.subject),
        serialNumber: info.serialNumber,
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        expiry: expiryState(parsed.notAfter, now, warningDays),
        sha1: info.sha1,
        sha256: info.sha256,
        publicKeyAlgorithm: info.publicKeyAlgorithm,
        publicKeySize: info.publicKeySize,
        signatureAlgorithm: info.signatureAlgorithm,
        subjectAltNames: info.subjectAltNames,
        ...certificateUsage(parsed),
        selfSigned: info.selfSigned,
        pem: encodePem('CERTIFICATE', der),
      });
    } catch {
      unreadable++;
    }
  }
  return { index, alias: e.alias, kind: kindName(e), created: e.created ? e.created.toISOString() : null, chain, unreadableCertificates: unreadable };
}

/** A problem of the workspace, reduced to what the usage list needs (file + range to match it to a line). */
export interface LocatedProblem extends UsageProblem {
  readonly file: string;
  readonly range: Range;
}

/** One consumer of the store, with the deployment.toml it comes from. */
export interface ConsumerOfFile {
  readonly deploymentToml: string;
  readonly store: EffectiveStore;
}

/** The texts of a project's pom.xml and Dockerfile, when the workspace is a project (null when absent). */
export interface ProjectFiles {
  readonly workspace: MiWorkspace;
  readonly pomXml: string | null;
  readonly dockerfile: string | null;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/**
 * The problems on `ranges` of `file`, each once: consumers that inherit the primary keystore's lines would
 * otherwise all repeat the primary's problems.
 */
function problemsOn(problems: readonly LocatedProblem[], file: string, ranges: readonly Range[], seen: Set<LocatedProblem>): UsageProblem[] {
  return problems
    .filter((p) => p.file === file && !seen.has(p) && ranges.some((r) => overlaps(p.range, r)))
    .map((p) => (seen.add(p), { severity: p.severity, code: p.code, message: p.message }));
}

const TOP: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * The "used by" list of `file`: each consumer of deployment.toml with the problems on its table (or on the
 * lines its values come from), then the pom.xml `keystore.name` and Dockerfile `COPY` lines that name the
 * file in an integration project.
 */
export function usagesOf(file: string, consumers: readonly ConsumerOfFile[], projects: readonly ProjectFiles[], problems: readonly LocatedProblem[]): Usage[] {
  const out: Usage[] = [];
  const seen = new Set<LocatedProblem>();
  for (const { deploymentToml, store } of consumers) {
    const written = store.file.origin.kind === 'line';
    const range = written ? store.file.anchor : (store.tableNode?.headerRange ?? TOP);
    const ranges = [store.file.anchor, ...(store.tableNode ? [store.tableNode.range] : [])];
    for (const v of [store.password, store.alias, store.keyPassword, store.type]) if (v) ranges.push(v.anchor);
    const inherited = !store.tableNode && store.file.origin.kind === 'line' ? store.file.origin.key : undefined;
    out.push({
      file: deploymentToml,
      source: `[${store.tableNode?.name ?? store.table}]`,
      role: store.label,
      range,
      ...(inherited ? { via: inherited } : {}),
      problems: problemsOn(problems, deploymentToml, ranges, seen),
    });
  }
  const abs = path.resolve(file);
  for (const p of projects) {
    const ws = p.workspace;
    if (ws.kind !== 'project') continue;
    const primary = consumers.find((c) => c.deploymentToml === ws.deploymentToml && c.store.consumer === 'primary');
    if (p.pomXml !== null && primary) {
      const name = readPomKeystoreProperties(p.pomXml).name;
      if (name && name.value === path.basename(abs)) {
        out.push({ file: ws.pomXml, source: 'pom.xml keystore.name', role: 'cipher tool keystore', range: name.valueRange, problems: problemsOn(problems, ws.pomXml, [name.valueRange], seen) });
      }
    }
    if (p.dockerfile !== null && ws.dockerfile) {
      const context = path.dirname(ws.dockerfile);
      for (const copy of readDockerCopies(p.dockerfile)) {
        copy.sources.forEach((src, i) => {
          if (path.resolve(context, src) !== abs) return;
          const target = copyTarget(copy, i);
          const role = target?.startsWith(`${SECURITY_DIR}/`) ? `copied into the image as ${target}` : 'copied into the image';
          out.push({ file: ws.dockerfile as string, source: 'Dockerfile COPY', role, range: copy.range, problems: problemsOn(problems, ws.dockerfile as string, [copy.range], seen) });
        });
      }
    }
  }
  return out;
}
