/**
 * References MI resolves at start-up (`$env{}`, `$sys{}`, `$secret{}`, `$ref{}`): a doubled `$` copied
 * from a web page, and store values whose reference cannot be resolved here — said once, instead of
 * comparing the reference text with the store.
 */
import type { Sourced } from '../../workspace/effectiveConfig';
import type { DocumentRule, WorkspaceRule } from '../rule';
import { liveTables } from './shared';

/** `$$env{X}`: the config mapper replaces `$env{X}` and keeps the first `$`. */
const DOUBLED = /\$\$(env|sys|secret|ref)\{([^}]*)\}/;

/** `reference-typo`. */
export const referenceTypoRule: DocumentRule = {
  id: 'reference-typo',
  description: 'References are written `$env{VAR}`, not `$$env{VAR}`.',
  scope: 'document',
  codes: [
    {
      code: 'reference-typo',
      severity: 'warning',
      doc: 'A reference written with a doubled `$` (`$$env{VAR}`, a typo found on WSO2 pages): MI resolves `$env{VAR}` and keeps the extra `$` in the value.',
      advice: 'Quick fix: remove the extra `$`.',
    },
  ],
  check({ document: doc, report }) {
    for (const table of liveTables(doc)) {
      for (const entry of table.entries) {
        if (entry.value.type !== 'string') continue;
        const m = DOUBLED.exec(entry.value.raw);
        if (!m) continue;
        const fixed = entry.value.raw.replace(/\$\$(env|sys|secret|ref)\{/g, '$$$1{');
        report('reference-typo', {
          message: `\`${entry.keyParts.join('.')}\` writes \`$$${m[1]}{${m[2]}}\`: MI resolves \`$${m[1]}{${m[2]}}\` and keeps the extra \`$\`, so the value is not the ${m[1] === 'env' ? 'variable' : 'reference'} alone.`,
          range: entry.value.range,
          fixes: [{ title: `Write $${m[1]}{${m[2]}}`, preferred: true, safe: true, edits: [{ file: doc.file, range: entry.value.range, newText: fixed }] }],
        });
      }
    }
  },
};

function explain(ref: string): string {
  if (ref.startsWith('$env{')) return `the environment variable ${ref.slice(5, -1)} is not set here`;
  if (ref.startsWith('$sys{')) return `the system property ${ref.slice(5, -1)} is only known when MI runs`;
  return `the clear value of ${ref} is not known here`;
}

/** `reference-unresolved`. */
export const referencesRule: WorkspaceRule = {
  id: 'references',
  description: 'Store values that hold a reference not resolvable here are named once, and not compared as text.',
  scope: 'workspace',
  codes: [
    {
      code: 'reference-unresolved',
      severity: 'information',
      doc: 'A store `file_name`, `type` or `alias` is a `$env{}`/`$sys{}`/`$secret{}` reference not known here, so what depends on it is not checked (never compared as written).',
      advice: 'Nothing is wrong; set the variable (CLI: in its environment) to have the store checked.',
    },
  ],
  check(ctx) {
    for (const s of ctx.config.stores) {
      if (s.disabled) continue;
      const values: [Sourced | undefined | null, string][] = [
        [s.file, 'the store file is not checked'],
        [s.type, 'its type is not compared with the file'],
        [s.alias, 'the alias is not looked up'],
      ];
      for (const [v, what] of values) {
        if (!v?.unresolved) continue;
        const name = v.key.slice(s.table.length + 1);
        ctx.report('reference-unresolved', { file: s.sourceFile,
          message: `\`${name}\` of the ${s.label} is \`${v.written ?? v.unresolved}\`: ${explain(v.unresolved)}, so ${what}.`,
          range: v.anchor,
          subject: `${v.written ?? v.unresolved}|${v.anchor.start.line}:${v.anchor.start.character}`,
        });
      }
    }
  },
};
