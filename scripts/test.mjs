// `npm test`: every test the project has, in order of speed; stops at the first failing stage.
import { spawnSync } from 'node:child_process';

const stages = [
  ['type check', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['lint', 'npx', ['eslint', 'src', 'test', 'scripts']],
  ['build', 'node', ['scripts/build.mjs']],
  ['unit and keytool interop tests', 'npx', ['mocha']],
];

for (const [name, cmd, args] of stages) {
  console.log(`\n=== ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}
