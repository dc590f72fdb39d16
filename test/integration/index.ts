// The mocha entry the extension host loads (`extensionTestsPath` → out/test/integration/index.js).
// scripts/build.mjs bundles this file with every test/integration/**/*.test.ts behind `loadTests`, so
// the suites register only after mocha has installed its globals (the BDD `describe`/`it`).
import { writeFileSync } from 'node:fs';

/** One finished test as written to the JSON report. */
export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

/** What the runner reads back from the file named by `MI_KEYSTORES_TEST_REPORT`. */
export interface TestReport {
  passes: number;
  failures: number;
  pending: number;
  tests: TestOutcome[];
}

/** Environment variable naming the JSON report file (the host inherits the server's environment). */
export const reportEnvVar = 'MI_KEYSTORES_TEST_REPORT';

/** Builds the `run()` VS Code calls: creates mocha, loads the bundled tests, writes the report, settles. */
export function createRun(loadTests: () => void): () => Promise<void> {
  return async () => {
    // mocha 12 is an ES module: a dynamic import works on every Node the extension host may have.
    const { default: Mocha } = await import('mocha');
    // MI_KEYSTORES_TEST_GREP runs only the tests whose title matches (the host inherits the runner's environment).
    const grep = process.env.MI_KEYSTORES_TEST_GREP;
    const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', ...(grep ? { grep } : {}) });
    // Install describe/it on the global object before the test modules run.
    mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
    loadTests();
    const tests: TestOutcome[] = [];
    await new Promise<void>((resolve, reject) => {
      const runner = mocha.run((failures) => {
        const report: TestReport = {
          passes: tests.filter((t) => t.state === 'passed').length,
          failures,
          pending: tests.filter((t) => t.state === 'pending').length,
          tests,
        };
        const file = process.env[reportEnvVar];
        if (file) writeFileSync(file, JSON.stringify(report, null, 2));
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
      runner.on('fail', (t, err: Error) => tests.push({ title: t.fullTitle(), state: 'failed', error: err?.stack ?? String(err) }));
    });
  };
}
