// The Keystores view as a person sees it: workspaces, stores with role badges, entries with expiry,
// certificate chains and details, read through the extension's tree data provider.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, keytool, workspaceDir, type ExtensionApi } from './helpers';

/** The children of `node` with their rendered items. */
async function rows(api: ExtensionApi, node?: unknown): Promise<{ node: unknown; item: vscode.TreeItem }[]> {
  const children = ((await api.keystoresTree.getChildren(node)) ?? []) as unknown[];
  return Promise.all(children.map(async (c) => ({ node: c, item: await api.keystoresTree.getTreeItem(c) })));
}

const label = (i: vscode.TreeItem) => (typeof i.label === 'string' ? i.label : (i.label?.label ?? ''));

describe('keystores view', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await activate();
  });

  it('lists the MI runtime home and the integration project of the workspace', async () => {
    const actual = (await rows(api)).map((r) => `${label(r.item)} (${r.item.description})`).filter((l) => !l.startsWith('mi-home-'));
    const expected = ['hello-project (integration project)', 'mi-runtime (MI home)'];
    assert.deepEqual(actual, expected);
  });

  it('shows each store of the runtime with its roles, format and entry count', async () => {
    const runtime = (await rows(api)).find((r) => label(r.item) === 'mi-runtime');
    // The Connections node (trust map) follows the stores; its own suite covers it.
    const stores = (await rows(api, runtime?.node)).filter((r) => r.item.contextValue !== 'tlsConnections');
    const actual = stores.map((r) => `${label(r.item)}: ${String(r.item.description).replace(/ — \d+ problems?$/, '')}`);
    // The demo's truststore holds the root CAs of the Node that made it, plus the wso2carbon certificate.
    const truststore = path.join(workspaceDir(), 'mi-runtime', 'repository', 'resources', 'security', 'client-truststore.jks');
    const trusted = /Your keystore contains (\d+) entries/.exec(keytool(['-list', '-keystore', truststore, '-storepass', 'wso2carbon']))?.[1];
    // wso2carbon.jks holds the same root CAs beside its key, so both stores hold as many entries.
    const expected = [`wso2carbon.jks: primary · internal — JKS — ${trusted} entries`, `client-truststore.jks: truststore — JKS — ${trusted} entries`];
    assert.deepEqual(actual, expected);
  });

  it('shows the key entry with its expiry and its certificate details', async () => {
    const runtime = (await rows(api)).find((r) => label(r.item) === 'mi-runtime');
    const store = (await rows(api, runtime?.node)).find((r) => label(r.item) === 'wso2carbon.jks');
    const entry = (await rows(api, store?.node)).find((r) => label(r.item) === 'wso2carbon');
    const cert = (await rows(api, entry?.node))[0];
    const details = (await rows(api, cert?.node)).map((r) => label(r.item));
    const actual = {
      context: entry?.item.contextValue,
      description: /^expired \d+ days? ago · localhost$/.test(String(entry?.item.description)),
      details: details.slice(0, 5),
    };
    const expected = { context: 'keyEntry', description: true, details: ['Subject', 'Issuer', 'Serial number', 'Valid from', 'Valid until'] };
    assert.deepEqual(actual, expected);
  });
});
