/** `mi-keystores passwd`: change the store password (and, for PKCS12, re-seal every key with it). */
import { passwordOptions, positionals } from '../args';
import type { CliCommand } from '../command';
import { passwordLater } from '../passwords';
import { STORE_AND_KEY_OPTIONS, load, updateStore } from './common';

/** `passwd <keystore> [--new-password-env VAR | --new-password-file F | --new-password V]`. */
export const passwdCommand: CliCommand = {
  name: 'passwd',
  summary: 'Change the keystore password (PKCS12 keys are re-sealed with it; JKS/JCEKS keys whose password was the old store password follow it).',
  operands: '<keystore>',
  options: [...STORE_AND_KEY_OPTIONS, ...passwordOptions('new-password', 'the new keystore password')],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    // Asked after the current password has opened the store, in keytool's order.
    const askNewPassword = passwordLater(args, io, { prefix: 'new-password', prompt: `New keystore password for ${file}: `, confirm: true });
    let result: { followed: string[]; kept: string[] } = { followed: [], kept: [] };
    await updateStore(args, io, file, { create: false }, async ({ store, password }) => {
      const newPassword = await askNewPassword();
      const operations = await load.operations();
      const next = await operations.changeStorePasswordWithKeys(store, password.value, newPassword.value);
      result = next;
      return { store: next.store, newPassword: newPassword.value };
    });
    io.stdout(`Keystore password of ${file} changed.\n`);
    const names = (list: string[]) => list.map((a) => `"${a}"`).join(', ');
    if (result.followed.length) io.stdout(`The key password of ${names(result.followed)}, the old store password, changed with it (MI opens its keys with key_password = password).\n`);
    if (result.kept.length) io.stderr(`mi-keystores: note: ${names(result.kept)} keep${result.kept.length > 1 ? '' : 's'} a key password of ${result.kept.length > 1 ? 'their' : 'its'} own.\n`);
    return 0;
  },
};
