// End-to-end journeys on the packaged .vsix in code-server, keyboard and mouse only (run by
// scripts/runE2E.mjs). The workspace is a fresh demo (scripts/makeDemo.mjs): a default MI runtime home
// (mi-runtime/) and a new integration project (hello-project/) whose default certificate has expired.
// Every journey starts at the server's plain address, which opens the demo as `npm start` serves it.
// Each journey ends with a screenshot in test-results/e2e/.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runKeytool } from '../helpers/keytool';
import type { Page } from 'playwright-core';
import {
  answerFileDialog,
  applyQuickFix,
  answerPrompt,
  e2eEnvironment,
  goToPosition,
  keystoresView,
  openFile,
  pickOption,
  problemsWhen,
  quickInputTitle,
  runCommand,
  screenshot,
  treeRows,
  workbenchPerTest,
} from './workbench';

const env = e2eEnvironment();
const runtimeToml = 'mi-runtime/conf/deployment.toml';

/** `keytool -list` of a store: the proof a real JDK reads what the extension wrote. */
function keytoolList(file: string, password: string): string {
  const r = runKeytool(['-list', '-keystore', file, '-storepass', password]);
  assert.equal(r.status, 0, `keytool -list failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** The Problems rows under the file group of `folder` (group rows read "N problems in file F of folder D"). */
function problemsOfFolder(rows: string[], folder: string): string[] {
  const out: string[] = [];
  let inFolder = false;
  for (const row of rows) {
    const group = /problems? in file .* of folder (\S+)/.exec(row);
    if (group) inFolder = group[1].replace(/\.$/, '') === folder;
    else if (inFolder) out.push(row);
  }
  return out;
}

/**
 * Ends a generate command once its files are written: shows the notifications, waits for the one that
 * reports the new store and declines the offer to trust its certificate it carries when the workspace
 * has a truststore (the command has already finished; the offer no longer holds it open).
 */
async function finishGenerate(page: Page, storeFile: string, deploymentToml: string): Promise<void> {
  await runCommand(page, 'Notifications: Show Notifications');
  // Toasts and the notification centre share the row markup; either may hold it at this point. The
  // command reports the store once the store and deployment.toml are written.
  const created = page.locator('.notification-list-item').filter({ hasText: `Created ${path.basename(storeFile)}` });
  await created.first().waitFor({ timeout: 60_000 });
  assert.ok(existsSync(storeFile), `${storeFile} was not written`);
  assert.match(readFileSync(deploymentToml, 'utf8'), /^\[keystore\.internal\]/m);
  const notNow = created.getByRole('button', { name: 'Not now' });
  if (await notNow.count()) await notNow.first().click();
}

describe('MI Keystores in VS Code', () => {
  const currentPage = workbenchPerTest(env);
  let page: Page;
  beforeEach(() => {
    page = currentPage();
  });

  it('0. the plain address opens the demo workspace, as the README says', async () => {
    const actual = {
      folder: new URL(page.url()).searchParams.get('folder'),
      rows: await page.locator('.explorer-folders-view .monaco-list-row').evaluateAll((els) => els.map((e) => e.textContent ?? '')),
    };
    assert.equal(actual.folder, env.workspace);
    assert.ok(['hello-project', 'mi-runtime'].every((name) => actual.rows.some((r) => r.includes(name))), actual.rows.join('\n'));
  });

  it('1. lists the demo findings in the Problems panel and a quick fix clears one', async () => {
    await openFile(page, runtimeToml);
    await page.keyboard.press('Control+Shift+M');
    // The Problems list renders only the rows in view: maximise it so both files' findings are rows.
    await runCommand(page, 'View: Toggle Maximized Panel');
    const before = await problemsWhen(page, (all) => all.length >= 5);
    await screenshot(page, env, '1-problems');
    assert.ok(before.some((p) => /expired/i.test(p)), `no expired-certificate problem in:\n${before.join('\n')}`);
    assert.ok(before.some((p) => /default password/i.test(p)), `no default-password problem in:\n${before.join('\n')}`);
    assert.ok(before.some((p) => /internal keystore is the primary/i.test(p)), `no shared-internal-keystore problem in:\n${before.join('\n')}`);

    // The shared internal keystore is reported on [keystore.primary] (line 8); its quick fix creates one.
    await runCommand(page, 'View: Toggle Maximized Panel');
    await page.locator('.monaco-editor .view-lines').first().click();
    await goToPosition(page, 8, 1);
    await applyQuickFix(page, 'Create a separate internal keystore');
    await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Create Internal Keystore' }).click();
    // The fix knows its MI workspace: the first question is the store type, not which workspace.
    assert.match(await quickInputTitle(page), /Keystore type/);
    await pickOption(page, 'Keystore type', 'JKS');
    await answerPrompt(page, 'Save the new keystore as');
    await answerPrompt(page, 'Alias of the key pair');
    await answerPrompt(page, 'Distinguished name of the certificate');
    await pickOption(page, 'Key algorithm', 'RSA');
    await answerPrompt(page, 'Validity in days');
    await answerPrompt(page, 'Subject alternative names');
    await answerPrompt(page, 'Store password', 'internal-secret-1');
    await finishGenerate(page, path.join(env.workspace, 'mi-runtime/repository/resources/security/internal.jks'), path.join(env.workspace, runtimeToml));

    await runCommand(page, 'View: Toggle Maximized Panel');
    // The integration project has the same finding; only the runtime home's must go.
    const shared = (all: string[]) => problemsOfFolder(all, 'mi-runtime/conf').filter((p) => /internal keystore is the primary/i.test(p)).length;
    const after = await problemsWhen(page, (all) => problemsOfFolder(all, 'mi-runtime/conf').length > 0 && shared(all) === 0);
    await screenshot(page, env, '1-quick-fix');
    assert.equal(shared(before), 1, before.join('\n'));
    assert.equal(shared(after), 0, after.join('\n'));
    assert.match(readFileSync(path.join(env.workspace, runtimeToml), 'utf8'), /^\[keystore\.internal\]/m);
  });

  it('3. shows the runtime home, its stores with role badges and the aliases with their expiry', async () => {
    await keystoresView(page);
    const home = treeRows(page).filter({ hasText: 'mi-runtime' }).first();
    await home.waitFor();
    const stores = page.locator('.pane-body .monaco-list-row[aria-level="2"]');
    await stores.first().waitFor();
    const labels = await stores.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    assert.ok(labels.some((l) => l.includes('wso2carbon.jks') && l.includes('primary')), labels.join('\n'));
    assert.ok(labels.some((l) => l.includes('client-truststore.jks') && l.includes('truststore')), labels.join('\n'));

    // Expand the runtime home's primary keystore (the last wso2carbon.jks row: mi-runtime sorts after hello-project).
    await stores.filter({ hasText: 'wso2carbon.jks' }).last().click();
    const alias = page.locator('.pane-body .monaco-list-row[aria-level="3"]', { hasText: 'wso2carbon' }).first();
    await alias.waitFor();
    const actual = (await alias.textContent()) ?? '';
    await alias.scrollIntoViewIfNeeded();
    await screenshot(page, env, '3-keystores-view');
    assert.match(actual, /expired|2026-05-27/i);
  });

  it('6. shows the certificate details when hovering the alias', async () => {
    await openFile(page, runtimeToml);
    const value = page.locator('.view-line', { hasText: 'alias = "wso2carbon"' }).locator('span', { hasText: 'wso2carbon' }).last();
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /CN=localhost|Reading the keystore/ }).first();
    // Hover answers from the text alone when the store is not decoded within 150 ms (the first time, on a
    // cold worker), and then says it is still reading the keystore; and a hover can fail to open at all
    // while the editor is still settling. As a person would, hover again.
    for (let attempt = 1; ; attempt++) {
      await page.mouse.move(0, 0);
      await value.hover();
      const shown = await hover.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      if (shown && (await hover.innerText()).includes('CN=localhost')) break;
      if (attempt === 3) throw new Error(`after three hovers the alias showed ${shown ? 'only that the keystore was still being read' : 'no hover'}`);
      await page.waitForTimeout(1000);
    }
    const actual = await hover.innerText();
    await screenshot(page, env, '6-hover');
    assert.match(actual, /2026-05-27/);
  });

  it('2. suggests the keystore aliases after alias = "', async () => {
    await openFile(page, runtimeToml);
    await goToPosition(page, 11, 1);
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('alias = "');
    const suggestions = page.locator('.suggest-widget .monaco-list-row');
    await suggestions.first().waitFor({ timeout: 5000 }).catch(async () => {
      // Typing a quote may not open the list on its own; Ctrl+Space asks for it, as a person would.
      await page.keyboard.press('Control+Space');
      await suggestions.first().waitFor();
    });
    const actual = await suggestions.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
    await screenshot(page, env, '2-alias-completion');
    await page.keyboard.press('Escape');
    await runCommand(page, 'File: Revert File');
    assert.ok(actual.some((s) => s.includes('wso2carbon')), actual.join('\n'));
  });

  it('5. imports a PEM certificate into a truststore from its context menu', async () => {
    const truststorePath = path.join(env.workspace, 'mi-runtime/repository/resources/security/client-truststore.jks');
    await keystoresView(page);
    const truststore = page.locator('.pane-body .monaco-list-row[aria-level="2"]', { hasText: 'client-truststore.jks' }).last();
    await truststore.click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: /^Import Certificate/ }).first();
    await item.hover();
    await item.click();
    // The row names the store: the first question is where the certificate comes from.
    assert.match(await quickInputTitle(page), /Import from/);
    await pickOption(page, 'Import from', 'A certificate file');
    await answerFileDialog(page, 'Certificate to trust', path.join(env.workspace, 'certs', 'partner-ca.pem'));
    await answerPrompt(page, 'Alias of the trusted certificate', 'partner-ca');
    await truststore.click();
    // Some 150 entries, the new one last: End scrolls the tree down to it, as a person would.
    await page.locator('.pane-body .monaco-list-row[aria-level="3"]').first().waitFor();
    await page.keyboard.press('End');
    const entry = page.locator('.pane-body .monaco-list-row[aria-level="3"]', { hasText: 'partner-ca' }).first();
    await entry.waitFor();
    await entry.scrollIntoViewIfNeeded();
    await screenshot(page, env, '5-import-certificate');
    assert.match(keytoolList(truststorePath, 'wso2carbon'), /^partner-ca, .*trustedCertEntry/m);
  });

  it('4. generates a keystore from the palette, writes its table, and keytool lists it', async () => {
    await runCommand(page, 'MI Keystores: Generate Keystore…');
    await pickOption(page, 'MI workspace', 'hello-project');
    await pickOption(page, 'Role of the new keystore', 'internal');
    await pickOption(page, 'Keystore type', 'PKCS12');
    await answerPrompt(page, 'Save the new keystore as');
    await answerPrompt(page, 'Alias of the key pair', 'hello-internal');
    await answerPrompt(page, 'Distinguished name of the certificate', 'CN=hello.example.com, O=Example, C=LK');
    await pickOption(page, 'Key algorithm', 'RSA');
    await answerPrompt(page, 'Validity in days', '365');
    await answerPrompt(page, 'Subject alternative names', 'dns:hello.example.com');
    await answerPrompt(page, 'Store password', 'hello-secret-1');
    const file = path.join(env.workspace, 'hello-project/deployment/docker/resources/internal.p12');
    await finishGenerate(page, file, path.join(env.workspace, 'hello-project/deployment/deployment.toml'));
    await openFile(page, 'hello-project/deployment/deployment.toml');
    await page.keyboard.press('Control+End');
    await screenshot(page, env, '4-generate-keystore');
    assert.ok(existsSync(file), `${file} was not written`);
    assert.match(readFileSync(path.join(env.workspace, 'hello-project/deployment/deployment.toml'), 'utf8'), /^\[keystore\.internal\]/m);
    assert.match(keytoolList(file, 'hello-secret-1'), /hello-internal, .*PrivateKeyEntry/);
  });
  it('7. renews the expired certificate of the integration project with its quick fix', async () => {
    const projectToml = 'hello-project/deployment/deployment.toml';
    await openFile(page, projectToml);
    // The expired certificate is reported on the alias of [keystore.primary] (line 11); only that finding offers renewal.
    await goToPosition(page, 11, 12);
    await applyQuickFix(page, 'Renew the certificate');
    // Self-signed, password in deployment.toml: renewed at once, with the same key.
    await page.locator('.notification-list-item', { hasText: 'Renewed the certificate' }).first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    // The key's certificate-expired finding only: the truststore still trusts the old certificate (and
    // perhaps an expired root CA), which are findings of their own that renewing the key does not clear.
    const expired = (all: string[]) => problemsOfFolder(all, 'hello-project/deployment').filter((p) => /certificate of key .* expired/i.test(p)).length;
    const after = await problemsWhen(page, (all) => problemsOfFolder(all, 'hello-project/deployment').length > 0 && expired(all) === 0);
    await screenshot(page, env, '7-renew-certificate');
    assert.equal(expired(after), 0, after.join('\n'));
    const store = path.join(env.workspace, 'hello-project/deployment/docker/resources/wso2carbon.jks');
    assert.match(keytoolList(store, 'wso2carbon'), /wso2carbon, .*PrivateKeyEntry/);
  });
});
