/** `mi-keystores list`: the entries of a keystore, as a keytool-like summary or as JSON. */
import { positionals } from '../args';
import type { CliCommand } from '../command';
import { explained } from '../errors';
import type { Entry, Keystore } from '../../core/keystore';
import { passwordFromFlags } from '../passwords';
import { formatOptions, outputFormat } from '../format/outputFormat';
import { formatKeystoreText, listKeystore, type SecretKeySummary } from '../format/keystoreList';
import { BLOCKING, STORE_AND_KEY_OPTIONS, load, resolveIn, storePassword } from './common';

/**
 * Opens each secret key to say what it is: PKCS12 with the store password, JCEKS with the key password
 * (default: the store password). A key that does not open is listed without algorithm, not as an error:
 * keytool lists such stores too.
 */
async function describeSecrets(store: Keystore, storePassword: string, keyPassword: string | undefined): Promise<Map<Entry, SecretKeySummary>> {
  const out = new Map<Entry, SecretKeySummary>();
  const secrets = store.entries.filter((e) => e.kind === 'secret-key');
  if (secrets.length === 0) return out;
  const keystore = await load.keystore();
  for (const e of secrets) {
    const password = store.format === 'PKCS12' ? storePassword : keyPassword ?? storePassword;
    try {
      out.set(e, keystore.describeSecretKey(await keystore.openSecretKey(e, password)));
    } catch (err) {
      if (!(err instanceof keystore.WrongKeyPasswordError)) throw err;
    }
  }
  return out;
}

/** `list <keystore> [--format text|json]`. */
export const listCommand: CliCommand = {
  name: 'list',
  summary: 'List the entries of a keystore (alias, kind, expiry, SHA-256 fingerprint).',
  operands: '<keystore>',
  options: [...formatOptions(['text', 'json'], "keytool's summary"), ...STORE_AND_KEY_OPTIONS],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    const password = await storePassword(args, io, file);
    const json = outputFormat(args, ['text', 'json']) === 'json';
    let javaRefusesPassword = false;
    const text = await explained({ display: file, storePassword: password }, async () => {
      const [store, x509] = await Promise.all([load.store(), load.x509()]);
      const loaded = await store.loadKeystore(resolveIn(io, file), password.value, BLOCKING);
      // OpenSSL and Windows write PKCS12 files under any password; Java 17 opens one only with a printable ASCII
      // password when the file uses it (a MAC; a store without one needs none to load).
      const { javaAcceptsPkcs12Password } = await load.keystore();
      javaRefusesPassword = loaded.store.format === 'PKCS12' && loaded.store.integrity === 'verified' && !javaAcceptsPkcs12Password(password.value);
      const secrets = await describeSecrets(loaded.store, password.value, passwordFromFlags(args, io, 'key-password')?.value);
      if (json) return `${JSON.stringify(listKeystore(file, loaded.store, x509.describeCertificate, secrets), null, 2)}\n`;
      // The summary needs only expiry and fingerprint: skip the full description (names, extensions) of each certificate.
      return formatKeystoreText(loaded.store, (der) => ({
        notAfter: x509.formatJavaDate(x509.certificateNotAfter(der)),
        sha256: x509.sha256Fingerprint(der),
      }), secrets);
    });
    io.stdout(text);
    if (javaRefusesPassword) io.stderr(`mi-keystores: note: Java 17 refuses this PKCS12 password (not printable ASCII), so keytool and MI cannot open ${file}; give it an ASCII one with passwd.\n`);
    return 0;
  },
};
