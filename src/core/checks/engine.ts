/**
 * The small engine that runs the check rules (./rules): it gives each rule its context, stamps every
 * finding with the severity its rule declares, and reports a finding about a shared store once — by the
 * first consumer that meets it — and again only where another consumer writes the faulty value itself.
 */
import type { Problem, Range } from '../problem';
import type { TomlDocument } from '../config/toml';
import type { DocumentRule, DocumentRuleContext, Finding, Rule, WorkspaceRule, WorkspaceRuleContext } from './rule';
import type { Product } from './product';

function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/** Collects findings, checking each code belongs to the rule that reports it. */
class Collector {
  private readonly candidates: { problem: Problem; subject?: string; ownLine: boolean }[] = [];

  constructor(
    private readonly file: string,
    private readonly disabled: ReadonlySet<string>,
  ) {}

  reporter(rule: Rule): (code: string, f: Finding) => void {
    const severities = new Map(rule.codes.map((c) => [c.code, c.severity]));
    return (code, f) => {
      const severity = severities.get(code);
      // A code a rule does not declare would have no documentation page: a programming error.
      if (!severity) throw new Error(`Rule ${rule.id} reported the undeclared code ${code}.`);
      if (this.disabled.has(code)) return;
      this.candidates.push({
        // A fix with nothing to do (no edit, move or action) is not offered.
        problem: { code, severity, message: f.message, file: f.file ?? this.file, range: f.range, fixes: (f.fixes ?? []).filter((x) => x.run || x.moveFile || (x.edits?.length ?? 0) > 0) },
        subject: f.subject === undefined ? undefined : `${code}|${f.subject}`,
        ownLine: f.ownLine === true,
      });
    };
  }

  /** The findings, each subject once plus where a consumer writes the faulty value on its own line. */
  problems(): Problem[] {
    const seen = new Set<string>();
    const seenAt = new Set<string>();
    const out: Problem[] = [];
    for (const c of this.candidates) {
      if (c.subject !== undefined) {
        const at = `${c.subject}@${c.problem.file}:${rangeKey(c.problem.range)}`;
        if (seenAt.has(at)) continue;
        if (seen.has(c.subject) && !c.ownLine) continue;
        seen.add(c.subject);
        seenAt.add(at);
      }
      out.push(c.problem);
    }
    return out;
  }
}

function applies(rule: Rule, product: Product): boolean {
  return (rule.products ?? ['mi']).includes(product);
}

/** Runs the document rules of `rules` that apply to `product`. */
export function runDocumentRules(rules: readonly Rule[], document: TomlDocument, product: Product, disabled: readonly string[] = []): Problem[] {
  const out = new Collector(document.file, new Set(disabled));
  for (const rule of rules) {
    if (rule.scope !== 'document' || !applies(rule, product)) continue;
    const ctx: DocumentRuleContext = { document, product, report: out.reporter(rule) };
    (rule as DocumentRule).check(ctx);
  }
  return out.problems();
}

/** Runs the workspace rules of `rules` that apply to the context's product, one after the other. */
export async function runWorkspaceRules(rules: readonly Rule[], base: Omit<WorkspaceRuleContext, 'report'>, disabled: readonly string[] = []): Promise<Problem[]> {
  const out = new Collector(base.document.file, new Set(disabled));
  for (const rule of rules) {
    if (rule.scope !== 'workspace' || !applies(rule, base.product)) continue;
    await (rule as WorkspaceRule).check({ ...base, report: out.reporter(rule) });
  }
  return out.problems();
}
