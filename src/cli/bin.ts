/**
 * The `mi-keystores` executable (dist/cli.js). `list`, the command that must start fast, has a bundle of its
 * own (dist/cli/list.js, from ./listMain.ts), well under half the size of the one with every command
 * (dist/cli/main.js). The launcher loads the bundle with the V8 code cache that the build made for it
 * (scripts/build.mjs runs a few commands and saves what V8 compiled), so a command starts without
 * compiling the bundle's functions again (what that saves: docs/benchmarks.md, "Where start-up time went").
 * Node 22 has this built in (module.enableCompileCache); Node 20 does not.
 *
 * The cache is only an accelerator. V8 rejects it when its version or flags differ, and the first bytes of
 * the file are the SHA-1 of the source it was made from, so an edited or rebuilt bundle never runs with
 * another bundle's cache (V8 itself compares only the source's length). Whatever goes wrong with the cache,
 * the bundle compiles as it would without one.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
// Named imports: a namespace import makes the bundler copy every export of node:path at start-up.
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

type CliModule = typeof import('./main') | typeof import('./listMain');

/** Decided by the first argument alone: `list --help` is list's help; anything else goes to the full CLI. */
const BUNDLE = join(__dirname, 'cli', process.argv[2] === 'list' ? 'list.js' : 'main.js');
const CACHE = `${BUNDLE}.cache`;
/** Set by the build: keep what this run compiled in CACHE, for the runs after it. */
const WRITE_CACHE = process.env.MI_KEYSTORES_WRITE_CODE_CACHE === '1';
const HASH_LENGTH = 20;

/** The bundle's module function: the build wraps the bundle as Node wraps a CommonJS module. */
type ModuleFunction = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** Runs the bundle as Node would run a CommonJS module, and returns its exports. */
function loadBundle(): CliModule {
  const bytes = readFileSync(BUNDLE);
  const hash = createHash('sha1').update(bytes).digest();
  const script = new Script(bytes.toString('utf8'), { filename: BUNDLE, cachedData: cacheFor(hash) });
  if (WRITE_CACHE) process.once('exit', () => saveCache(hash, script.createCachedData()));
  const module = { exports: {} as CliModule };
  (script.runInThisContext() as ModuleFunction)(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return module.exports;
}

/** The cached code for the source with this hash, or undefined when there is none for it. */
function cacheFor(hash: Buffer): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(CACHE);
  } catch {
    return undefined;
  }
  return file.subarray(0, HASH_LENGTH).equals(hash) ? file.subarray(HASH_LENGTH) : undefined;
}

/** Replaces the cache atomically, so a CLI starting meanwhile reads the old cache or the new one, never half. */
function saveCache(hash: Buffer, data: Buffer): void {
  const temp = `${CACHE}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([hash, data]));
    renameSync(temp, CACHE);
  } catch {
    rmSync(temp, { force: true });
  }
}

loadBundle().runProcess();
