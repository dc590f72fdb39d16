/**
 * A mocha root-hook plugin (.mocharc.json `require`): after the run, lists every skipped test by its full
 * title, which says why it was skipped (e.g. "skipped: ../shared/fixtures is absent"), because the dot
 * reporter shows skips only as a count.
 */

/** The skipped tests under `suite`, by full title. */
function skipped(suite: Mocha.Suite): string[] {
  return [...suite.tests.filter((t) => t.isPending()).map((t) => t.fullTitle()), ...suite.suites.flatMap(skipped)];
}

/** Mocha's root hooks: one `afterAll` that prints the skipped tests. */
export const mochaHooks = {
  afterAll(this: Mocha.Context): void {
    let root = this.test?.parent;
    while (root?.parent) root = root.parent;
    const titles = root ? skipped(root) : [];
    if (titles.length === 0) return;
    process.stdout.write(`\n  ${titles.length} skipped:\n${titles.map((t) => `    - ${t}\n`).join('')}`);
  },
};
