/**
 * Each consumer's store file: it exists (and not only in MI 1.x's folder), it is a keystore MI can
 * load, and its configured `type` is its real format (from its bytes, never its name).
 */
import * as path from 'node:path';
import type { Fix } from '../../problem';
import { tomlString } from '../../config/edit';
import type { EffectiveStore } from '../../workspace/effectiveConfig';
import { LEGACY_SECURITY_DIR, fileNameFor } from '../../workspace/resolvePath';
import type { WorkspaceRule, WorkspaceRuleContext } from '../rule';
import { isOwnLine, shownFile, shownValue, valueEdits } from './storeHelpers';

/** `keystore-not-found`, `keystore-in-legacy-folder`, `keystore-unreadable`, `store-type-mismatch`, `store-type-unloadable`, `integrity-unverifiable`. */
export const storeFilesRule: WorkspaceRule = {
  id: 'store-files',
  description: 'Every store a consumer uses exists, loads, and is of its configured type.',
  scope: 'workspace',
  codes: [
    {
      code: 'keystore-not-found',
      severity: 'error',
      doc: 'The keystore file named by `file_name`/`location` does not exist; MI logs "Error opening Key store".',
      advice: 'Correct `file_name`, or create the keystore (command "Generate Keystore").',
    },
    {
      code: 'keystore-in-legacy-folder',
      severity: 'warning',
      doc: 'The keystore sits in repository/security/ (MI 1.x wording) instead of repository/resources/security/.',
      advice: 'Quick fixes: move the file to `repository/resources/security/`, or point `file_name` at it.',
    },
    {
      code: 'keystore-unreadable',
      severity: 'error',
      doc: 'The file is not a keystore MI can load (malformed or unsupported format).',
      advice: 'Restore the file from a backup; it is damaged or not a keystore. It is never overwritten.',
    },
    {
      code: 'store-type-mismatch',
      severity: 'warning',
      doc: "The configured `type` differs from the file's real format (the JDK may still load it).",
      advice: "Quick fix: set `type` to the file's real format.",
    },
    {
      code: 'store-type-unloadable',
      severity: 'error',
      doc: "The configured `type` is a keystore that cannot read the file's real format: the JDK's keystore compatibility covers only JKS and PKCS12 (and JCEKS reads JKS files), so a JCEKS file typed JKS or PKCS12, or a PKCS12 file typed JCEKS, fails with \"Invalid keystore format\".",
      advice: "Quick fix: set `type` to the file's real format.",
    },
    {
      code: 'integrity-unverifiable',
      severity: 'information',
      doc: 'The store has no integrity check (PKCS12 without MAC): any password lists it, only key recovery proves the password.',
      advice: 'Nothing is wrong yet; convert the store (command "Convert Keystore") to get a MAC.',
    },
  ],
  async check(ctx) {
    for (const s of ctx.stores.readable()) {
      const opened = await ctx.stores.open(s);
      const shown = shownFile(ctx.config, s);
      const ownFile = isOwnLine(s, s.file);
      const subject = s.path as string;
      switch (opened.state) {
        case 'not-found':
          notFound(ctx, s, shown, ownFile);
          continue;
        case 'unreadable':
          ctx.report('keystore-unreadable', { file: s.sourceFile, message: `The ${s.label} ${shown} cannot be read: ${opened.message}`, range: s.file.anchor, subject, ownLine: ownFile });
          continue;
        case 'not-a-keystore':
          ctx.report('keystore-unreadable', { file: s.sourceFile,
            message: `The ${s.label} ${shown} is not a keystore (neither JKS, JCEKS nor PKCS12): MI cannot load it.`,
            range: s.file.anchor,
            subject,
            ownLine: ownFile,
          });
          continue;
        case 'skipped':
          continue;
      }
      const format = opened.format;
      if (s.type && !s.type.unresolved && s.type.value.toUpperCase() !== format) {
        const written = shownValue(s.type);
        const configured = `The ${s.label} is configured as type ${written}${s.type.origin.kind === 'default' ? " (MI's default)" : ''}, but ${shown} is ${format}`;
        const fixes: Fix[] = [{ title: `Set type to "${format}"`, preferred: true, safe: true, edits: valueEdits(ctx.config, s, s.type, tomlString(format)) }];
        const loads = loadsFormat(s.type.value, format);
        if (loads === false) {
          ctx.report('store-type-unloadable', { file: s.sourceFile,
            message: `${configured}, which the JDK's ${s.type.value.trim().toUpperCase()} keystore cannot read: MI fails to load it ("Invalid keystore format").`,
            range: s.type.anchor,
            subject: `${subject}|${s.type.value}`,
            ownLine: isOwnLine(s, s.type),
            fixes,
          });
        } else {
          ctx.report('store-type-mismatch', { file: s.sourceFile,
            message: configured + (loads ? " (the JDK still loads it, but tools that trust `type` do not)." : '.'),
            range: s.type.anchor,
            subject: `${subject}|${s.type.value}`,
            ownLine: isOwnLine(s, s.type),
            fixes,
          });
        }
      }
      if (opened.state === 'failed' && opened.error.kind !== 'wrong-password') {
        ctx.report('keystore-unreadable', { file: s.sourceFile, message: `The ${s.label} ${shown} cannot be loaded: ${opened.error.message}`, range: s.file.anchor, subject, ownLine: ownFile });
      }
      if (opened.state === 'open' && opened.store.integrity === 'unverifiable') {
        ctx.report('integrity-unverifiable', { file: s.sourceFile,
          message: `${shown} is a PKCS12 store without an integrity MAC: any password lists it, so only recovering a key proves the password.`,
          range: s.file.anchor,
          subject,
          ownLine: ownFile,
        });
      }
    }
  },
};

function notFound(ctx: WorkspaceRuleContext, s: EffectiveStore, shown: string, ownFile: boolean): void {
  const ws = ctx.workspace;
  const legacy = s.resolved.legacyPath;
  const key = s.file.key.split('.').pop();
  if (legacy && s.path) {
    ctx.report('keystore-in-legacy-folder', { file: s.sourceFile,
      message: `The ${s.label} is not at ${shown} but in ${LEGACY_SECURITY_DIR}/, the folder of MI 1.x: MI 4.x does not look there ("Error opening Key store").`,
      range: s.file.anchor,
      subject: s.path,
      ownLine: ownFile,
      fixes: [
        { title: `Move ${path.basename(legacy)} to ${path.dirname(shown)}/`, preferred: true, moveFile: { from: legacy, to: s.path } },
        { title: `Point ${key} at ${LEGACY_SECURITY_DIR}/${path.basename(legacy)}`, edits: valueEdits(ctx.config, s, s.file, tomlString(fileNameFor(ws, legacy))) },
      ],
    });
    return;
  }
  const fixes: Fix[] = [];
  if (s.resolved.securityDirPath) {
    const value = fileNameFor(ws, s.resolved.securityDirPath);
    fixes.push({ title: `Point ${key} at ${value}`, preferred: true, edits: valueEdits(ctx.config, s, s.file, tomlString(value)) });
  }
  fixes.push({ title: `Create a keystore at ${shown}`, run: { action: 'createKeystore', args: { file: s.path, consumer: s.id } } });
  const mi =
    s.consumer === 'internal'
      ? `"Internal keystore file does not exist in the path as configured in 'Security.InternalKeyStore.Location'"`
      : `"Error opening Key store : ${shownValue(s.file)}"`;
  const byDefault = s.file.origin.kind === 'default' ? ` MI's default for ${s.file.key}` : '';
  ctx.report('keystore-not-found', { file: s.sourceFile,
    message: `The ${s.label} ${shown}${byDefault ? ` (${byDefault.trim()})` : ''} does not exist; MI will fail to start (${mi}).`,
    range: s.file.anchor,
    subject: s.path as string,
    ownLine: ownFile,
    fixes,
  });
}

/**
 * Whether the JDK's keystore of `type` reads a file of `format`: with keystore.type.compat (on by default
 * since JDK 9) the JKS and PKCS12 keystores each read the other's files, and JCEKS reads JKS files
 * (JceKeyStore accepts both magic numbers); nothing reads a JCEKS file but JCEKS. Undefined for a type not
 * modelled here (BCFKS, DKS, …).
 */
function loadsFormat(type: string, format: 'JKS' | 'JCEKS' | 'PKCS12'): boolean | undefined {
  switch (type.trim().toUpperCase()) {
    case 'JKS':
    case 'PKCS12':
      return format !== 'JCEKS';
    case 'JCEKS':
      return format !== 'PKCS12';
    default:
      return undefined;
  }
}
