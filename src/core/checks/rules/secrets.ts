/**
 * The secure vault: every `$secret{}` is resolvable (from [secrets], or a run-time vault), no `[secrets]`
 * value is left in plain text, aliases are ones MI looks up, and every ciphertext still decrypts with the
 * internal key and the transformation MI uses. The logic lives in ../../secrets; this module only declares
 * it as rules.
 */
import type { TomlDocument } from '../../config/toml';
import { checkSecretReferences } from '../../secrets/references';
import { checkWorkspaceSecrets } from '../../secrets/secretChecks';
import type { DocumentRule, WorkspaceRule } from '../rule';
import { liveTables } from './shared';

/** `secret-undefined`, `secret-plain`, `secret-alias-invalid`. */
export const secretReferencesRule: DocumentRule = {
  id: 'secret-references',
  description: 'Every `$secret{}` is resolvable, and [secrets] holds ciphertexts under aliases MI looks up.',
  scope: 'document',
  codes: [
    {
      code: 'secret-undefined',
      severity: 'error',
      doc: '`$secret{x}` names an alias that [secrets] does not define and [runtime_secrets] is off; MI exits ("Secret references can\'t be resolved").',
      advice: 'Add the alias to `[secrets]`, or correct the reference; for a vault reference (`$secret{vault:aws:name}`), quick fix: enable `[runtime_secrets]`.',
    },
    {
      code: 'secret-plain',
      severity: 'warning',
      doc: 'A [secrets] value is still `[plain text]`; MI refuses it unless started with -DencryptSecrets=true.',
      advice: 'Quick fix: encrypt this value with the internal key (as `ciphertool.sh -Dconfigure` would).',
    },
    {
      code: 'secret-alias-invalid',
      severity: 'error',
      doc: 'A [secrets] key MI cannot look up: an unquoted dotted key (a nested table), or whitespace, `=`, `:` or `\\` in the alias.',
      advice: 'Quick fix for a dotted key: quote it (`"ks.pass" = ...`). Otherwise drop the whitespace, `=`, `:` or `\\` from the alias.',
    },
  ],
  check({ document: doc, report }) {
    const ignored = ignoredLines(doc);
    for (const p of checkSecretReferences(doc)) {
      // A table MI ignores gets only `obsolete-table`: advice about its values would be wrong.
      if (ignored.has(p.range.start.line)) continue;
      report(p.code, { message: p.message, range: p.range, fixes: p.fixes });
    }
  },
};

/** The lines of the tables MI never reads (e.g. `[keystore.tls]`). */
function ignoredLines(doc: TomlDocument): Set<number> {
  const live = new Set(liveTables(doc));
  const lines = new Set<number>();
  for (const table of doc.tables) {
    if (live.has(table)) continue;
    for (let l = table.range.start.line; l <= table.range.end.line; l++) lines.add(l);
  }
  return lines;
}

/** `secret-undecryptable`, `secret-transformation-mismatch` and `internal-key-not-rsa`, with the effective internal key and transformation. */
export const secretDecryptionRule: WorkspaceRule = {
  id: 'secret-decryption',
  description: 'Every [secrets] ciphertext decrypts with the effective internal key and the transformation MI uses.',
  scope: 'workspace',
  codes: [
    {
      code: 'secret-undecryptable',
      severity: 'error',
      doc: "An encrypted [secrets] value cannot be decrypted with the internal keystore's key (the internal keystore changed), or is no ciphertext at all.",
      advice: 'Restore the internal keystore the secret was made with, or re-encrypt it (command "Rotate Internal Keystore" keeps secrets).',
    },
    {
      code: 'secret-transformation-mismatch',
      severity: 'error',
      doc: 'A [secrets] ciphertext decrypts only with a padding MI will not use (MI 4.x decrypts with RSA/ECB/OAEPwithSHA1andMGF1Padding unless configured otherwise).',
      advice:
        "Quick fix: re-encrypt it with the transformation MI uses (`[system.parameter] 'org.wso2.CipherTransformation'`, else the home's conf/carbon.properties, else RSA/ECB/OAEPwithSHA1andMGF1Padding). `mi-keystores encrypt-secrets` and the quick fixes always encrypt with it.",
    },
    {
      code: 'internal-key-not-rsa',
      severity: 'error',
      doc: 'The internal key is not an RSA key, but MI decrypts [secrets] (and the cipher tool encrypts them) with an RSA transformation: with any other key every secret fails ("InvalidKeyException").',
      advice: 'Quick fix: create a separate internal keystore with an RSA key (command "Separate Internal Keystore"), then encrypt the secrets with it.',
    },
  ],
  async check(ctx) {
    // Silent when the internal key cannot be read here: the keystore rules say why.
    const problems = await checkWorkspaceSecrets({
      document: ctx.document,
      workspace: ctx.workspace,
      internalKey: ctx.internalKey,
      readOutside: ctx.options.readOutside,
      workspaceFolder: ctx.options.workspaceFolder,
    });
    for (const p of problems) ctx.report(p.code, { message: p.message, range: p.range, fixes: p.fixes, file: p.file });
  },
};
