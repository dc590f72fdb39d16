/**
 * `mi-keystores encrypt-secrets <path> [--dry-run]`: the cipher tool's `-Dconfigure` step without starting
 * MI. In each MI workspace under `path`, every `[plain]` value of `[secrets]` becomes its base64
 * ciphertext made with the effective internal key's certificate and the transformation MI will decrypt
 * with (deployment.toml's `[system.parameter]`, else the home's conf/carbon.properties, else OAEP-SHA1);
 * nothing else in deployment.toml changes. Prints aliases only, never a secret.
 */
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { CliFailure, explain, explained, UsageError } from '../errors';
import { STORE_PASSWORD_OPTIONS, flag, positionals } from '../args';
import { passwordFromFlags } from '../passwords';
import { loadWorkspace } from './workspaceEngine';

/** `encrypt-secrets`. */
export const encryptSecretsCommand: CliCommand = {
  name: 'encrypt-secrets',
  summary: 'Encrypt every [plain] value of [secrets] with the internal keystore, as MI\'s cipher tool does.',
  operands: '<path>',
  options: [
    { name: 'dry-run', type: 'boolean', help: 'Say which secrets would be encrypted; write nothing.' },
    ...STORE_PASSWORD_OPTIONS.map((o) => ({ ...o, help: `${o.help} Only needed when deployment.toml does not give the internal keystore password in the clear.` })),
  ],
  async run(args, io) {
    const [target] = positionals(args, ['path']);
    const dryRun = flag(args, 'dry-run');
    const password = passwordFromFlags(args, io, 'password');
    const abs = path.resolve(io.cwd, target);
    const [discover, cacheModule, vault, plan, transformations, effectiveConfig] = await Promise.all([loadWorkspace.discover(), loadWorkspace.keystoreCache(), loadWorkspace.vault(), loadWorkspace.encryptPlan(), loadWorkspace.transformation(), loadWorkspace.effectiveConfig()]);
    const workspaces = await discover.discoverWorkspaces(abs).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new UsageError(`${target}: no such file or folder`) : err;
    });
    if (workspaces.length === 0) throw new CliFailure(`no MI runtime home or integration project found under ${target}.`);
    const cache = new cacheModule.KeystoreCache();
    let failed = 0;
    for (const ws of workspaces) {
      const display = path.relative(io.cwd, ws.deploymentToml) || ws.deploymentToml;
      const loaded = await explained({ display }, () => vault.loadDeploymentToml(ws, io.env));
      const all = plan.plainSecrets(loaded.doc);
      const plains = all.filter((s) => s.plaintext !== '');
      const empty = all.filter((s) => s.plaintext === '').map((s) => s.alias);
      if (empty.length) io.stderr(`mi-keystores encrypt-secrets: ${display}: left empty placeholder(s) "[]" as they are: ${empty.join(', ')}\n`);
      if (plains.length === 0) {
        io.stdout(`${display}: no [plain] secret to encrypt.\n`);
        continue;
      }
      const internal = effectiveConfig.storeById(loaded.config, 'internal');
      const storePasswords = password && internal?.path ? { [internal.path]: password.value } : {};
      const key = await vault.resolveInternalKey(loaded.config, cache, storePasswords);
      if (!key.ok) {
        const hint = key.needsPassword ? ' Give it with --password-env VAR.' : '';
        io.stderr(`mi-keystores encrypt-secrets: ${display}: cannot encrypt: ${key.reason}.${hint}\n`);
        failed++;
        continue;
      }
      const effective = await transformations.workspaceTransformation(loaded.doc, ws);
      const transformation = effective.transformation;
      const aliases = plains.map((s) => s.alias).join(', ');
      const how = `with the internal key ${vault.describeKey(key.key)} using ${transformations.describeTransformation(effective)}`;
      if (dryRun) {
        io.stdout(`${display}: would encrypt ${plains.length} secret(s) ${how}: ${aliases}\n`);
        continue;
      }
      let edits;
      try {
        edits = plan.encryptPlainSecretsEdits(loaded.doc, key.key.certificate, transformation);
      } catch (err) {
        // A key the cipher tool cannot use fails this workspace only; the others are still encrypted.
        const failure = explain(err, { display });
        if (!(failure instanceof CliFailure)) throw failure;
        io.stderr(`mi-keystores encrypt-secrets: ${failure.line}\n`);
        failed++;
        continue;
      }
      await explained({ display }, () => vault.writeDeploymentToml(loaded, edits));
      io.stdout(`${display}: encrypted ${plains.length} secret(s) ${how}: ${aliases}\n`);
    }
    return failed > 0 ? 1 : 0;
  },
};
