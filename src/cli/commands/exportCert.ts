/** `mi-keystores export-cert`: the certificate of an entry, PEM on stdout by default. */
import { flag, positionals, requireOption } from '../args';
import type { CliCommand } from '../command';
import { explained, UsageError } from '../errors';
import { STORE_AND_KEY_OPTIONS, load, openStore, writeOutput } from './common';

/** `export-cert <keystore> --alias A [--out F] [--der]`. */
export const exportCertCommand: CliCommand = {
  name: 'export-cert',
  summary: 'Export the certificate of an entry (the leaf of a key entry) as PEM, or DER with --der.',
  operands: '<keystore>',
  options: [
    { name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'Alias of the entry.' },
    { name: 'out', type: 'string', help: 'Write to this file instead of stdout.' },
    { name: 'der', type: 'boolean', help: 'Write binary DER instead of PEM (needs --out).' },
    ...STORE_AND_KEY_OPTIONS,
  ],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    const alias = requireOption(args, 'alias');
    const der = flag(args, 'der');
    if (der && args.options.out === undefined) throw new UsageError('--der writes binary data: give --out FILE');
    const { store, password } = await openStore(args, io, file);
    const [operations, pem] = await Promise.all([load.operations(), load.pem()]);
    const cert = await explained({ display: file, storePassword: password }, async () => operations.exportCertificate(store, alias));
    const data = der ? cert : pem.encodePem('CERTIFICATE', cert);
    const out = await writeOutput(args, io, data);
    if (out === undefined) io.stdout(data as string);
    else io.stderr(`Certificate of "${alias}" written to ${out}.\n`);
    return 0;
  },
};
