/** `mi-keystores rename`: change the alias of an entry. */
import { positionals, requireOption } from '../args';
import type { CliCommand } from '../command';
import { STORE_AND_KEY_OPTIONS, load, updateStore } from './common';

/** `rename <keystore> --alias A --to B`. */
export const renameCommand: CliCommand = {
  name: 'rename',
  summary: 'Rename an entry (keytool -changealias); refuses an alias that is already taken.',
  operands: '<keystore>',
  options: [
    { name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'Current alias.' },
    { name: 'to', type: 'string', required: true, value: 'ALIAS', help: 'New alias.' },
    ...STORE_AND_KEY_OPTIONS,
  ],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    const alias = requireOption(args, 'alias');
    const to = requireOption(args, 'to');
    await updateStore(args, io, file, { create: false }, async ({ store }) => ({ store: (await load.operations()).renameAlias(store, alias, to) }));
    io.stdout(`Renamed "${alias}" to "${to}" in ${file}.\n`);
    return 0;
  },
};
