// `npm test`: every test the project has, in order of speed; stops at the first failing stage. Each tier
// also runs alone (package.json): test:unit needs no JDK, test:interop needs keytool, java and openssl,
// test:integration and test:e2e a VS Code server and Chromium.
// Works on a fresh clone: runs `npm ci` first when node_modules is missing. The VS Code stages install
// their VS Code server (code-server + Node 24) into .vscode-test/ on first use.
import { spawnSync } from 'node:child_process';
import { ensureProjectDependencies } from './vscodeServer.mjs';

const stages = [
  ['type check', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['lint', 'npx', ['eslint', 'src', 'test', 'scripts']],
  ['build', 'node', ['scripts/build.mjs']],
  ['unit tests', 'npx', ['mocha', 'test/unit/**/*.test.ts']],
  ['interop tests against the real JDK keytool, java and openssl', 'npx', ['mocha', 'test/interop/**/*.test.ts']],
  ['integration tests in a real VS Code extension host', 'node', ['scripts/runIntegration.mjs']],
  ['integration tests in an untrusted workspace (Restricted Mode)', 'node', ['scripts/runIntegrationUntrusted.mjs']],
  ['end-to-end journeys on the packaged .vsix', 'node', ['scripts/runE2E.mjs']],
];

ensureProjectDependencies();
for (const [name, cmd, args] of stages) {
  console.log(`\n=== ${name}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
  console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)}s)`);
}
