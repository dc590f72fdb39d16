// Helpers that drive VS Code's workbench in headless Chromium with the keyboard and mouse only, as a
// person would. scripts/runE2E.mjs starts the server and passes its URL, the workspace and the results
// folder through the environment. Selectors are VS Code 1.139's (docs/testing-in-vscode.md).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';

/** What runE2E.mjs passes to the journeys. */
export interface E2EEnvironment {
  serverUrl: string;
  workspace: string;
  resultsDir: string;
  /** Debian's Chromium and its flags, as scripts/runIntegration.mjs defines them. */
  chromium: { executablePath: string; args: string[] };
}

/** Reads the environment runE2E.mjs sets; fails clearly when the file is run without it. */
export function e2eEnvironment(): E2EEnvironment {
  const serverUrl = process.env.E2E_SERVER_URL;
  const workspace = process.env.E2E_WORKSPACE;
  const resultsDir = process.env.E2E_RESULTS;
  const chromium = process.env.E2E_CHROMIUM;
  if (!serverUrl || !workspace || !resultsDir || !chromium) throw new Error('run the journeys with `node scripts/runE2E.mjs`');
  return { serverUrl, workspace, resultsDir, chromium: JSON.parse(chromium) as E2EEnvironment['chromium'] };
}

/** Launches Debian's headless Chromium (never a downloaded one). */
export async function launchBrowser(env: E2EEnvironment): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ ...env.chromium, headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
}

/**
 * Opens the server's plain address (what `npm start` prints and the README names) in a new page and waits
 * until the explorer lists the workspace it opens.
 */
export async function openWorkbench(browser: Browser, env: E2EEnvironment): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(env.serverUrl);
  await page.locator('.monaco-workbench .explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  return page;
}

/**
 * Opens a workspace file through Quick Open (Ctrl+P), typing its workspace-relative path, and waits until
 * its tab is the active one (in whichever editor is its default: text or the keystore editor).
 */
export async function quickOpen(page: Page, relativePath: string): Promise<void> {
  const name = path.basename(relativePath);
  const input = page.locator('.quick-input-widget input').first();
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
  const tab = page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`);
  // A click on a row that Quick Open is still re-sorting (its file search answers in parts) can miss.
  await asAPersonWould(page, tab, async () => {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } }).catch(() => {});
    await page.keyboard.press('Control+P');
    await input.waitFor();
    await input.fill(relativePath);
    await row.waitFor();
    await row.click();
  });
}

/**
 * Does `act` until `shown` appears (10 s each time), up to three times, pressing Escape in between: what a
 * person does when a key press or click is lost while the workbench is still busy.
 */
async function asAPersonWould(page: Page, shown: Locator, act: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await act();
    try {
      await shown.waitFor({ timeout: 10_000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

/** Opens a workspace text file through Quick Open and waits for its text. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await quickOpen(page, relativePath);
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Runs a command from the palette (F1) by typing its title and pressing Enter on the match. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input').first();
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  // Right after the workbench appears a first key press can be lost while the extensions' commands register.
  await asAPersonWould(page, row, async () => {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
  });
  await page.keyboard.press('Enter');
}

/** The quick input box (palette, quick pick or input box) while it is open. */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget').filter({ has: page.locator('input:visible') });
}

/** Waits for a quick input whose title contains `title` (any when undefined) and returns the full title. */
export async function quickInputTitle(page: Page, title?: string): Promise<string> {
  const widget = page.locator('.quick-input-widget');
  const heading = title ? widget.locator('.quick-input-title', { hasText: title }) : widget.locator('.quick-input-title');
  await heading.first().waitFor();
  return (await heading.first().innerText()).trim();
}

/** Answers the prompt titled `title`: types `text` (or keeps the proposed value) and presses Enter. */
export async function answerPrompt(page: Page, title: string | undefined, text?: string): Promise<void> {
  await quickInputTitle(page, title);
  const input = page.locator('.quick-input-widget input').first();
  if (text !== undefined) await input.fill(text);
  await page.keyboard.press('Enter');
  if (title) await promptGone(page, title);
}

/**
 * Resolves once the prompt titled `title` is no longer shown: the widget hid (VS Code keeps its DOM, so
 * waiting for it to be detached would wait out the whole timeout) or the next prompt replaced the title.
 */
export async function promptGone(page: Page, title: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first().waitFor({ state: 'hidden' });
}

/** Answers VS Code's own (simple) file dialog titled `title` by typing the file's absolute path. */
export async function answerFileDialog(page: Page, title: string, file: string): Promise<void> {
  await quickInputTitle(page, title);
  // The dialog fills its input with the current folder once it has listed it; type after that.
  await page.locator('.quick-input-widget .monaco-list-row').first().waitFor();
  const input = page.locator('.quick-input-widget input').first();
  await input.fill(file);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(file) }).first().waitFor();
  await page.keyboard.press('Enter');
  await promptGone(page, title);
}

/** Answers the quick pick titled `title` by typing `option` to filter it and clicking the matching row. */
export async function pickOption(page: Page, title: string, option: string): Promise<void> {
  await quickInputTitle(page, title);
  await page.locator('.quick-input-widget input').first().fill(option);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: option }).first().click();
  await promptGone(page, title);
}

/** Clicks a button of the notification toast that offers it. */
export async function clickNotificationButton(page: Page, button: string): Promise<void> {
  await page.locator('.notifications-toasts .notification-list-item').getByRole('button', { name: button }).first().click();
}

/** Moves the cursor with Go to Line (Ctrl+G), 1-based line and column as the status bar shows them. */
export async function goToPosition(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').first().waitFor();
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` }).first().waitFor();
}

/**
 * Opens the quick fixes at the cursor (Ctrl+.) once the editor shows its light bulb and clicks the one whose
 * title contains `title`. The bulb can show before a provider has answered for this line, and a Ctrl+.
 * pressed then shows nothing; a person would press it again, so this does, up to three times.
 */
export async function applyQuickFix(page: Page, title: string): Promise<void> {
  const row = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  // The bulb is a content widget or, in VS Code's default layout, a glyph in the gutter.
  await page.locator('.monaco-editor .lightBulbWidget:visible, .monaco-editor [class*="codicon-gutter-lightbulb"]:visible').first().waitFor({ timeout: 30_000 });
  await asAPersonWould(page, row, () => page.keyboard.press('Control+.'));
  await row.click();
}

/**
 * The hooks every journey suite uses: one browser for the suite, a fresh workbench page for each test, and a
 * screenshot of the page when a test fails. Returns the current test's page.
 */
export function workbenchPerTest(env: E2EEnvironment): () => Page {
  let browser: Browser | undefined;
  let page: Page | undefined;
  before(async () => {
    browser = await launchBrowser(env);
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    page = await openWorkbench(browser as Browser, env);
  });
  afterEach(async function () {
    if (page && this.currentTest?.state === 'failed') {
      await screenshot(page, env, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
      // CI keeps only the log, not the screenshot: say there what the page showed.
      console.log(`[failed page] ${await describePage(page)}`);
    }
    await page?.close();
  });
  return () => page as Page;
}

/** What a failed test's page showed, in one line: its tabs, notifications and the text of each webview. */
async function describePage(page: Page): Promise<string> {
  const texts = async (selector: string) => (await page.locator(selector).allInnerTexts().catch(() => [])).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const webviews: string[] = [];
  for (const frame of page.frames()) {
    if (!frame.url().includes('/webview/browser/pre/fake.html')) continue; // the document inside each webview
    const text = await frame.locator('body').innerText({ timeout: 2_000 }).catch(() => '');
    webviews.push(text.replace(/\s+/g, ' ').trim().slice(0, 400));
  }
  return JSON.stringify({ tabs: await texts('.tabs-container .tab'), activeTab: await texts('.tabs-container .tab.active'), notifications: await texts('.notification-toast'), webviews });
}

/** Opens the Keystores view from its activity bar icon and waits for its first row. */
export async function keystoresView(page: Page): Promise<void> {
  await page.locator('.activitybar .action-item a[aria-label*="MI Keystores"]').first().click();
  await treeRows(page).first().waitFor();
}

/** Rows of the trees in the side bar's views. */
export function treeRows(page: Page): Locator {
  return page.locator('.pane-body .monaco-list-row');
}

/**
 * Waits until `accept` holds for the Problems panel's rows (or the timeout), returning the last rows:
 * checked now and again each time the panel's rows change, never on a fixed delay.
 */
export async function problemsWhen(page: Page, accept: (rows: string[]) => boolean, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await problems(page);
    const remaining = deadline - Date.now();
    if (accept(rows) || remaining <= 0) return rows;
    // A page-side expression (the DOM is not in this file's lib): true once the rows differ from these.
    const changed = `JSON.stringify([...document.querySelectorAll('.markers-panel .monaco-list-row')].map((e) => e.getAttribute('aria-label') ?? e.textContent ?? '')) !== ${JSON.stringify(JSON.stringify(rows))}`;
    await page
      .waitForFunction(changed, undefined, { timeout: remaining })
      .catch(() => {});
  }
}

/** Rows of the editor's Problems panel (Ctrl+Shift+M opens it), as their accessible labels. */
export async function problems(page: Page): Promise<string[]> {
  const rows = page.locator('.markers-panel .monaco-list-row');
  return rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
}

/** Saves a screenshot under test-results/e2e/ and returns its path. */
export async function screenshot(page: Page, env: E2EEnvironment, name: string): Promise<string> {
  mkdirSync(env.resultsDir, { recursive: true });
  const file = path.join(env.resultsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
