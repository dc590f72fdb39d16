// Writes docs/diagnostics.md from the problem-code list (src/core/checks/codes.ts), so the page that every
// Diagnostic links to documents exactly the codes the engine reports. `--check` fails when the page is stale.
// Usage: npx tsx scripts/makeDiagnosticsDoc.ts [--check]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROBLEM_CODES } from '../src/core/checks/codes';

/** What a person does about each code; the quick fix, where there is one, does it for them. */
const ADVICE: Record<string, string> = {
  'toml-syntax': 'Fix the line the problem points at. Other tables are still checked.',
  'duplicate-key': 'Delete one of the two lines (MI would not start).',
  'toml-not-checked': 'Remove what a deployment.toml does not need (generated blocks, deep nesting) or fix the syntax errors above the line; the rest of the file is checked as usual.',
  'duplicate-table': 'Merge the two tables into one.',
  'unknown-key': 'Quick fix: rename to the key MI reads (did-you-mean).',
  'obsolete-table': 'Quick fix: rename `[keystore.tls]` to `[keystore.primary]`.',
  'wrong-value-type': 'Write the value as the type the schema names (usually a quoted string).',
  'invalid-store-type': 'Quick fix: set `type` to `JKS` or `PKCS12`.',
  'bare-file-name': 'Quick fix: write `repository/resources/security/<name>`.',
  'missing-password': 'Add the keystore\'s real `password` to the table.',
  'default-password': 'Change the store password (command "Change Keystore Password"), then the table.',
  'password-too-short': 'Use 6 characters or more; keytool refuses shorter ones.',
  'plaintext-password': 'Quick fix: move the password into `[secrets]`, encrypted, and write `$secret{alias}` in its place.',
  'secret-undefined': 'Add the alias to `[secrets]`, or correct the reference.',
  'secret-plain': 'Quick fix: encrypt this value with the internal key (as `ciphertool.sh -Dconfigure` would).',
  'secret-alias-invalid': 'Rename the alias to letters, digits and `_` only.',
  'keystore-not-found': 'Correct `file_name`, or create the keystore (command "Generate Keystore").',
  'keystore-in-legacy-folder': 'Quick fixes: move the file to `repository/resources/security/`, or point `file_name` at it.',
  'keystore-unreadable': 'Restore the file from a backup; it is damaged or not a keystore. It is never overwritten.',
  'store-type-mismatch': 'Quick fix: set `type` to the file\'s real format.',
  'wrong-store-password': 'Correct `password`. A wrong password is never reported as a damaged file, nor the reverse.',
  'integrity-unverifiable': 'Nothing is wrong yet; convert the store (command "Convert Keystore") to get a MAC.',
  'password-unresolved': 'Give the password once when the editor asks (kept in VS Code\'s secret storage), or pass it to the CLI.',
  'alias-not-found': 'Quick fix: one per private-key alias the store holds.',
  'alias-not-private-key': 'Point `alias` at a private-key entry, or import the key (command "Import Key and Chain").',
  'wrong-key-password': 'Correct `key_password`, or change the key password (command "Change Key Password").',
  'key-password-differs': 'Make the key password equal to the store password.',
  'certificate-expired': 'Renew: generate a new key pair or import a renewed CA reply.',
  'certificate-expiring': 'Renew before the date; the warning window is `miKeystores.expiryWarningDays` / `--expiry-days`.',
  'weak-key': 'Generate a new key pair: RSA 2048 or more, or EC P-256 or more.',
  'weak-signature': 'Get a certificate signed with SHA-256 or better.',
  'self-signed-primary': 'Create a CSR (command "Generate CSR"), have a CA sign it, import the reply.',
  'internal-same-as-primary': 'Separate the internal keystore (command "Separate Internal Keystore") before secrets are encrypted.',
  'truststore-missing-primary-cert': 'Quick fix: import the primary certificate into the truststore.',
  'project-keystore-mismatch': 'Use one keystore name in pom.xml, the Dockerfile and deployment.toml.',
  'secret-undecryptable': 'Restore the internal keystore the secret was made with, or re-encrypt it (command "Rotate Internal Keystore" keeps secrets).',
};

const lines = [
  '# Diagnostics',
  '',
  'Every problem MI Keystores reports in deployment.toml (editor and `mi-keystores check`), by code.',
  'Generated from `src/core/checks/codes.ts` by `npx tsx scripts/makeDiagnosticsDoc.ts`; do not edit by hand.',
  '',
];
for (const c of PROBLEM_CODES) {
  lines.push(`## ${c.code}`, '', `**${c.severity}** · ${c.scope === 'document' ? 'found from the text alone' : 'found by reading the keystores'}`, '', c.doc, '');
  if (ADVICE[c.code]) lines.push(`What to do: ${ADVICE[c.code]}`, '');
}
const text = lines.join('\n');
const target = path.resolve(__dirname, '../docs/diagnostics.md');
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== text) {
    console.error('docs/diagnostics.md is stale: run npx tsx scripts/makeDiagnosticsDoc.ts');
    process.exit(1);
  }
} else {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
}
