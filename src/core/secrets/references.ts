/**
 * `$secret{…}` references and the `[secrets]` table as MI's config mapper reads them. The mapper takes
 * everything between `$secret{` and `}` as the alias (`admin-password`, `ks.pass` and the vault form
 * `vault:aws:keystore-password` are all aliases), looks it up in `[secrets]`, and exits when it is not
 * there ("Secret references can't be resolved for <alias>") — unless `[runtime_secrets] enable = "true"`,
 * which leaves every reference for the secure vault to resolve at run time from its configured
 * repositories (file based, AWS, Azure, HashiCorp…), as WSO2's vault documentation shows.
 *
 * `[secrets]` itself is rendered into `conf/security/cipher-text.properties` one `alias=value` line per
 * key, so an alias there must survive as a Java properties key, and a dotted TOML key becomes a nested
 * table rather than one alias.
 */
import type { Fix, Problem, Range } from '../problem';
import type { TomlDocument, TomlKeyValue } from '../config/toml';
import { formatKey, renameKeyEdit, setValueEdits, tableSnippet, appendTableEdit } from '../config/edit';
import { isDeployTimeReference, isPlainSecret } from './secretChecks';

/** Every `$secret{…}` in a string; the alias is everything up to the first `}`. Linear on hostile text. */
const SECRET_REF = /\$secret\{([^}]*)\}/g;

/** A vault reference: `provider:repository:name` (the secure vault's multiple-repository form). */
const VAULT_REF = /^([^:]+):([^:]+):(.+)$/;

/** Characters that end or escape a key in a Java properties file, so an alias holding one cannot be looked up. */
const PROPERTIES_KEY_BREAKERS = /[\s=:\\]|^[#!]/;

/** The parts of a vault reference, or undefined for a plain alias. */
export function vaultReference(alias: string): { provider: string; repository: string; name: string } | undefined {
  const m = VAULT_REF.exec(alias);
  return m ? { provider: m[1], repository: m[2], name: m[3] } : undefined;
}

/** The aliases of every `$secret{…}` in `text`, in order. */
export function secretAliasesIn(text: string): string[] {
  return [...text.matchAll(SECRET_REF)].map((m) => m[1]);
}

/** True when `[runtime_secrets] enable` is `true` or `"true"` (any case): references are resolved at run time. */
export function runtimeSecretsEnabled(doc: TomlDocument): boolean {
  for (const t of doc.tables) {
    if (t.isArrayTable) continue;
    for (const e of t.entries) {
      if (e.fullKey !== 'runtime_secrets.enable') continue;
      const v = e.value.value;
      if (v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true')) return true;
    }
  }
  return false;
}

/** The `[secrets]` entries by alias (the key parts joined with dots, as references name them). */
export function secretEntries(doc: TomlDocument): Map<string, TomlKeyValue> {
  const out = new Map<string, TomlKeyValue>();
  for (const t of doc.tables) {
    if (t.name !== 'secrets' || t.isArrayTable) continue;
    for (const e of t.entries) if (!out.has(e.keyParts.join('.'))) out.set(e.keyParts.join('.'), e);
  }
  return out;
}

/**
 * How MI resolves `$secret{alias}`, in words for a message: `"$secret{x}", encrypted by the cipher tool in
 * [secrets]`, `…, read from the vault repository "aws" at run time`, and so on. Never quotes a value.
 */
export function describeSecretReference(doc: TomlDocument, alias: string): string {
  const ref = `$secret{${alias}}`;
  const entry = secretEntries(doc).get(alias);
  const vault = vaultReference(alias);
  if (runtimeSecretsEnabled(doc)) {
    if (vault) return `${ref}, read from the ${vault.provider} repository "${vault.repository}" at run time`;
    return `${ref}, resolved at run time from the secret repository MI is configured with`;
  }
  if (!entry || entry.value.type !== 'string') return `${ref}, which [secrets] does not define`;
  const value = String(entry.value.value);
  if (isPlainSecret(value)) return `${ref}, still plain text in [secrets]`;
  if (isDeployTimeReference(value)) return `${ref}, whose ciphertext [secrets] takes from the deployment environment`;
  if (value.trim() === '') return `${ref}, empty in [secrets]`;
  return `${ref}, encrypted by the cipher tool in [secrets]`;
}

/** The severities the secret-references rule declares (kept here so the engine's rule registry is not imported back). */
const SEVERITY = { 'secret-alias-invalid': 'error', 'secret-plain': 'warning', 'secret-undefined': 'error' } as const;

/** Options of `checkSecretReferences`. */
export interface SecretCheckOptions {
  /** Codes not to report. */
  readonly disabled?: readonly string[];
}

/**
 * The document checks of the secure vault: `secret-alias-invalid` for a `[secrets]` key MI cannot look
 * up, `secret-plain` for a value still `[plain]`, and `secret-undefined` for a `$secret{…}` that neither
 * `[secrets]` nor a run-time vault resolves. Each sits on the value or key a person would fix.
 */
export function checkSecretReferences(doc: TomlDocument, options: SecretCheckOptions = {}): Problem[] {
  const out: Problem[] = [];
  const disabled = new Set(options.disabled ?? []);
  const report = (code: 'secret-alias-invalid' | 'secret-plain' | 'secret-undefined', message: string, range: Range, fixes: Fix[] = []): void => {
    if (!disabled.has(code)) out.push({ code, severity: SEVERITY[code], message, file: doc.file, range, fixes });
  };
  const defined = secretEntries(doc);
  for (const table of doc.tables) {
    if (table.name !== 'secrets' || table.isArrayTable) continue;
    for (const entry of table.entries) checkSecretsEntry(doc, entry, report);
  }
  const runtime = runtimeSecretsEnabled(doc);
  for (const table of doc.tables) {
    for (const entry of table.entries) {
      if (entry.value.type !== 'string') continue;
      for (const alias of new Set(secretAliasesIn(String(entry.value.value)))) {
        // At run time the secure vault asks its repositories; nothing here can say whether they hold it.
        if (defined.has(alias) || runtime) continue;
        const vault = vaultReference(alias);
        if (vault) {
          report(
            'secret-undefined',
            `\`$secret{${alias}}\` is a vault reference (${vault.provider} repository "${vault.repository}"), but [runtime_secrets] is not enabled, ` +
              `so MI looks it up in [secrets] at start and exits with "Secret references can't be resolved for ${alias}".`,
            entry.value.range,
            [{ title: 'Enable [runtime_secrets] (resolve references from the vault at run time)', preferred: true, edits: enableRuntimeSecretsEdits(doc) }],
          );
          continue;
        }
        report(
          'secret-undefined',
          `\`$secret{${alias}}\` names no alias of [secrets]; MI exits with "Secret references can't be resolved for ${alias}" ` +
            '(unless [runtime_secrets] is enabled and a vault holds it).',
          entry.value.range,
          [{ title: `Add \`${alias}\` to [secrets]`, edits: setValueEdits(doc, 'secrets', [alias], '"[]"') }],
        );
      }
    }
  }
  return out;
}

type Report = (code: 'secret-alias-invalid' | 'secret-plain', message: string, range: Range, fixes?: Fix[]) => void;

function checkSecretsEntry(doc: TomlDocument, entry: TomlKeyValue, report: Report): void {
  const alias = entry.keyParts.join('.');
  if (entry.keyParts.length > 1) {
    // Quoting keeps the dots inside one key: the alias `$secret{a.b}` names.
    const quote = renameKeyEdit(doc, entry, [alias]);
    report(
      'secret-alias-invalid',
      `\`${alias}\` is a dotted key: TOML reads it as a table \`${entry.keyParts[0]}\` inside [secrets], not as the alias \`${alias}\`; quote it to make it one alias.`,
      entry.keyRange,
      quote ? [{ title: `Quote it as ${formatKey([alias])}`, preferred: true, edits: [quote] }] : [],
    );
  } else if (PROPERTIES_KEY_BREAKERS.test(alias) || alias === '') {
    report(
      'secret-alias-invalid',
      `Secret alias \`${alias}\` cannot be looked up: MI writes [secrets] to cipher-text.properties, where whitespace, \`=\`, \`:\` and \`\\\` end or escape a key (and a leading \`#\` or \`!\` makes a comment).`,
      entry.keyRange,
    );
  }
  if (entry.value.type === 'string' && isPlainSecret(String(entry.value.value))) {
    report(
      'secret-plain',
      `Secret \`${alias}\` is still plain text; run the cipher tool to encrypt it (MI refuses plain secrets unless started with -DencryptSecrets=true).`,
      entry.value.range,
    );
  }
}

/** `[runtime_secrets] enable = "true"`: set where the table exists, else appended. */
function enableRuntimeSecretsEdits(doc: TomlDocument) {
  if (doc.tables.some((t) => t.name === 'runtime_secrets' && !t.isArrayTable)) return setValueEdits(doc, 'runtime_secrets', ['enable'], '"true"');
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  return [appendTableEdit(doc, tableSnippet('runtime_secrets', { enable: '"true"' }, eol))];
}
