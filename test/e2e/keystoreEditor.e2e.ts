// The keystore editor as a person uses it, on the packaged .vsix in code-server (run by
// scripts/runE2E.mjs): open the MI runtime home's wso2carbon.jks from the explorer, filter its 146
// entries for a CA, select it, read its SHA-256 in the details pane (checked against keytool), and follow
// "used by" to the deployment.toml line. A second journey times filter keystrokes on a 500-entry store,
// measured by the webview script itself with performance.now; the numbers go to the console and to
// test-results/e2e/keystore-editor-bench.json.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runKeytool } from '../helpers/keytool';
import type { FrameLocator, Page } from 'playwright-core';
import { decodeKeystore, encodeKeystore, parseCertificate, commonNameOf, type Entry } from '../../src/core/keystore';
import { e2eEnvironment, quickOpen, screenshot, workbenchPerTest } from './workbench';

const env = e2eEnvironment();
const security = 'mi-runtime/repository/resources/security';

/** keytool's SHA-256 of one alias: the proof the editor shows what a real JDK reads. */
function keytoolSha256(file: string, password: string, alias: string): string {
  const r = runKeytool(['-list', '-keystore', file, '-storepass', password, '-alias', alias]);
  assert.equal(r.status, 0, `keytool -list failed: ${r.stderr}${r.stdout}`);
  const m = /SHA-256\): ([0-9A-F:]+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  return m[1];
}

/** The store password `[keystore.primary]` of the demo runtime home gives. */
function primaryPassword(): string {
  const toml = readFileSync(path.join(env.workspace, 'mi-runtime/conf/deployment.toml'), 'utf8');
  const m = /^\[keystore\.primary\][^[]*?^password\s*=\s*"([^"]*)"/m.exec(toml);
  assert.ok(m, 'no [keystore.primary] password in the demo deployment.toml');
  return m[1];
}

/** The document inside the keystore editor's webview (VS Code nests it in two frames). */
function editorFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** The explorer row whose label starts with `name` (a compact folder row reads `repository/resources/security`). */
function explorerRow(page: Page, name: string) {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.]/g, '\\.')}(/|$)`) }) }).first();
}

/** Opens `relativePath` from the explorer by clicking each folder on the way, as a person does. */
async function openFromExplorer(page: Page, relativePath: string): Promise<void> {
  const parts = relativePath.split('/');
  const file = parts.pop() as string;
  for (const folder of parts) {
    // A compact folder row (`repository/resources/security`) opens the folders below it at once.
    await explorerRow(page, folder).or(explorerRow(page, file)).first().waitFor();
    if (await explorerRow(page, file).isVisible()) break;
    await explorerRow(page, folder).click();
  }
  await explorerRow(page, file).click();
}

/**
 * Waits until the workbench knows the extension's contributions (its activity bar icon shows): a file
 * opened before then gets the text editor, since the keystore editor is not yet registered.
 */
async function extensionContributed(page: Page): Promise<void> {
  await page.locator('.activitybar .action-item a[aria-label*="MI Keystores"]').first().waitFor({ timeout: 60_000 });
}

/** The filter-keystroke timings the webview recorded while `text` was typed, one per keystroke (ms). */
async function typeAndTime(frame: FrameLocator, text: string): Promise<number[]> {
  const filter = frame.locator('input.filter');
  const times: number[] = [];
  for (const ch of text) {
    await filter.press(ch === ' ' ? 'Space' : ch);
    times.push(Number(await frame.locator('body').getAttribute('data-filter-ms')));
  }
  return times;
}

describe('MI Keystores keystore editor', () => {
  const currentPage = workbenchPerTest(env);
  let page: Page;
  beforeEach(() => {
    page = currentPage();
  });

  it('opens wso2carbon.jks from the explorer, filters for a CA, shows its SHA-256 and follows "used by"', async () => {
    // What to expect comes from the file itself (the demo's store may change): its password from
    // deployment.toml, its entries from the engine, the fingerprint from keytool.
    const file = path.join(env.workspace, security, 'wso2carbon.jks');
    const password = primaryPassword();
    const store = await decodeKeystore(new Uint8Array(readFileSync(file)), password);
    const keyPairs = store.entries.filter((e) => e.kind === 'private-key').length;
    const trusted = store.entries.filter((e) => e.kind === 'trusted-cert');
    // A CA to look for: DigiCert Global Root G2 when the store has WSO2's JDK roots, else the first trusted certificate.
    const ca = trusted.find((e) => e.alias.includes('digicert_global_root_g2')) ?? trusted[0];
    assert.ok(ca && ca.kind === 'trusted-cert', 'the demo wso2carbon.jks has no trusted certificate to filter for');
    const parsed = parseCertificate(ca.certificate);
    const cn = commonNameOf(ca.certificate, parsed.subject) || ca.alias;

    await extensionContributed(page);
    await openFromExplorer(page, `${security}/wso2carbon.jks`);
    const frame = editorFrame(page);
    const filter = frame.locator('input.filter');
    await filter.waitFor({ timeout: 60_000 });
    const summary = (await frame.locator('.summary').first().textContent()) ?? '';
    assert.match(summary, new RegExp(`^${store.format} · integrity verified · ${keyPairs} key pairs?, ${trusted.length} trusted certificates?`));
    // Key pairs first: the first row of the table is a key pair.
    if (keyPairs > 0) assert.equal(await frame.locator('.spacer .row:not([hidden])').first().getAttribute('data-kind'), 'key pair');
    // Its kind is drawn with VS Code's key codicon, from the font the extension ships (the CSP lets it load).
    if (keyPairs > 0) await frame.locator('.spacer .row:not([hidden]) .col-kind .codicon-key').first().waitFor();
    // (A string, since the tests compile without the DOM's types; the page runs it as it would a function body.)
    const fontLoaded = await frame.locator('body').evaluate(`(async () => { await document.fonts.ready; return [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'codicon' && f.status === 'loaded'); })()`);
    assert.equal(fontLoaded, true, 'the codicon font did not load in the keystore editor');

    await filter.click();
    await page.keyboard.type(cn.toLowerCase());
    await frame.locator('.count', { hasText: ` of ${store.entries.length} entries` }).waitFor();
    const row = frame.locator('.spacer .row:not([hidden])').filter({ has: frame.locator('.col-alias', { hasText: new RegExp(`^${ca.alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
    await row.first().click();
    const sha256 = frame.locator('.details code.sha256').first();
    await sha256.waitFor();
    assert.equal(await sha256.textContent(), keytoolSha256(file, password, ca.alias));
    assert.equal(await frame.locator('.details h2').textContent(), ca.alias);
    await screenshot(page, env, '8-keystore-editor');

    // "Used by": [keystore.primary] of the runtime home's deployment.toml, at its file_name line.
    const toml = readFileSync(path.join(env.workspace, 'mi-runtime/conf/deployment.toml'), 'utf8');
    const line = toml.split('\n').findIndex((l) => l.startsWith('file_name') && l.includes('wso2carbon.jks')) + 1;
    await frame.locator('.usedby button.link', { hasText: '[keystore.primary]' }).first().click();
    await page.locator('.tabs-container .tab.active[aria-label*="deployment.toml"]').waitFor();
    await page.locator('.statusbar-item', { hasText: `Ln ${line},` }).first().waitFor();
    await screenshot(page, env, '8-keystore-editor-used-by');
  });

  it('filters a 500-entry store within a frame per keystroke (measured in the webview)', async () => {
    // 500 trusted certificates: WSO2's 146 under new aliases, written by the engine and read back by keytool.
    const source = await decodeKeystore(new Uint8Array(readFileSync(path.join(env.workspace, security, 'wso2carbon.jks'))), primaryPassword());
    const certs = source.entries.flatMap((e) => (e.kind === 'trusted-cert' ? [e.certificate] : e.kind === 'private-key' ? [e.chain[0]] : []));
    const entries: Entry[] = Array.from({ length: 500 }, (_, i) => ({ kind: 'trusted-cert', alias: `bench-${String(i).padStart(3, '0')}-${source.entries[i % source.entries.length].alias}`, created: new Date(), certificate: certs[i % certs.length] }));
    const file = path.join(env.workspace, 'bench', 'bench-500.jks');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, await encodeKeystore({ format: 'JKS', integrity: 'verified', entries }, 'bench-pass'));
    const listed = runKeytool(['-list', '-keystore', file, '-storepass', 'bench-pass']);
    assert.match(listed.stdout, /Your keystore contains 500 entries/);

    await extensionContributed(page);
    // Quick Open: the keystore editor is the default for *.jks, so it opens there.
    await quickOpen(page, 'bench/bench-500.jks');
    const frame = editorFrame(page);
    // No deployment.toml configures this store: the editor asks for its password.
    const password = frame.locator('input#password');
    await password.waitFor({ timeout: 60_000 });
    await password.fill('bench-pass');
    await password.press('Enter');
    const filter = frame.locator('input.filter');
    await filter.waitFor();
    await frame.locator('.count', { hasText: '500 entries' }).waitFor();
    await filter.click();
    const typing = await typeAndTime(frame, 'digicert root');
    const erasing: number[] = [];
    for (let i = 0; i < 5; i++) {
      await filter.press('Backspace');
      erasing.push(Number(await frame.locator('body').getAttribute('data-filter-ms')));
    }
    const all = [...typing, ...erasing].filter((n) => Number.isFinite(n));
    const sorted = [...all].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const worst = sorted[sorted.length - 1];
    console.log(`[perf] keystore editor filter keystroke, 500 entries: median ${median.toFixed(2)} ms, worst ${worst.toFixed(2)} ms (${all.length} keystrokes, filter + render + layout)`);
    writeFileSync(path.join(env.resultsDir, 'keystore-editor-bench.json'), JSON.stringify({ entries: 500, keystrokes: all.length, medianMs: median, worstMs: worst, samples: all }, null, 2));
    await screenshot(page, env, '8-keystore-editor-500');
    assert.equal(all.length, 18);
  });
});
