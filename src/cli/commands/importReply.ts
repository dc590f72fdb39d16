/** `mi-keystores import-reply`: install a CA reply (signed certificate, with or without its chain) on a key entry. */
import { positionals, requireOption } from '../args';
import type { CliCommand } from '../command';
import { explained } from '../errors';
import { STORE_AND_KEY_OPTIONS, keyPasswordFor, load, readInput, updateStore, warnWeakAlgorithms } from './common';

/** `import-reply <keystore> <reply-file> --alias A`. */
export const importReplyCommand: CliCommand = {
  name: 'import-reply',
  summary: "Install a CA's reply (PEM, DER or PKCS#7) on a key entry; the chain is completed from the store's trusted certificates.",
  operands: '<keystore> <reply-file>',
  options: [{ name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'Alias of the key entry the reply belongs to.' }, ...STORE_AND_KEY_OPTIONS],
  async run(args, io) {
    const [file, replyFile] = positionals(args, ['keystore', 'reply-file']);
    const alias = requireOption(args, 'alias');
    const input = await readInput(io, replyFile);
    const pem = await load.pem();
    const certs = await explained({ display: replyFile }, async () => pem.decodeCertificates(input));
    let chainLength = 0;
    let untrustedTop: string | null = null;
    await updateStore(args, io, file, { create: false }, async ({ store, password }, context) => {
      const operations = await load.operations();
      const keyPassword = keyPasswordFor(args, io, store, password);
      context.keyPassword = keyPassword;
      const next = await operations.importCaReply(store, alias, keyPassword.value, certs);
      const entry = next.entries.find((e) => e.alias.toLowerCase() === alias.toLowerCase());
      chainLength = entry?.kind === 'private-key' ? entry.chain.length : 0;
      untrustedTop = operations.untrustedChainTop(next, alias);
      return { store: next };
    });
    io.stdout(`Certificate reply installed on "${alias}" in ${file} (chain of ${chainLength}).\n`);
    if (untrustedTop !== null) {
      io.stderr(`mi-keystores: note: the chain ends at "${untrustedTop}", which is not a root and which no trusted certificate of ${file} issued; clients must trust its root (import-cert adds the root here).\n`);
    }
    await warnWeakAlgorithms(io, certs);
    return 0;
  },
};
