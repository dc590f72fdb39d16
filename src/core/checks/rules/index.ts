/**
 * Every check rule, in the order their codes are documented: the rules that read the text alone,
 * then those that read the workspace. A new family of checks is one module here plus its test.
 */
import type { Rule } from '../rule';
import { syntaxRule } from './syntax';
import { productRule } from './product';
import { schemaKeysRule } from './schemaKeys';
import { storeValuesRule } from './storeValues';
import { passwordsRule } from './passwords';
import { secretDecryptionRule, secretReferencesRule } from './secrets';
import { storeFilesRule } from './storeFiles';
import { storePasswordsRule } from './storePasswords';
import { keyEntriesRule } from './keyEntries';
import { certificatesRule } from './certificates';
import { storeAgreementRule } from './storeAgreement';
import { projectFilesRule } from './projectFiles';
import { referenceTypoRule, referencesRule } from './references';
import { providerStoreTypeRule, tlsSettingsRule } from './tlsSettings';
import { trustedCertificatesRule } from './trustedCertificates';
import { sslProfilesRule } from './sslProfiles';

/** The rules the engine runs. */
export const RULES: readonly Rule[] = [
  syntaxRule,
  productRule,
  schemaKeysRule,
  storeValuesRule,
  passwordsRule,
  secretReferencesRule,
  referenceTypoRule,
  tlsSettingsRule,
  referencesRule,
  sslProfilesRule,
  storeFilesRule,
  storePasswordsRule,
  keyEntriesRule,
  certificatesRule,
  storeAgreementRule,
  trustedCertificatesRule,
  providerStoreTypeRule,
  projectFilesRule,
  secretDecryptionRule,
];
