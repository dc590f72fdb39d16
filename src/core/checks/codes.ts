/**
 * Every problem code the engine reports (issue 7 §4), with its default severity and a one-line doc.
 * The checks take severities from here, the extension and the CLI list the codes from here, and the
 * README's "Diagnostics" section documents the same set (see `problemDocUrl`).
 */
import type { Severity } from '../problem';

/** What a problem code means and how loud it is. */
export interface ProblemCodeInfo {
  readonly code: string;
  readonly severity: Severity;
  /** One line for a person: what is wrong, phrased as the finding. */
  readonly doc: string;
  /** `document`: found from the text alone (./document.ts); `keystore`: needs the workspace and the store files. */
  readonly scope: 'document' | 'keystore';
}

// Order: document-level checks first (the text alone decides), then the ones that read keystores.
const LIST = [
  // --- document (src/core/checks/document.ts) ---
  { code: 'toml-syntax', severity: 'error', scope: 'document', doc: 'The TOML does not parse; MI stops at start-up with "Error parsing deployment configuration".' },
  { code: 'duplicate-key', severity: 'error', scope: 'document', doc: 'A key is defined twice in the same table; strict TOML (and so MI) rejects the file.' },
  { code: 'duplicate-table', severity: 'error', scope: 'document', doc: 'A [table] header appears twice; strict TOML (and so MI) rejects the file.' },
  { code: 'toml-not-checked', severity: 'warning', scope: 'document', doc: 'Text beyond what a deployment.toml ever needs (over 5 MB, brackets nested over 32 deep, or too many syntax errors to check them all) is not checked.' },
  { code: 'unknown-key', severity: 'warning', scope: 'document', doc: 'A key MI does not read in a keystore-related table; MI ignores it silently (often a typo).' },
  { code: 'obsolete-table', severity: 'warning', scope: 'document', doc: 'A table MI 4.x no longer reads, such as [keystore.tls] (MI 1.1.0 only).' },
  { code: 'wrong-value-type', severity: 'error', scope: 'document', doc: 'A value of the wrong TOML type for its key (for example a number where MI expects a string).' },
  { code: 'invalid-store-type', severity: 'error', scope: 'document', doc: 'A keystore `type` other than JKS or PKCS12.' },
  { code: 'bare-file-name', severity: 'warning', scope: 'document', doc: 'A `file_name` without a folder resolves to MI_HOME/<name> at runtime, not repository/resources/security/.' },
  { code: 'missing-password', severity: 'warning', scope: 'document', doc: 'A table points at another keystore file but leaves the password at the default `wso2carbon`.' },
  { code: 'default-password', severity: 'warning', scope: 'document', doc: 'The well-known default password `wso2carbon` is used.' },
  { code: 'password-too-short', severity: 'warning', scope: 'document', doc: 'A keystore password shorter than 6 characters, which keytool refuses.' },
  { code: 'plaintext-password', severity: 'hint', scope: 'document', doc: 'A password is written in plain text; it could be a `$secret{alias}` encrypted by the cipher tool.' },
  { code: 'secret-undefined', severity: 'error', scope: 'document', doc: '`$secret{x}` names an alias that [secrets] does not define; MI exits ("Secret references can\'t be resolved").' },
  { code: 'secret-plain', severity: 'warning', scope: 'document', doc: 'A [secrets] value is still `[plain text]`; MI refuses it unless started with -DencryptSecrets=true.' },
  { code: 'secret-alias-invalid', severity: 'error', scope: 'document', doc: 'A secret alias with characters outside [A-Za-z0-9_]; dotted aliases break resolution.' },
  // --- keystore (src/core/checks/keystoreChecks.ts, projectChecks.ts, src/core/secrets/secretChecks.ts) ---
  { code: 'keystore-not-found', severity: 'error', scope: 'keystore', doc: 'The keystore file named by `file_name`/`location` does not exist; MI logs "Error opening Key store".' },
  { code: 'keystore-in-legacy-folder', severity: 'warning', scope: 'keystore', doc: 'The keystore sits in repository/security/ (MI 1.x wording) instead of repository/resources/security/.' },
  { code: 'keystore-unreadable', severity: 'error', scope: 'keystore', doc: 'The file is not a keystore MI can load (malformed or unsupported format).' },
  { code: 'store-type-mismatch', severity: 'warning', scope: 'keystore', doc: 'The configured `type` differs from the file\'s real format (the JDK may still load it).' },
  { code: 'wrong-store-password', severity: 'error', scope: 'keystore', doc: 'The store password does not open the keystore ("Keystore was tampered with, or password was incorrect").' },
  { code: 'integrity-unverifiable', severity: 'information', scope: 'keystore', doc: 'The store has no integrity check (PKCS12 without MAC): any password lists it, only key recovery proves the password.' },
  { code: 'password-unresolved', severity: 'information', scope: 'keystore', doc: 'The password is a `$secret{}`/`$env{}`/`$sys{}` reference the editor cannot resolve, so the store was not opened.' },
  { code: 'alias-not-found', severity: 'error', scope: 'keystore', doc: 'The alias is not in the keystore ("Cannot find key for alias").' },
  { code: 'alias-not-private-key', severity: 'error', scope: 'keystore', doc: 'The alias names a certificate, not a private key entry ("Key is not a private key").' },
  { code: 'wrong-key-password', severity: 'error', scope: 'keystore', doc: 'The key password does not recover the private key ("Cannot recover key").' },
  { code: 'key-password-differs', severity: 'warning', scope: 'keystore', doc: 'The primary keystore\'s key password differs from its store password; MI reads the key with the store password.' },
  { code: 'certificate-expired', severity: 'error', scope: 'keystore', doc: 'The certificate of the configured key has expired.' },
  { code: 'certificate-expiring', severity: 'warning', scope: 'keystore', doc: 'The certificate of the configured key expires soon.' },
  { code: 'weak-key', severity: 'warning', scope: 'keystore', doc: 'The configured key is too small (e.g. RSA below 2048 bits).' },
  { code: 'weak-signature', severity: 'warning', scope: 'keystore', doc: 'The certificate is signed with a weak algorithm (MD5 or SHA-1).' },
  { code: 'self-signed-primary', severity: 'information', scope: 'keystore', doc: 'The primary keystore\'s certificate is self-signed; external clients will not trust it (a CA-signed one is recommended).' },
  { code: 'internal-same-as-primary', severity: 'information', scope: 'keystore', doc: 'The internal keystore is the primary one; renewing the primary certificate then breaks every encrypted secret.' },
  { code: 'truststore-missing-primary-cert', severity: 'warning', scope: 'keystore', doc: 'The truststore does not hold the primary keystore\'s certificate, so MI\'s calls to itself fail TLS.' },
  { code: 'project-keystore-mismatch', severity: 'warning', scope: 'keystore', doc: 'The keystore name differs between pom.xml, the Dockerfile and deployment.toml of an integration project.' },
  { code: 'secret-undecryptable', severity: 'error', scope: 'keystore', doc: 'An encrypted [secrets] value cannot be decrypted with the internal keystore\'s key (the internal keystore changed).' },
] as const satisfies readonly ProblemCodeInfo[];

/** Every problem code, in documentation order. */
export const PROBLEM_CODES: readonly ProblemCodeInfo[] = LIST;

/** A known problem code. */
export type ProblemCode = (typeof LIST)[number]['code'];

const BY_CODE = new Map<string, ProblemCodeInfo>(LIST.map((c) => [c.code, c]));

/** The info of a code, or undefined for a code not in the list. */
export function problemCodeInfo(code: string): ProblemCodeInfo | undefined {
  return BY_CODE.get(code);
}

/** The default severity of a known code. */
export function severityOf(code: ProblemCode): Severity {
  return (BY_CODE.get(code) as ProblemCodeInfo).severity;
}
