/**
 * `npm run fuzz -- --seed N --iterations M [--case I] [--cli-every K] [--timeout MS] [--scale 0..1]`: mutates real
 * keystores and deployment.toml files and runs them through the codec, the check engine and the CLI.
 * Exits 1 when any case lets an untyped error out, hangs, runs out of memory or makes the CLI misbehave.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, runFuzz } from './harness';
import { REPO_ROOT } from '../helpers/fixtures';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    iterations: { type: 'string', default: '1000' },
    case: { type: 'string' },
    'cli-every': { type: 'string', default: '25' },
    timeout: { type: 'string', default: '30000' },
    scale: { type: 'string', default: '1' },
    verbose: { type: 'boolean', default: false },
  },
});

void (async () => {
  const seed = Number(values.seed);
  const single = values.case !== undefined ? Number(values.case) : undefined;
  const summary = await runFuzz({
    seed,
    first: single,
    iterations: single !== undefined ? 1 : Number(values.iterations),
    cliEvery: single !== undefined ? 1 : Number(values['cli-every']),
    cliPath: path.join(REPO_ROOT, 'dist/cli.js'),
    caseTimeoutMs: Number(values.timeout),
    scale: Number(values.scale),
    onResult: (r) => {
      if (values.verbose || single !== undefined) process.stdout.write(`${JSON.stringify(r)}\n`);
      else if (r.index % 100 === 99) process.stderr.write(`  ${r.index + 1} cases\n`);
    },
  });
  process.stdout.write(formatSummary(summary));
  process.exitCode = summary.failures.length === 0 ? 0 : 1;
})();
