/** `mi-keystores keypasswd`: change the password of one key (JKS and JCEKS only). */
import { passwordOptions, positionals, requireOption } from '../args';
import type { CliCommand } from '../command';
import { passwordFromFlags, passwordLater } from '../passwords';
import { STORE_AND_KEY_OPTIONS, load, updateStore } from './common';

/** `keypasswd <keystore> --alias A [--new-key-password-env VAR | ...]`. */
export const keypasswdCommand: CliCommand = {
  name: 'keypasswd',
  summary: 'Change the password of a key entry (JKS/JCEKS; PKCS12 keys use the store password, change it with passwd).',
  operands: '<keystore>',
  options: [{ name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'Alias of the key entry.' }, ...STORE_AND_KEY_OPTIONS, ...passwordOptions('new-key-password', 'the new key password')],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    const alias = requireOption(args, 'alias');
    // Asked after the store password has opened the store, in keytool's order.
    const askNewKeyPassword = passwordLater(args, io, { prefix: 'new-key-password', prompt: `New key password for "${alias}": `, confirm: true });
    await updateStore(args, io, file, { create: false }, async ({ store, password }, context) => {
      const operations = await load.operations();
      const keyPassword = passwordFromFlags(args, io, 'key-password') ?? password;
      context.keyPassword = keyPassword;
      const newKeyPassword = await askNewKeyPassword();
      return { store: await operations.changeKeyPassword(store, alias, keyPassword.value, newKeyPassword.value) };
    });
    io.stdout(`Key password of "${alias}" in ${file} changed.\n`);
    return 0;
  },
};
