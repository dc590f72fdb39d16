/**
 * A deployment.toml of another WSO2 product (API Manager, Identity Server): it shares MI's keystore
 * tables under other rules, so MI's advice would be wrong there. Said once; only the TOML is checked.
 */
import { firstContentLine } from '../../workspace/effectiveConfig';
import type { DocumentRule } from '../rule';
import { PRODUCT_NAMES } from '../product';

/** `not-mi-configuration`. */
export const productRule: DocumentRule = {
  id: 'product',
  description: "A file of another WSO2 product is recognised and not judged by MI's rules.",
  scope: 'document',
  products: ['api-manager', 'identity-server', 'mi-dashboard'],
  codes: [
    {
      code: 'not-mi-configuration',
      severity: 'information',
      doc: "The file configures WSO2 API Manager, Identity Server or the MI Dashboard (known by its home's bin/ launcher or its tables), not MI: only its TOML syntax is checked.",
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
