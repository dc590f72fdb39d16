/**
 * The fuzz worker: builds cases from (seed, index), runs each through the codec, the TOML parser, the check
 * engine on a temporary MI home and (for a sample) the built CLI, and reports every outcome to the driver,
 * which kills and restarts this thread when a case does not return.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeKeystore, encodeKeystore, openKey, KeystoreError } from '../../src/core/keystore';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { checkWorkspace } from '../../src/core/checks/index';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { runtimeHomeAt } from '../../src/core/workspace/discover';
import { BYTE_MUTATORS, HOSTILE_MUTATORS, TEXT_MUTATORS, caseRng } from './mutators';
import { keystoreSeeds, tomlFor, tomlSeeds, type KeystoreSeed } from './corpus';
import { SECURITY, writeMiHome } from '../helpers/miHome';

/** What the driver hands a worker. */
export interface WorkerInput {
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  /** Run the CLI on every n-th case (0: never). */
  readonly cliEvery: number;
  readonly cliPath: string | null;
  readonly workDir: string;
  /** Size of generated blow-ups, 0..1 (see TextMutator). */
  readonly scale: number;
}

/** One case's outcome as reported to the driver. */
export interface CaseResult {
  readonly index: number;
  readonly input: string;
  readonly mutator: string;
  readonly kind: 'keystore' | 'toml';
  /** `ok` or the name of the typed error the codec threw. */
  readonly codec: string;
  /** Number of problems checkWorkspace reported, or the error name. */
  readonly check: string;
  /** CLI exit codes, e.g. `list:1 check:1`, or '' when not sampled. */
  readonly cli: string;
  /** Why the case failed (an untyped error, a stack trace on the CLI...), or null. */
  readonly failure: string | null;
}

/** A case as built from (seed, index). */
export interface FuzzCase {
  readonly kind: 'keystore' | 'toml';
  readonly input: string;
  readonly mutator: string;
  readonly bytes: Uint8Array;
  readonly seed: KeystoreSeed;
}

const KS_SEEDS = keystoreSeeds();
const TOML_SEEDS = tomlSeeds();
const seedBytes = new Map<string, Uint8Array>();
/** The bytes of a seed file, read once. */
function bytesOf(file: string): Uint8Array {
  let b = seedBytes.get(file);
  if (!b) seedBytes.set(file, (b = new Uint8Array(fs.readFileSync(file))));
  return b;
}

/** Builds case `index` of run `seed`: two keystore cases for every deployment.toml case. */
export function buildCase(seed: number, index: number, scale = 1): FuzzCase {
  const rng = caseRng(seed, index);
  const ks = rng.pick(KS_SEEDS);
  if (index % 3 !== 2 || TOML_SEEDS.length === 0) {
    const m = rng.pick(BYTE_MUTATORS);
    // Stack two mutations now and then: a truncated file with a flipped bit reaches other branches.
    let bytes = m.apply(bytesOf(ks.file), rng, scale);
    let name = m.name;
    if (rng.next() < 0.2) {
      const m2 = rng.pick(BYTE_MUTATORS);
      bytes = m2.apply(bytes, rng, scale);
      name += `+${m2.name}`;
    }
    return { kind: 'keystore', input: ks.name, mutator: name, bytes, seed: ks };
  }
  const t = rng.pick(TOML_SEEDS);
  const m = rng.pick([...TEXT_MUTATORS, ...HOSTILE_MUTATORS]);
  const text = m.apply(fs.readFileSync(t.file, 'utf8'), rng, scale);
  return { kind: 'toml', input: t.name, mutator: m.name, bytes: Buffer.from(text, 'utf8'), seed: ks };
}

/** The name of a typed error, or throws a description of an untyped one. */
function typed(err: unknown, where: string): string {
  if (err instanceof KeystoreError) return err.constructor.name;
  const e = err as Error;
  throw new Error(`${where}: untyped ${e?.constructor?.name ?? typeof err}: ${e?.message ?? String(err)}\n${(e?.stack ?? '').split('\n').slice(1, 6).join('\n')}`);
}

/** Decodes, opens every key and round-trips the store; returns the outcome name. */
async function runCodec(c: FuzzCase): Promise<string> {
  try {
    const store = await decodeKeystore(c.bytes, c.seed.storePassword);
    for (const e of store.entries) {
      if (e.kind !== 'private-key') continue;
      try {
        await openKey(e, store.format === 'PKCS12' ? c.seed.storePassword : c.seed.keyPassword);
      } catch (err) {
        return `key:${typed(err, 'openKey')}`;
      }
    }
    // A store that decodes must encode and decode again.
    const again = await encodeKeystore(store, c.seed.storePassword);
    await decodeKeystore(again, c.seed.storePassword);
    return 'ok';
  } catch (err) {
    return typed(err, 'codec');
  }
}

/** Writes the case into a fresh MI home under `workDir` and returns the home. */
function makeHome(workDir: string, index: number, c: FuzzCase): string {
  const home = path.join(workDir, `home-${index}`);
  const ext = c.seed.type === 'PKCS12' ? 'p12' : c.seed.type === 'JCEKS' ? 'jceks' : 'jks';
  const fileName = `${SECURITY}/store.${ext}`;
  if (c.kind === 'keystore') writeMiHome(home, tomlFor(c.seed, fileName), { [`store.${ext}`]: c.bytes });
  // WSO2's samples point at wso2carbon.jks/client-truststore.jks: give them a real store there too.
  else writeMiHome(home, c.bytes, { [`store.${ext}`]: c.seed.file, 'wso2carbon.jks': c.seed.file, 'client-truststore.jks': c.seed.file });
  return home;
}

/** Paths opened for reading while `tracking` is set (fs and fs/promises entry points the engine uses). */
const opened: string[] = [];
let tracking = false;
/** Wraps `obj[name]` so every path it is called with is recorded while tracking. */
function trackCalls(obj: Record<string, unknown>, name: string): void {
  const original = obj[name] as (...args: unknown[]) => unknown;
  obj[name] = function (this: unknown, ...args: unknown[]) {
    if (tracking && (typeof args[0] === 'string' || Buffer.isBuffer(args[0]))) opened.push(path.resolve(String(args[0])));
    return original.apply(this, args);
  };
}
// The module object itself (an `import *` namespace is read-only); the engine's imports read through to it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const realFs = require('node:fs') as Record<string, unknown> & { promises: Record<string, unknown> };
for (const name of ['open', 'readFile']) trackCalls(realFs.promises, name);
for (const name of ['openSync', 'readFileSync', 'createReadStream']) trackCalls(realFs, name);

/**
 * Runs the check engine as for an untrusted workspace (`readOutside: false`) and returns the files it
 * opened outside the home: there must be none, whatever file_name the deployment.toml points at.
 */
export async function readsOutsideWhenUntrusted(home: string): Promise<string[]> {
  const ws = runtimeHomeAt(home);
  if (!ws) return [];
  opened.length = 0;
  tracking = true;
  try {
    await checkWorkspace(ws, { cache: new KeystoreCache(), env: {}, readOutside: false, workspaceFolder: home });
  } catch (err) {
    typed(err, 'checkWorkspace (untrusted)');
  } finally {
    tracking = false;
  }
  const inside = (p: string) => p === home || p.startsWith(home + path.sep);
  return [...new Set(opened.filter((p) => !inside(p)))];
}

/** Runs the check engine on the home; problems are values, so any exception but a typed one is a failure. */
async function runCheck(home: string): Promise<string> {
  const ws = runtimeHomeAt(home);
  if (!ws) throw new Error('check: the temporary MI home was not recognised');
  try {
    // A fresh cache per case: the process-wide one would keep every mutated store in memory.
    const problems = await checkWorkspace(ws, { cache: new KeystoreCache(), env: {}, now: new Date('2026-11-27T00:00:00Z') });
    return String(problems.length);
  } catch (err) {
    return typed(err, 'checkWorkspace');
  }
}

/** Runs the built CLI; a stack trace, an "unexpected failure", a signal or an exit code outside 0-2 is a failure. */
function runCli(cliPath: string, args: string[], password: string): { code: string; failure: string | null } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=512', cliPath, ...args, '--password-env', 'FUZZ_PW'], {
    env: { PATH: process.env.PATH, FUZZ_PW: password },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const name = args[0];
  if (r.error || r.signal) return { code: `${name}:${r.signal ?? 'error'}`, failure: `cli ${name}: ${r.signal ? `killed by ${r.signal} (hang?)` : r.error?.message}` };
  const code = r.status ?? -1;
  const stderr = r.stderr ?? '';
  if (code < 0 || code > 2) return { code: `${name}:${code}`, failure: `cli ${name}: exit ${code}: ${stderr.slice(0, 300)}` };
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(stderr) || /unexpected failure/.test(stderr)) {
    return { code: `${name}:${code}`, failure: `cli ${name}: ${stderr.split('\n').slice(0, 4).join(' | ')}` };
  }
  // `list` fails with exactly one line (warnings aside); `check` prints its report on stdout.
  const errorLines = stderr.split('\n').filter((l) => l.trim() !== '' && !/warning:|note:/.test(l));
  if (code !== 0 && name === 'list' && errorLines.length !== 1) return { code: `${name}:${code}`, failure: `cli ${name}: ${errorLines.length} error lines: ${stderr.slice(0, 300)}` };
  return { code: `${name}:${code}`, failure: null };
}

/** Runs case `index` end to end. */
export async function runCase(input: WorkerInput, index: number): Promise<CaseResult> {
  const c = buildCase(input.seed, index, input.scale);
  let codec = '-';
  let check = '-';
  let cli = '';
  let failure: string | null = null;
  let home: string | null = null;
  try {
    if (c.kind === 'keystore') codec = await runCodec(c);
    else {
      const doc = parseDeploymentToml(Buffer.from(c.bytes).toString('utf8'), 'deployment.toml');
      codec = `toml:${doc.issues.length === 0 ? 'ok' : 'issues'}`;
    }
    home = makeHome(input.workDir, index, c);
    check = await runCheck(home);
    if (c.kind === 'toml') {
      const outside = await readsOutsideWhenUntrusted(home);
      if (outside.length > 0) failure = `untrusted workspace: read outside the workspace: ${outside.slice(0, 3).join(', ')}`;
    }
    if (input.cliPath && input.cliEvery > 0 && index % input.cliEvery === 0) {
      const codes: string[] = [];
      if (c.kind === 'keystore') {
        const store = fs.readdirSync(path.join(home, 'repository/resources/security'))[0];
        const r = runCli(input.cliPath, ['list', path.join(home, 'repository/resources/security', store)], c.seed.storePassword);
        codes.push(r.code);
        failure ??= r.failure;
      }
      const r = runCli(input.cliPath, ['check', home], c.seed.storePassword);
      codes.push(r.code);
      failure ??= r.failure;
      cli = codes.join(' ');
    }
  } catch (err) {
    failure = (err as Error).message ?? String(err);
  } finally {
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }
  return { index, input: c.input, mutator: c.mutator, kind: c.kind, codec, check, cli, failure };
}

if (parentPort && workerData) {
  const input = workerData as WorkerInput;
  const port = parentPort;
  void (async () => {
    for (let i = input.from; i < input.to; i++) {
      port.postMessage({ type: 'begin', index: i });
      port.postMessage({ type: 'result', result: await runCase(input, i) });
    }
    port.postMessage({ type: 'done' });
  })();
}
