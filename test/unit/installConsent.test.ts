/** `npm start` as root changes the machine with apt-get only under CI, with --yes, or after asking a person. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

describe('apt-get consent of the start scripts', () => {
  it('installs under CI=true or --yes, asks at a terminal, and otherwise only prints the command', async () => {
    const { installConsent } = (await import(pathToFileURL(path.resolve(__dirname, '../../scripts/vscodeServer.mjs')).href)) as {
      installConsent(o: { env: Record<string, string | undefined>; argv: string[]; interactive: boolean }): string;
    };
    const actual = [
      installConsent({ env: { CI: 'true' }, argv: ['node', 'start.mjs'], interactive: false }),
      installConsent({ env: {}, argv: ['node', 'start.mjs', '--yes'], interactive: false }),
      installConsent({ env: {}, argv: ['node', 'start.mjs'], interactive: true }),
      installConsent({ env: {}, argv: ['node', 'start.mjs'], interactive: false }),
    ];
    assert.deepEqual(actual, ['yes', 'yes', 'ask', 'refuse']);
  });
});
