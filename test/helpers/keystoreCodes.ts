/** The codes of the rules that read keystores or project files, for tests that pick those findings out. */
import type { Severity } from '../../src/core/problem';
import { RULES } from '../../src/core/checks/rules/index';

/** The rule families that read keystores, plus the project files' rule. */
const FAMILIES = ['store-files', 'store-passwords', 'key-entries', 'certificates', 'store-agreement', 'project-files'];

/** Each code of those rules with its severity. */
export const KEYSTORE_CODES: Readonly<Record<string, Severity>> = Object.fromEntries(
  RULES.filter((r) => FAMILIES.includes(r.id)).flatMap((r) => r.codes.map((c) => [c.code, c.severity])),
);
