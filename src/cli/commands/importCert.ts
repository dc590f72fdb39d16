/** `mi-keystores import-cert`: add a trusted certificate (creates the keystore when it does not exist). */
import { positionals, requireOption } from '../args';
import type { CliCommand } from '../command';
import { CliFailure, explained } from '../errors';
import { STORE_AND_KEY_OPTIONS, TYPE_OPTION, keyPasswordFor, load, readInput, updateStore, warnWeakAlgorithms } from './common';

/** `import-cert <keystore> <cert-file> --alias A [--type T]`. */
export const importCertCommand: CliCommand = {
  name: 'import-cert',
  summary: "Add a trusted certificate (PEM or DER) under a new alias (onto a key entry's alias: install it as the key's CA reply, as keytool does); creates the keystore when it does not exist.",
  operands: '<keystore> <cert-file>',
  options: [{ name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'Alias of the new trusted-certificate entry.' }, TYPE_OPTION, ...STORE_AND_KEY_OPTIONS],
  async run(args, io) {
    const [file, certFile] = positionals(args, ['keystore', 'cert-file']);
    const alias = requireOption(args, 'alias');
    const input = await readInput(io, certFile);
    const pem = await load.pem();
    const certs = await explained({ display: certFile }, async () => pem.decodeCertificates(input));
    if (certs.length !== 1) {
      throw new CliFailure(
        `${certFile} holds ${certs.length} certificates; import-cert takes one (use import-reply for a CA reply with its chain).`,
      );
    }
    let duplicateOf: string | undefined;
    let reply = false;
    await updateStore(args, io, file, { create: true }, async ({ store, password }, context) => {
      const operations = await load.operations();
      // keytool -importcert onto a key entry's alias installs the certificate as that key's CA reply, which is
      // how CA instructions say to do it; deleting the entry first would delete the key.
      if (operations.findEntry(store, alias)?.kind === 'private-key') {
        reply = true;
        const keyPassword = keyPasswordFor(args, io, store, password);
        context.keyPassword = keyPassword;
        return { store: await operations.importCaReply(store, alias, keyPassword.value, certs) };
      }
      const result = operations.importTrustedCertificate(store, alias, certs[0]);
      duplicateOf = result.duplicateOf;
      return { store: result.store };
    });
    if (reply) {
      io.stdout(`"${alias}" is a key entry: the certificate was installed as its CA reply in ${file}, as keytool -importcert does.\n`);
    } else {
      if (duplicateOf !== undefined) {
        io.stderr(`mi-keystores: note: this certificate was already in ${file} under alias "${duplicateOf}"; it was added again as "${alias}".\n`);
      }
      io.stdout(`Certificate added to ${file} as trusted entry "${alias}".\n`);
    }
    await warnWeakAlgorithms(io, certs);
    return 0;
  },
};
