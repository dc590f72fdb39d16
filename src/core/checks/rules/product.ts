/**
 * A deployment.toml of another WSO2 product (API Manager, Identity Server): it shares MI's keystore
 * tables under other rules, so MI's advice would be wrong there. Said once; only the TOML is checked.
 */
import type { Range } from '../../problem';
import type { TomlDocument } from '../../config/toml';
import type { DocumentRule } from '../rule';
import { PRODUCT_NAMES } from '../product';

/** The first line that is not blank or a comment (line 1 when there is none). */
export function firstContentLine(doc: TomlDocument): Range {
  const first = doc.tables
    .flatMap((t) => [t.headerRange, ...t.entries.map((e) => e.keyRange)])
    .filter((r): r is Range => !!r)
    .sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character)[0];
  const line = first?.start.line ?? 0;
  return { start: { line, character: 0 }, end: { line, character: first ? first.start.character + 1 : 0 } };
}

/** `not-mi-configuration`. */
export const productRule: DocumentRule = {
  id: 'product',
  description: "A file of another WSO2 product is recognised and not judged by MI's rules.",
  scope: 'document',
  products: ['api-manager', 'identity-server'],
  codes: [
    {
      code: 'not-mi-configuration',
      severity: 'information',
      doc: "The file configures WSO2 API Manager or Identity Server (known by its home's bin/ launcher or its tables), not MI: only its TOML syntax is checked.",
      advice: "Nothing to do. Those products resolve a bare `file_name` under repository/resources/security/ and read `[keystore.tls]`, so MI's keystore advice does not apply.",
    },
  ],
  check({ document, product, report }) {
    report('not-mi-configuration', {
      message: `This deployment.toml configures ${PRODUCT_NAMES[product]}, not WSO2 Micro Integrator; its keystore tables follow that product's rules, so only its TOML syntax is checked here.`,
      range: firstContentLine(document),
    });
  },
};
