// `npm run package`: builds the bundles (minified, no source maps) and packages them with @vscode/vsce
// into mi-keystores-<version>.vsix. Dependencies are bundled by esbuild, hence --no-dependencies;
// .vscodeignore lists what ships. Prints the package's size.
// Usage: node scripts/package.mjs [--out <file>]
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Builds and packages the extension; returns the absolute path of the `.vsix`. */
export function packageExtension(out) {
  const { name, version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const vsix = path.resolve(repoRoot, out ?? `${name}-${version}.vsix`);
  run('node', ['scripts/build.mjs', '--production']);
  // Dependencies are bundled into dist/ by esbuild, so the package needs none of node_modules.
  run('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--out', vsix]);
  const kib = (statSync(vsix).size / 1024).toFixed(1);
  console.log(`packaged ${path.relative(repoRoot, vsix)} (${kib} KiB)`);
  return vsix;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  try {
    packageExtension(i > 0 ? process.argv[i + 1] : undefined);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
