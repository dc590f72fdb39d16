/** `mi-keystores convert`: copy every entry of a keystore into a new file of another format. */
import { flag, passwordOptions, positionals, requireOption } from '../args';
import type { CliCommand } from '../command';
import { CliFailure, explained } from '../errors';
import { passwordFromFlags } from '../passwords';
import { STORE_AND_KEY_OPTIONS, load, openStore, parseFormat, resolveIn } from './common';

/** `convert <in> <out> --type T`. */
export const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'Convert a keystore to JKS, PKCS12 or JCEKS in a new file (keys re-sealed; the source is not changed).',
  operands: '<in> <out>',
  options: [
    { name: 'type', type: 'string', required: true, value: 'JKS|PKCS12|JCEKS', help: 'Format of the new keystore: JKS, PKCS12 or JCEKS.' },
    {
      name: 'skip-unsupported',
      type: 'boolean',
      help: 'Leave out the entries the new format cannot hold (e.g. secret keys in JKS) and list them, instead of refusing.',
    },
    ...STORE_AND_KEY_OPTIONS,
    ...passwordOptions('new-password', 'the password of the new keystore (default: the source password)'),
  ],
  async run(args, io) {
    const [input, output] = positionals(args, ['in', 'out']);
    const target = parseFormat(requireOption(args, 'type'))!;
    const [file, storeIo, operations] = await Promise.all([load.file(), load.store(), load.operations()]);
    const outAbs = resolveIn(io, output);
    if ((await explained({ display: output }, () => file.statSnapshot(outAbs))) !== null) {
      throw new CliFailure(`${output} already exists; convert writes a new file, so choose another name or delete it first.`);
    }
    const { store, password } = await openStore(args, io, input);
    const keyPassword = passwordFromFlags(args, io, 'key-password');
    const newPassword = passwordFromFlags(args, io, 'new-password');
    const targetPassword = newPassword?.value ?? password.value;
    const { store: converted, skipped } = await explained({ display: input, storePassword: password, keyPassword }, () =>
      operations.convertKeystore(store, target, {
        storePassword: password.value,
        keyPasswords: keyPassword && store.format !== 'PKCS12'
          ? Object.fromEntries(store.entries.filter((e) => e.kind !== 'trusted-cert').map((e) => [e.alias, keyPassword.value]))
          : undefined,
        targetStorePassword: targetPassword,
        skipUnsupported: flag(args, 'skip-unsupported'),
      }),
    );
    await explained({ display: output }, () => file.withKeystoreLock(outAbs, () => storeIo.saveKeystore(outAbs, converted, targetPassword, null)));
    io.stdout(`Converted ${input} (${store.format}) to ${output} (${target}), ${converted.entries.length} entries.\n`);
    for (const s of skipped) io.stdout(`Left out alias "${s.alias}": ${s.reason}.\n`);
    return 0;
  },
};
