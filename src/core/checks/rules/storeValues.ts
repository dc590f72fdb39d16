/**
 * The file and password values of the keystore tables, from the text alone: a `file_name` without a
 * folder (MI resolves it against MI_HOME), a table that points at another file but keeps the default
 * password.
 */
import type { TomlDocument, TomlKeyValue, TomlTable } from '../../config/toml';
import { consumersOfTable, lookupKey } from '../../config/schema';
import { setValueEdits, tomlString } from '../../config/edit';
import type { DocumentRule, Report } from '../rule';
import { headerOrKey, isLiteralString, liveTables } from './shared';
import { SECURITY_DIR } from '../../workspace/resolvePath';

/** `bare-file-name`, `missing-password`. */
export const storeValuesRule: DocumentRule = {
  id: 'store-values',
  description: 'Keystore file names have their folder, and a table pointing at another store gives its password.',
  scope: 'document',
  codes: [
    {
      code: 'bare-file-name',
      severity: 'warning',
      doc: 'A `file_name` without a folder resolves to MI_HOME/<name> at runtime, not repository/resources/security/.',
      advice: 'Quick fix: write `repository/resources/security/<name>`.',
    },
    {
      code: 'missing-password',
      severity: 'warning',
      doc: 'A table points at another keystore file but leaves the password at the default `wso2carbon`.',
      advice: "Add the keystore's real `password` to the table.",
    },
  ],
  check({ document: doc, report }) {
    for (const table of liveTables(doc)) {
      for (const entry of table.entries) {
        const ks = lookupKey(table.name, entry.keyParts);
        if (ks?.role !== 'file' || !isLiteralString(entry)) continue;
        const value = entry.value.value;
        if (value === '' || /[/\\]/.test(value)) continue;
        const full = `${SECURITY_DIR}/${value}`;
        report('bare-file-name', {
          message: `\`${value}\` has no folder: MI resolves it against MI_HOME (MI_HOME/${value}), not ${SECURITY_DIR}/ (the cipher tool does the latter).`,
          range: entry.value.range,
          fixes: [{ title: `Change to "${full}"`, preferred: true, safe: true, edits: [{ file: doc.file, range: entry.value.range, newText: tomlString(full) }] }],
        });
      }
      checkMissingPasswords(doc, table, report);
    }
  },
};

function checkMissingPasswords(doc: TomlDocument, table: TomlTable, report: Report): void {
  for (const consumer of consumersOfTable(table.name)) {
    const find = (key: string): TomlKeyValue | undefined => table.entries.find((e) => e.keyParts.join('.') === key);
    const file = find(consumer.keys.file);
    if (!file || !isLiteralString(file) || find(consumer.keys.password)) continue;
    const passwordSpec = lookupKey(table.name, consumer.keys.password.split('.'));
    const fileSpec = lookupKey(table.name, consumer.keys.file.split('.'));
    // Only where the password has a default to fall back to, and the file is not that default's file.
    if (!passwordSpec || (passwordSpec.default === undefined && !passwordSpec.ref)) continue;
    if (fileSpec?.default === file.value.value) continue;
    const fallback = passwordSpec.ref ? `the value of \`${passwordSpec.ref}\`` : 'the default password';
    report('missing-password', {
      message: `[${table.name}] points \`${consumer.keys.file}\` at another file but sets no \`${consumer.keys.password}\`, so MI uses ${fallback}.`,
      range: headerOrKey(table, file),
      fixes: [{ title: `Add \`${consumer.keys.password}\``, edits: setValueEdits(doc, table, consumer.keys.password, '""') }],
    });
  }
}
