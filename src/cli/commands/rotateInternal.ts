/**
 * `mi-keystores rotate-internal <path> --keystore NEW --alias A`: points `[keystore.internal]` at a new
 * key and re-encrypts every `[secrets]` ciphertext with it in the same write, so no secret is lost.
 * Refuses, writing nothing, when any secret does not decrypt with the current internal key.
 */
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { CliFailure, explained, UsageError } from '../errors';
import { STORE_PASSWORD_OPTIONS, passwordOptions, positionals, requireOption } from '../args';
import { passwordFromFlags } from '../passwords';
import { storePassword } from './common';
import { loadWorkspace } from './workspaceEngine';

/** `rotate-internal`. */
export const rotateInternalCommand: CliCommand = {
  name: 'rotate-internal',
  summary: 'Switch the internal keystore to a new key, re-encrypting every [secrets] value so none is lost.',
  operands: '<path>',
  options: [
    { name: 'keystore', type: 'string', required: true, value: 'PATH', help: 'The new internal keystore (JKS or PKCS12).' },
    { name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'The alias of the RSA key entry in the new keystore.' },
    ...STORE_PASSWORD_OPTIONS.map((o) => ({ ...o, help: o.help.replace('the keystore password', 'the new keystore\'s password') })),
    ...passwordOptions('old-password', 'the current internal keystore\'s password (only when deployment.toml does not give it in the clear)'),
    { name: 'dry-run', type: 'boolean', help: 'Check that every secret can be re-encrypted; write nothing.' },
  ],
  async run(args, io) {
    const [target] = positionals(args, ['path']);
    const keystoreArg = requireOption(args, 'keystore');
    const alias = requireOption(args, 'alias');
    const dryRun = args.options['dry-run'] === true;
    const oldPassword = passwordFromFlags(args, io, 'old-password');
    const abs = path.resolve(io.cwd, target);
    const [discover, vault, rotate] = await Promise.all([loadWorkspace.discover(), loadWorkspace.vault(), loadWorkspace.rotate()]);
    const workspaces = await discover.discoverWorkspaces(abs).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new UsageError(`${target}: no such file or folder`) : err;
    });
    if (workspaces.length === 0) throw new CliFailure(`no MI runtime home or integration project found under ${target}.`);
    if (workspaces.length > 1) throw new UsageError(`${target} holds ${workspaces.length} MI workspaces; give the one to rotate (its folder or its deployment.toml)`);
    const ws = workspaces[0];
    const display = path.relative(io.cwd, ws.deploymentToml) || ws.deploymentToml;

    // The new key first: a wrong password or alias fails before deployment.toml is even read.
    const newStorePassword = await storePassword(args, io, keystoreArg);
    const newKey = await explained({ display: keystoreArg, storePassword: newStorePassword }, () =>
      rotate.readInternalKey(path.resolve(io.cwd, keystoreArg), alias, newStorePassword.value),
    );

    const loaded = await explained({ display }, () => vault.loadDeploymentToml(ws, io.env));
    // RotationRefusedError and InternalKeyUnavailableError name the aliases or the reason, never a secret.
    const plan = await explained({ display, passwordFlag: '--old-password-env' }, () => rotate.planInternalRotation(loaded.config, newKey, { oldPassword: oldPassword?.value }));
    const { aliases, edits } = plan;
    const what = `${aliases.length} secret(s) ${aliases.length ? `(${aliases.join(', ')}) ` : ''}re-encrypted for the internal key ${vault.describeKey(newKey)} using ${plan.transformation} (${plan.transformationReason})`;
    if (dryRun) {
      io.stdout(`${display}: would point [keystore.internal] at ${keystoreArg}; ${what.replace('re-encrypted', 'would be re-encrypted')}.\n`);
      return 0;
    }
    await explained({ display }, () => vault.writeDeploymentToml(loaded, edits));
    io.stdout(`${display}: [keystore.internal] now points at ${keystoreArg}; ${what}.\n`);
    return 0;
  },
};
