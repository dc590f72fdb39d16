/** `mi-keystores import-pem`: add a private key and its certificate chain from PEM files. */
import { positionals, requireOption, passwordOptions } from '../args';
import type { CliCommand } from '../command';
import { explained } from '../errors';
import { passwordFromFlags } from '../passwords';
import { STORE_AND_KEY_OPTIONS, TYPE_OPTION, keyPasswordFor, load, readInput, updateStore, warnWeakAlgorithms } from './common';

/** `import-pem <keystore> <key.pem> <chain.pem> --alias A`. */
export const importPemCommand: CliCommand = {
  name: 'import-pem',
  summary: 'Add a private key (PKCS#8, PKCS#1 or SEC1 PEM) with its certificate chain; creates the keystore when it does not exist.',
  operands: '<keystore> <key.pem> <chain.pem>',
  options: [
    { name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'Alias of the new key entry.' },
    TYPE_OPTION,
    ...passwordOptions('pem-password', 'the password of an encrypted PEM key'),
    ...STORE_AND_KEY_OPTIONS,
  ],
  async run(args, io) {
    const [file, keyFile, chainFile] = positionals(args, ['keystore', 'key.pem', 'chain.pem']);
    const alias = requireOption(args, 'alias');
    const pemPassword = passwordFromFlags(args, io, 'pem-password');
    const [keyInput, chainInput] = [await readInput(io, keyFile), await readInput(io, chainFile)];
    const pem = await load.pem();
    const pkcs8 = await explained({ display: keyFile, storePassword: pemPassword }, async () => pem.decodePrivateKey(keyInput, pemPassword?.value));
    const chain = await explained({ display: chainFile }, async () => pem.decodeCertificates(chainInput));
    let length = 0;
    await updateStore(args, io, file, { create: true }, async ({ store, password }, context) => {
      const operations = await load.operations();
      const keyPassword = keyPasswordFor(args, io, store, password);
      context.keyPassword = keyPassword;
      const next = operations.importKeyAndChain(store, alias, pkcs8, chain, keyPassword.value);
      const entry = next.entries.find((e) => e.alias.toLowerCase() === alias.toLowerCase());
      length = entry?.kind === 'private-key' ? entry.chain.length : 0;
      return { store: next };
    });
    io.stdout(`Private key and chain of ${length} added to ${file} as "${alias}".\n`);
    await warnWeakAlgorithms(io, chain);
    return 0;
  },
};
