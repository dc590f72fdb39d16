/**
 * Every problem code the engine reports, with its default severity and a one-line doc, collected from
 * the rules that declare them (./rules). The extension and the CLI list the codes from here, and
 * docs/diagnostics.md is generated from the same declarations (see `problemDocUrl`).
 */
import type { Severity } from '../problem';
import { RULES } from './rules/index';

/** What a problem code means and how loud it is. */
export interface ProblemCodeInfo {
  readonly code: string;
  readonly severity: Severity;
  /** One line for a person: what is wrong, phrased as the finding. */
  readonly doc: string;
  /** What a person does about it. */
  readonly advice?: string;
  /** `document`: found from the text alone; `keystore`: needs the workspace and the store files. */
  readonly scope: 'document' | 'keystore';
  /** The rule (family) that reports it. */
  readonly rule: string;
}

/** Every problem code, in documentation order. */
export const PROBLEM_CODES: readonly ProblemCodeInfo[] = RULES.flatMap((r) =>
  r.codes.map((c) => ({ code: c.code, severity: c.severity, doc: c.doc, advice: c.advice, scope: r.scope === 'document' ? ('document' as const) : ('keystore' as const), rule: r.id })),
);

const BY_CODE = new Map<string, ProblemCodeInfo>(PROBLEM_CODES.map((c) => [c.code, c]));

/** The info of a code, or undefined for a code not in the list. */
export function problemCodeInfo(code: string): ProblemCodeInfo | undefined {
  return BY_CODE.get(code);
}
