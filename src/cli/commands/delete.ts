/** `mi-keystores delete`: remove an entry. */
import { positionals, requireOption } from '../args';
import type { CliCommand } from '../command';
import { STORE_AND_KEY_OPTIONS, load, updateStore } from './common';

/** `delete <keystore> --alias A`. */
export const deleteCommand: CliCommand = {
  name: 'delete',
  summary: 'Delete an entry from a keystore.',
  operands: '<keystore>',
  options: [{ name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'Alias of the entry to delete.' }, ...STORE_AND_KEY_OPTIONS],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    const alias = requireOption(args, 'alias');
    await updateStore(args, io, file, { create: false }, async ({ store }) => ({ store: (await load.operations()).deleteEntry(store, alias) }));
    io.stdout(`Deleted "${alias}" from ${file}.\n`);
    return 0;
  },
};
