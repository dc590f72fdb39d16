/** Password hygiene from the text alone: the well-known default, too short for keytool, plain text. */
import { lookupKey } from '../../config/schema';
import type { DocumentRule } from '../rule';
import { DEFAULT_PASSWORD, isLiteralString, liveTables } from './shared';

/**
 * Secrets of the schema that are not keystore passwords: `[encryption] key` is the AES key of carbon's
 * symmetric crypto provider (carbon.xml `<Secret>`), which no keystore opens with.
 */
const SYMMETRIC_KEYS = new Set(['encryption.key']);


/** `default-password`, `password-too-short`, `plaintext-password`. */
export const passwordsRule: DocumentRule = {
  id: 'passwords',
  description: 'Keystore passwords are not the well-known default, are long enough, and are not written in plain text.',
  scope: 'document',
  codes: [
    {
      code: 'default-password',
      severity: 'warning',
      doc: 'The well-known default password `wso2carbon` is used.',
      advice: 'Change the store password (command "Change Keystore Password"), then the table.',
    },
    {
      code: 'password-too-short',
      severity: 'warning',
      doc: 'A keystore password shorter than 6 characters, which keytool refuses.',
      advice: 'Use 6 characters or more; keytool refuses shorter ones.',
    },
    {
      code: 'plaintext-password',
      severity: 'hint',
      doc: 'A password is written in plain text; it could be a `$secret{alias}` encrypted by the cipher tool.',
      advice: 'Quick fix: move the password into `[secrets]`, encrypted, and write `$secret{alias}` in its place.',
    },
  ],
  check({ document: doc, report }) {
    for (const table of liveTables(doc)) {
      for (const entry of table.entries) {
        const ks = lookupKey(table.name, entry.keyParts);
        if (!ks?.secret || ks.type !== entry.value.type || !isLiteralString(entry)) continue;
        const value = entry.value.value;
        if (value === '') continue;
        const key = entry.keyParts.join('.');
        const range = entry.value.range;
        // The symmetric key is no keystore password: MI's default and keytool's length rule say nothing of it.
        const storePassword = !SYMMETRIC_KEYS.has(entry.fullKey);
        if (storePassword && value === DEFAULT_PASSWORD) report('default-password', { message: `\`${key}\` is MI's well-known default password; anyone who has MI knows it.`, range });
        else if (storePassword && [...value].length < 6) report('password-too-short', { message: `\`${key}\` is shorter than 6 characters, which keytool refuses for a keystore password.`, range });
        report('plaintext-password', { message: `\`${key}\` is written in plain text; it could be a \`$secret{alias}\` the cipher tool encrypts.`, range });
      }
    }
  },
};
