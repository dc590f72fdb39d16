/**
 * The secure vault: every `$secret{}` names a `[secrets]` alias, no `[secrets]` value is left in plain
 * text, aliases are ones MI resolves, and every ciphertext still decrypts with the internal key. The
 * decryption itself lives in ../../secrets (this module only wraps it as rules).
 */
import type { TextEdit } from '../../problem';
import type { TomlDocument, TomlKeyValue } from '../../config/toml';
import { renameKeyEdit, setValueEdits } from '../../config/edit';
import { checkSecretsDecryptable } from '../../secrets/secretChecks';
import type { DocumentRule, Report, WorkspaceRule } from '../rule';
import { liveTables } from './shared';

const SECRET_REF = /\$secret\{([^}]*)\}/g;
const SECRET_ALIAS = /^[A-Za-z0-9_]+$/;
/** A `[secrets]` value waiting for the cipher tool: `"[plain text]"`. */
const PLAIN_SECRET = /^\[[\s\S]*\]$/;

/** `secret-undefined`, `secret-plain`, `secret-alias-invalid`. */
export const secretReferencesRule: DocumentRule = {
  id: 'secret-references',
  description: 'Every `$secret{}` is defined in [secrets], and [secrets] holds ciphertexts under valid aliases.',
  scope: 'document',
  codes: [
    {
      code: 'secret-undefined',
      severity: 'error',
      doc: '`$secret{x}` names an alias that [secrets] does not define; MI exits ("Secret references can\'t be resolved").',
      advice: 'Add the alias to `[secrets]`, or correct the reference.',
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
      doc: 'A secret alias with characters outside [A-Za-z0-9_]; dotted aliases break resolution.',
      advice: 'Rename the alias to letters, digits and `_` only.',
    },
  ],
  check({ document: doc, report }) {
    const secretTables = doc.tables.filter((t) => t.name === 'secrets');
    const aliases = new Set(secretTables.flatMap((t) => t.entries.map((e) => e.keyParts.join('.'))));
    for (const table of liveTables(doc)) {
      if (table.name === 'secrets') checkSecretsTable(doc, table.entries, report);
      for (const entry of table.entries) checkSecretReferences(doc, entry, aliases, report);
    }
  },
};

function checkSecretsTable(doc: TomlDocument, entries: readonly TomlKeyValue[], report: Report): void {
  for (const entry of entries) {
    const alias = entry.keyParts.join('.');
    if (entry.keyParts.length !== 1 || !SECRET_ALIAS.test(alias)) {
      const fixed = alias.replace(/[^A-Za-z0-9_]/g, '_');
      report('secret-alias-invalid', {
        message: `Secret alias \`${alias}\` has characters outside [A-Za-z0-9_]; MI cannot resolve \`$secret{${alias}}\`.`,
        range: entry.keyRange,
        fixes: fixed ? [{ title: `Rename to \`${fixed}\` (and its references)`, edits: renameSecretEdits(doc, entry, alias, fixed) }] : [],
      });
    }
    if (entry.value.type === 'string' && PLAIN_SECRET.test(entry.value.value as string)) {
      report('secret-plain', {
        message: `Secret \`${alias}\` is still plain text; run the cipher tool to encrypt it (MI refuses plain secrets unless started with -DencryptSecrets=true).`,
        range: entry.value.range,
      });
    }
  }
}

function renameSecretEdits(doc: TomlDocument, entry: TomlKeyValue, from: string, to: string): TextEdit[] {
  const edits: TextEdit[] = [renameKeyEdit(doc, entry, [to])];
  const needle = `$secret{${from}}`;
  for (const t of doc.tables) {
    for (const e of t.entries) {
      if (e.value.type === 'string' && e.value.raw.includes(needle)) {
        edits.push({ file: doc.file, range: e.value.range, newText: e.value.raw.split(needle).join(`$secret{${to}}`) });
      }
    }
  }
  return edits;
}

function checkSecretReferences(doc: TomlDocument, entry: TomlKeyValue, aliases: ReadonlySet<string>, report: Report): void {
  if (entry.value.type !== 'string') return;
  const value = entry.value.value as string;
  for (const m of value.matchAll(SECRET_REF)) {
    const alias = m[1];
    if (!SECRET_ALIAS.test(alias)) {
      report('secret-alias-invalid', { message: `Secret alias \`${alias}\` has characters outside [A-Za-z0-9_]; MI cannot resolve it.`, range: entry.value.range });
    } else if (!aliases.has(alias)) {
      report('secret-undefined', {
        message: `\`$secret{${alias}}\` names no alias of [secrets]; MI exits with "Secret references can't be resolved for ${alias}".`,
        range: entry.value.range,
        fixes: [{ title: `Add \`${alias}\` to [secrets]`, edits: setValueEdits(doc, 'secrets', [alias], '"[]"') }],
      });
    }
  }
}

/** `secret-undecryptable`: decrypts every `[secrets]` ciphertext with the effective internal key. */
export const secretDecryptionRule: WorkspaceRule = {
  id: 'secret-decryption',
  description: 'Every [secrets] ciphertext decrypts with the effective internal key.',
  scope: 'workspace',
  codes: [
    {
      code: 'secret-undecryptable',
      severity: 'error',
      doc: "An encrypted [secrets] value cannot be decrypted with the internal keystore's key (the internal keystore changed).",
      advice: 'Restore the internal keystore the secret was made with, or re-encrypt it (command "Rotate Internal Keystore" keeps secrets).',
    },
    {
      code: 'secret-transformation-mismatch',
      severity: 'error',
      doc: 'A [secrets] ciphertext decrypts only with a cipher transformation MI will not use (MI 4.x decrypts with RSA/ECB/OAEPwithSHA1andMGF1Padding unless told otherwise).',
      advice: 'Quick fix: re-encrypt the secret with the effective transformation.',
    },
  ],
  async check(ctx) {
    // Silent when the internal key cannot be read here: the keystore rules say why.
    const key = await ctx.internalKey();
    if (!key) return;
    for (const p of checkSecretsDecryptable(ctx.document, key)) ctx.report(p.code, { message: p.message, range: p.range, fixes: p.fixes, file: p.file });
  },
};
