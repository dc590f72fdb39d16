/** `mi-keystores passwd`: change the store password (and, for PKCS12, re-seal every key with it). */
import { passwordOptions, positionals } from '../args';
import type { CliCommand } from '../command';
import { passwordLater } from '../passwords';
import { STORE_AND_KEY_OPTIONS, load, updateStore } from './common';

/** `passwd <keystore> [--new-password-env VAR | --new-password-file F | --new-password V]`. */
export const passwdCommand: CliCommand = {
  name: 'passwd',
  summary: 'Change the keystore password (PKCS12 keys are re-sealed with it; JKS key passwords are unchanged).',
  operands: '<keystore>',
  options: [...STORE_AND_KEY_OPTIONS, ...passwordOptions('new-password', 'the new keystore password')],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    // Asked after the current password has opened the store, in keytool's order.
    const askNewPassword = passwordLater(args, io, { prefix: 'new-password', prompt: `New keystore password for ${file}: `, confirm: true });
    const leftBehind: string[] = [];
    await updateStore(args, io, file, { create: false }, async ({ store, password }) => {
      const newPassword = await askNewPassword();
      const operations = await load.operations();
      const next = await operations.changeStorePassword(store, password.value, newPassword.value);
      // JKS keys keep their own password. MI opens its keys with key_password, which MI's own stores (and
      // WSO2's docs) keep equal to the store password: say which keys still have the old one. (A JCEKS key costs
      // up to seconds to try, so JCEKS is left to keypasswd.)
      if (store.format === 'JKS') {
        for (const e of store.entries) {
          if (e.kind !== 'private-key' || e.key.sealed !== 'sealed') continue;
          const opens = await operations.openKey(e, password.value).then(
            () => true,
            () => false,
          );
          if (opens) leftBehind.push(e.alias);
        }
      }
      return { store: next, newPassword: newPassword.value };
    });
    io.stdout(`Keystore password of ${file} changed.\n`);
    if (leftBehind.length) {
      const names = leftBehind.map((a) => `"${a}"`).join(', ');
      io.stderr(
        `mi-keystores: note: the key${leftBehind.length > 1 ? 's' : ''} ${names} still open${leftBehind.length > 1 ? '' : 's'} with the old password (keytool -storepasswd leaves them too); where MI reads one with key_password = password, change it with keypasswd as well.\n`,
      );
    }
    return 0;
  },
};
