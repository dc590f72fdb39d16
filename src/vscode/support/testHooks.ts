/**
 * Hook points the integration suite sets through the extension's API (`testing.hooks`): the keystore
 * writes and the keystore editor's messages call them, so a test can interleave a change or watch the
 * webview without any test code in the product's paths. Empty in normal use.
 */

/** Test-only hooks the integration suite sets through the extension's API; empty in normal use. */
export const testHooks: {
  beforeKeystoreWrite?: (file: string) => Promise<void> | void;
  /** Sees every message between a keystore editor and its webview (`toWebview` false: from the webview). */
  keystoreEditorMessage?: (file: string, message: unknown, toWebview: boolean) => void;
} = {};
