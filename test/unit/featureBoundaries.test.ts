/**
 * The lint rules that keep the editor features to themselves and functions short, held to what they
 * must refuse and what they must allow, so a later edit of eslint.config.mjs cannot quietly drop them.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The rule ids lint reports for `code` as if it were the file `file` (relative to the repo root). */
async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('lint: editor feature boundaries and the function ceiling', function () {
  this.timeout(60_000);

  it("refuses a value import of another feature's module", async () => {
    const actual = await ruleIds('src/vscode/probe.ts', "import { KeystoresTree } from './keystoresTree';\nexport const x = KeystoresTree;\n");
    assert.deepEqual(actual, ['@typescript-eslint/no-restricted-imports']);
  });

  it('allows the type of the feature extension.ts hands to register()', async () => {
    const actual = await ruleIds('src/vscode/probe.ts', "import type { DiagnosticsFeature } from './diagnostics';\nexport type X = DiagnosticsFeature;\n");
    assert.deepEqual(actual, []);
  });

  it('refuses a command module from outside src/vscode/commands, and allows commands/index', async () => {
    const inside = "import { command } from './command';\nexport const x = command;\n";
    const outside = "import { command } from '../commands/command';\nimport { Cancelled } from '../commands/index';\nexport const x = [command, Cancelled];\n";
    const actual = [await ruleIds('src/vscode/commands/probe.ts', inside), await ruleIds('src/vscode/trustMap/probe.ts', outside)];
    assert.deepEqual(actual, [[], ['@typescript-eslint/no-restricted-imports']]);
  });

  it('refuses a trust-map module other than its index from another feature', async () => {
    const actual = await ruleIds('src/vscode/commands/probe.ts', "import { TrustMapService } from '../trustMap/service';\nexport const x = TrustMapService;\n");
    assert.deepEqual(actual, ['@typescript-eslint/no-restricted-imports']);
  });

  it('refuses a function over 80 lines in src, not counting blank lines and comments', async () => {
    const body = (n: number) => `export function f(): number {\n  let x = 0;\n${'  x++;\n  // why\n\n'.repeat(n)}  return x;\n}\n`;
    const actual = [await ruleIds('src/core/probe.ts', body(76)), await ruleIds('src/core/probe.ts', body(78))];
    assert.deepEqual(actual, [[], ['max-lines-per-function']]);
  });
});
