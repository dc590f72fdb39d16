// The stall guard in Restricted Mode: hostile files in an untrusted folder (where the header pattern once took
// 85 s) are answered within 200 ms and the host's event loop never stops for a second.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HOSTILE } from '../fuzz/mutators';
import { activate, closeAll, longestStall, ownAnswerMs, tempMiHome } from '../integration/helpers';

const BUDGET_MS = 200;
const STALL_MS = 1000;

describe('untrusted workspace: hostile files', function () {
  this.timeout(120_000);
  before(activate);
  afterEach(closeAll);

  for (const [name, text] of [
    ['`[` + 600 spaces + `]]]`', HOSTILE.spacedHeader()],
    ['0.7 MB of 50,000 keys with 41 broken lines', HOSTILE.manyKeysBroken()],
    ['8 MB of nested brackets', HOSTILE.nestedBrackets()],
  ] as const) {
    it(`answers hover and completion within ${BUDGET_MS} ms on ${name}`, async () => {
      assert.equal(vscode.workspace.isTrusted, false);
      const home = tempMiHome(text, {}, { inWorkspace: true });
      try {
        const { result: actual, stallMs } = await longestStall(async () => {
          const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(home.toml));
          await vscode.window.showTextDocument(doc);
          const position = new vscode.Position(Math.max(0, doc.lineCount - 2), 1);
          const hover = await ownAnswerMs(() => vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, position));
          const completion = await ownAnswerMs(() => vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, position));
          return { hover: Math.round(hover.ownMs), completion: Math.round(completion.ownMs) };
        });
        console.log(`untrusted hostile ${name}: ${JSON.stringify(actual)} ms, longest stall ${Math.round(stallMs)} ms`);
        assert.ok(actual.hover < BUDGET_MS && actual.completion < BUDGET_MS, JSON.stringify(actual));
        assert.ok(stallMs < STALL_MS, `the host's event loop stalled for ${Math.round(stallMs)} ms`);
      } finally {
        await closeAll();
        home.cleanup();
      }
    });
  }
});
