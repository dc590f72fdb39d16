// The stall guard: each file written to freeze the editor is opened in the real extension host. Hover,
// completion and code actions must each take the extension under 200 ms; the diagnostics, checked on the
// worker thread, must arrive; and the host's event loop (a 10 ms heartbeat) never stops for longer than
// BUDGET_MS while a person works in the file, nor STALL_MS while VS Code opens it. The host must still
// answer afterwards.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HOSTILE } from '../fuzz/mutators';
import { activate, closeAll, longestStall, ownAnswerMs, tempMiHome, waitForDiagnostics } from './helpers';

/** Generous for a loaded CI machine; the same answers took 85 s, 23 s or killed the host before. */
const BUDGET_MS = 200;
/** The longest the host's event loop may stop while the file opens (VS Code itself copies 8 MB). */
const STALL_MS = 1000;

const cases: { name: string; text: () => string; pom?: () => string }[] = [
  { name: '`[` + 600 spaces + `]]]`', text: () => HOSTILE.spacedHeader() },
  { name: '0.7 MB of 50,000 keys with 41 broken lines', text: () => HOSTILE.manyKeysBroken() },
  { name: '8 MB of nested brackets', text: () => HOSTILE.nestedBrackets() },
  { name: 'a 320 KB pom.xml of comments', text: () => '[keystore.primary]\nfile_name = "repository/resources/security/wso2carbon.jks"\n', pom: () => HOSTILE.pomWithComments() },
];

describe('hostile files: the extension host never stalls', function () {
  this.timeout(180_000);
  before(async () => {
    await activate();
    // Warm up what every first request pays once (discovery of the workspace, VS Code's own providers).
    const warm = tempMiHome('[keystore.primary]\nalias = "x"\n', {}, { inWorkspace: true });
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(warm.toml));
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 1));
      await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(1, 0));
    } finally {
      await closeAll();
      warm.cleanup();
    }
  });
  afterEach(closeAll);

  for (const c of cases) {
    it(`answers within ${BUDGET_MS} ms and stays alive on ${c.name}`, async () => {
      const home = tempMiHome(c.text(), {}, { inWorkspace: true });
      try {
        if (c.pom) fs.writeFileSync(path.join(home.home, 'pom.xml'), c.pom());
        const uri = vscode.Uri.file(home.toml);
        const opened = performance.now();
        const { result: times, stallMs } = await longestStall(async () => {
          const doc = await vscode.workspace.openTextDocument(uri);
          await vscode.window.showTextDocument(doc, { preview: false });
          // A line near the end, below the hostile part, where a person would be typing.
          const line = Math.max(0, doc.lineCount - 2);
          const position = new vscode.Position(line, 1);
          const range = new vscode.Range(line, 0, line, 1);
          // The workbench first builds its own model of the file (seconds for 8 MB in a loaded browser); that
          // first round trip is VS Code's, the answers timed below are the extension's.
          await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(0, 0));
          // From here a person is working in the file: the host must never stop for long, while the answers
          // come, the check runs on the worker and its problems are published.
          const working = await longestStall(async () => {
            // The extension's own time in the host; the round trips through the workbench (a loaded browser adds
            // its own queueing, hundreds of ms right after it opened 0.7 MB) are logged beside them.
            const hover = await ownAnswerMs(() => vscode.commands.executeCommand('vscode.executeHoverProvider', uri, position));
            const completion = await ownAnswerMs(() => vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, position));
            // Code actions with the check's problems in hand (the fix-all action looks at each of them).
            await waitForDiagnostics(uri, (ds) => ds.length > 0);
            const diagnosticsAfterOpen = performance.now() - opened;
            const actions = await ownAnswerMs(() => vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range));
            return { hover, completion, actions, diagnosticsAfterOpen };
          });
          const { hover, completion, actions, diagnosticsAfterOpen } = working.result;
          return {
            hover: hover.ownMs,
            completion: completion.ownMs,
            actions: actions.ownMs,
            workingStall: working.stallMs,
            diagnosticsAfterOpen,
            hoverTrip: hover.tripMs,
            completionTrip: completion.tripMs,
            actionsTrip: actions.tripMs,
          };
        });
        console.log(`hostile ${c.name}: ${JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(v)])))} ms, longest stall ${Math.round(stallMs)} ms`);
        for (const what of ['hover', 'completion', 'actions'] as const) assert.ok(times[what] < BUDGET_MS, `${what} took ${times[what].toFixed(0)} ms`);
        assert.ok(times.workingStall < BUDGET_MS, `the host's event loop stalled for ${times.workingStall.toFixed(0)} ms while the file was worked on`);
        assert.ok(stallMs < STALL_MS, `the host's event loop stalled for ${stallMs.toFixed(0)} ms`);
        // Alive: the host still runs a command and answers a hover once the worker is done or stopped.
        const alive = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(0, 1));
        assert.ok(Array.isArray(alive));
      } finally {
        await closeAll();
        home.cleanup();
      }
    });
  }
});
