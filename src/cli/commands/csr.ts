/** `mi-keystores csr`: a PKCS#10 certificate signing request for a key entry, to send to a CA. */
import { listOption, positionals, requireOption } from '../args';
import type { CliCommand } from '../command';
import { explained } from '../errors';
import { STORE_AND_KEY_OPTIONS, keyPasswordFor, load, openStore, writeOutput } from './common';

/** `csr <keystore> --alias A [--out F] [--san ...]`. */
export const csrCommand: CliCommand = {
  name: 'csr',
  summary: 'Create a certificate signing request (PEM) for a key entry; the subject is taken from its certificate.',
  operands: '<keystore>',
  options: [
    { name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'Alias of the key entry.' },
    { name: 'out', type: 'string', help: 'Write to this file instead of stdout.' },
    { name: 'san', type: 'string', value: 'dns:x,ip:y', multiple: true, help: "Subject alternative names to request (default: the certificate's own)." },
    ...STORE_AND_KEY_OPTIONS,
  ],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    const alias = requireOption(args, 'alias');
    const san = listOption(args, 'san');
    const { store, password } = await openStore(args, io, file);
    const keyPassword = keyPasswordFor(args, io, store, password);
    const [operations, pem] = await Promise.all([load.operations(), load.pem()]);
    const der = await explained({ display: file, storePassword: password, keyPassword }, () =>
      operations.createCsrFor(store, alias, keyPassword.value, san.length > 0 ? { san } : {}),
    );
    const text = pem.encodePem('CERTIFICATE REQUEST', der);
    const out = await writeOutput(args, io, text);
    if (out === undefined) io.stdout(text);
    else io.stderr(`Certificate signing request for "${alias}" written to ${out}.\n`);
    return 0;
  },
};
