/**
 * Every id the extension contributes (commands, views, settings, context keys), in one place so that
 * `test/unit/manifest.test.ts` can check them against package.json in both directions.
 */

/** Command ids, `miKeystores.<verbNoun>`. */
export const COMMANDS = {
  generateKeystore: 'miKeystores.generateKeystore',
  importCertificate: 'miKeystores.importCertificate',
  importCaReply: 'miKeystores.importCaReply',
  generateCsr: 'miKeystores.generateCsr',
  /** Re-issues a self-signed certificate with the same key; offers a CSR for a CA-signed one. */
  renewCertificate: 'miKeystores.renewCertificate',
  exportCertificate: 'miKeystores.exportCertificate',
  deleteEntry: 'miKeystores.deleteEntry',
  renameAlias: 'miKeystores.renameAlias',
  changePassword: 'miKeystores.changePassword',
  convertKeystore: 'miKeystores.convertKeystore',
  separateInternalKeystore: 'miKeystores.separateInternalKeystore',
  /** Re-encrypts every `[secrets]` value for a new internal key and repoints `[keystore.internal]` in one edit. */
  rotateInternalKeystore: 'miKeystores.rotateInternalKeystore',
  refresh: 'miKeystores.refresh',
  forgetPasswords: 'miKeystores.forgetPasswords',
  revealInDeploymentToml: 'miKeystores.revealInDeploymentToml',
  showLog: 'miKeystores.showLog',
  fixAll: 'miKeystores.fixAll',
  /** Internal: runs an engine `Fix.run` action on behalf of a code action; hidden from the palette. */
  runFixAction: 'miKeystores.runFixAction',
  /** Builds the trust map of the workspaces (fetching server certificates when asked) and returns it as JSON. */
  testConnections: 'miKeystores.testConnections',
  /** Imports the top-most CA a server sent into the effective truststore, after showing its subject and SHA-256. */
  trustIssuingCa: 'miKeystores.trustIssuingCa',
  /** Gives one server its own SSL profile (a dedicated truststore, or a client key it accepts), in one undoable edit. */
  addSslProfile: 'miKeystores.addSslProfile',
  /** Picks a workspace key entry a mutual-TLS server accepts and configures it in the server's SSL profile. */
  chooseClientKey: 'miKeystores.chooseClientKey',
  /** Renews MI's HTTPS listener certificate (same key) with the host names it lacks. */
  renewListenerCertificate: 'miKeystores.renewListenerCertificate',
  /** Opens a keystore file in the keystore editor (from the Keystores view or the explorer). */
  openKeystoreEditor: 'miKeystores.openKeystoreEditor',
} as const;

/** View container and view ids. */
export const VIEWS = {
  container: 'miKeystores',
  keystores: 'miKeystores.keystores',
} as const;

/** Custom editor view types (package.json `contributes.customEditors`). */
export const CUSTOM_EDITORS = {
  /** The default editor of keystore file names (`*.jks`, `*.p12`…). */
  keystore: 'miKeystores.keystoreEditor',
  /** The same editor offered by "Reopen With…" for any file, whose bytes may be a keystore under another name. */
  keystoreAnyFile: 'miKeystores.keystoreEditorAnyFile',
} as const;

/** Setting keys, relative to the `miKeystores` section. */
export const SETTINGS = {
  section: 'miKeystores',
  expiryWarningDays: 'expiryWarningDays',
  validationDelay: 'validationDelay',
  codeLensEnabled: 'codeLens.enabled',
  rememberPasswords: 'rememberPasswords',
  defaultStoreType: 'newKeystore.type',
  defaultValidityDays: 'newKeystore.validityDays',
  defaultKeyAlgorithm: 'newKeystore.keyAlgorithm',
} as const;

/** Every setting key as package.json spells it (`miKeystores.<key>`). */
export const SETTING_IDS: readonly string[] = Object.entries(SETTINGS)
  .filter(([k]) => k !== 'section')
  .map(([, v]) => `${SETTINGS.section}.${v}`);

/** Context values of tree items, matched by `view/item/context` menus. */
export const CONTEXT_VALUES = {
  workspace: 'miWorkspace',
  keystore: 'keystore',
  keystoreMissing: 'keystoreMissing',
  keyEntry: 'keyEntry',
  certEntry: 'certEntry',
  secretEntry: 'secretEntry',
  certificate: 'certificate',
  detail: 'detail',
} as const;

/** The walkthrough id (package.json `contributes.walkthroughs`). */
export const WALKTHROUGH = 'miKeystores.gettingStarted';

/** The output channel's name. */
export const LOG_CHANNEL = 'MI Keystores';

/** The diagnostic collection's name (shown as the diagnostics' source). */
export const DIAGNOSTIC_SOURCE = 'mi-keystores';
