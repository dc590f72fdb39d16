/**
 * An integration project names its keystore in pom.xml, the Dockerfile and deployment.toml; they must
 * agree. The comparison lives in ../projectChecks.ts; this module wraps it as a rule.
 */
import { checkProjectFiles } from '../projectChecks';
import type { WorkspaceRule } from '../rule';

/** `project-keystore-mismatch`. */
export const projectFilesRule: WorkspaceRule = {
  id: 'project-files',
  description: "An integration project's pom.xml, Dockerfile and deployment.toml name the same keystore.",
  scope: 'workspace',
  codes: [
    {
      code: 'project-keystore-mismatch',
      severity: 'warning',
      doc: 'The keystore name differs between pom.xml, the Dockerfile and deployment.toml of an integration project.',
      advice: 'Use one keystore name in pom.xml, the Dockerfile and deployment.toml.',
    },
  ],
  check(ctx) {
    for (const p of checkProjectFiles(ctx.config, ctx.projectTexts)) ctx.report(p.code, { message: p.message, range: p.range, fixes: p.fixes, file: p.file });
  },
};
