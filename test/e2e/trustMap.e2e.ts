// The trust map as a person uses it, on the packaged .vsix in code-server (run by scripts/runE2E.mjs): an
// endpoint of the demo's integration project calls a local TLS server whose CA the project's truststore
// does not hold. The "Test TLS" CodeLens connects, the Problems panel shows the untrusted URL, the quick
// fix "Trust the issuing CA" asks with the CA's subject and SHA-256 in a modal, and after confirming the
// CA is in the truststore (keytool lists it) and re-testing turns the connection trusted.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runKeytool } from '../helpers/keytool';
import type { Page } from 'playwright-core';
import { makeTestPki, openssl, startTlsServer, type TestPki } from '../helpers/tlsPki';
import { answerPrompt, applyQuickFix, e2eEnvironment, goToPosition, openFile, problemsWhen, runCommand, screenshot, workbenchPerTest } from './workbench';

const env = e2eEnvironment();
const endpointFile = 'hello-project/src/main/wso2mi/artifacts/endpoints/Backend.xml';

/** Upper-case hex without separators, so openssl's, keytool's and the dialog's fingerprints compare. */
function hex(fingerprint: string): string {
  return fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/** The "Test TLS" CodeLens above the URL; `verdict` is the one it names once a test ran. */
function codeLens(page: Page, verdict?: string) {
  const text = verdict ? `Test TLS (${verdict})` : 'Test TLS';
  return page.locator('.monaco-editor .codelens-decoration a', { hasText: text }).first();
}

describe('MI Keystores trust map', () => {
  const currentPage = workbenchPerTest(env);
  let page: Page;
  let tmp: string;
  let pki: TestPki;
  let server: { port: number; close: () => Promise<void> } | undefined;

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'mi-keystores-e2e-tls-'));
    // A root and intermediate the demo's truststore (public roots) does not hold; the server sends the
    // intermediate after its leaf, as most servers do.
    pki = makeTestPki(path.join(tmp, 'pki'));
    server = await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true });
    const file = path.join(env.workspace, endpointFile);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `<endpoint name="Backend" xmlns="http://ws.apache.org/ns/synapse">\n  <address uri="https://127.0.0.1:${server.port}/svc"/>\n</endpoint>\n`);
  });
  after(async () => {
    await server?.close();
    // The journeys share the demo: leave no failing endpoint behind.
    rmSync(path.join(env.workspace, endpointFile), { force: true });
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    page = currentPage();
  });

  it('tests an untrusted HTTPS endpoint, trusts its issuing CA through the quick fix and re-tests it trusted', async () => {
    const port = (server as { port: number }).port;
    const at = `127.0.0.1:${port}`;
    const caSha256 = hex(openssl(['x509', '-in', pki.intermediate.cert, '-noout', '-fingerprint', '-sha256'], pki.dir).split('=')[1] ?? '');
    assert.equal(caSha256.length, 64);

    await page.locator('.activitybar .action-item a[aria-label*="MI Keystores"]').first().waitFor({ timeout: 60_000 });
    await openFile(page, endpointFile);
    // Nothing connects until a person asks: the lens offers the test, then names the verdict.
    await codeLens(page).waitFor({ timeout: 60_000 });
    await codeLens(page).click();
    await codeLens(page, 'untrusted').waitFor({ timeout: 60_000 });

    await page.keyboard.press('Control+Shift+M');
    const before = await problemsWhen(page, (rows) => rows.some((r) => r.includes(at)), 60_000);
    const untrusted = before.find((r) => r.includes(at));
    assert.ok(untrusted, `no problem for ${at} in:\n${before.join('\n')}`);
    assert.match(untrusted, /truststore/);
    await screenshot(page, env, '9-trust-map-untrusted');

    // The URL is on line 2 from column 17; the quick fix names the intermediate CA the server sent.
    await page.locator('.monaco-editor .view-lines').first().click();
    await goToPosition(page, 2, 20);
    await applyQuickFix(page, 'Trust the issuing CA');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const asked = (await dialog.innerText()).replace(/\s+/g, ' ');
    assert.ok(asked.includes('CN=Test Intermediate CA') && asked.includes(at), asked);
    assert.ok(hex(/SHA-256 ([0-9A-Fa-f:]+)/.exec(asked)?.[1] ?? '') === caSha256, `the dialog's SHA-256 is not the CA's ${caSha256}: ${asked}`);
    const truststore = /It will be added to (.+?\.(?:jks|p12|pfx|jceks))/.exec(asked)?.[1];
    assert.ok(truststore && truststore.startsWith(path.join(env.workspace, 'hello-project')), `not the project's truststore: ${asked}`);
    await screenshot(page, env, '9-trust-map-confirm');
    await dialog.getByRole('button', { name: 'Trust It' }).click();
    await answerPrompt(page, 'Alias of the trusted certificate', 'backend-ca');
    await page.locator('.notification-list-item', { hasText: 'Imported the certificate of' }).first().waitFor({ timeout: 60_000 });

    // The real JDK reads the truststore and lists the CA under the alias typed, with the same fingerprint.
    const listed = runKeytool(['-list', '-v', '-keystore', truststore, '-storepass', 'wso2carbon', '-alias', 'backend-ca']);
    assert.equal(listed.status, 0, `keytool -list failed: ${listed.stderr}${listed.stdout}`);
    assert.match(listed.stdout, /Entry type: trustedCertEntry/);
    assert.equal(hex(/SHA256: ([0-9A-F:]+)/.exec(listed.stdout)?.[1] ?? ''), caSha256);

    // Re-test as a person would, from the palette: the verdict turns trusted and the problem goes.
    await page.locator('.monaco-editor .view-lines').first().click();
    await runCommand(page, 'Test TLS Connections');
    await codeLens(page, 'trusted').waitFor({ timeout: 60_000 });
    const after = await problemsWhen(page, (rows) => rows.length > 0 && !rows.some((r) => r.includes(at) || r.includes('Backend.xml')), 60_000);
    assert.ok(!after.some((r) => r.includes(at)), `the problem for ${at} is still listed:\n${after.join('\n')}`);
    // The panel still lists the demo's other findings: the row went, not the whole list.
    assert.ok(after.length > 0 && !after.some((r) => r.includes('Backend.xml')), after.join('\n'));
    await screenshot(page, env, '9-trust-map-trusted');
  });
});
