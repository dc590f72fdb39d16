/**
 * Dynamic SSL profiles: the XML `ssl_profile.file_path` names exists. Its stores are consumers like any
 * other (the effective configuration adds them), so the store rules check their file, type, passwords
 * and keys, with findings placed in the XML.
 */
import type { WorkspaceRule } from '../rule';
import { displayPath } from '../../workspace/effectiveConfig';

/** `ssl-profile-not-found`. */
export const sslProfilesRule: WorkspaceRule = {
  id: 'ssl-profiles',
  description: 'The dynamic SSL profile files of the HTTPS transports exist.',
  scope: 'workspace',
  codes: [
    {
      code: 'ssl-profile-not-found',
      severity: 'warning',
      doc: '`listener.ssl_profile.file_path` or `sender.ssl_profile.file_path` names a file that does not exist, so the per-host keystores it should hold are not loaded.',
      advice: 'Correct the path (relative to MI_HOME, or absolute) or create the profiles file.',
    },
  ],
  check(ctx) {
    for (const p of ctx.config.sslProfiles ?? []) {
      if (p.file.unresolved || p.path === null || p.exists) continue;
      const side = p.consumer === 'https-listener' ? 'HTTPS listener' : 'HTTPS sender';
      ctx.report('ssl-profile-not-found', {
        message: `The SSL profiles file of the ${side}, ${p.file.written ?? displayPath(ctx.workspace, p.path)}, does not exist; MI cannot load the profiles it names.`,
        range: p.file.anchor,
      });
    }
  },
};
