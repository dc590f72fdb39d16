/**
 * `npm run bench`: `mi-keystores` side by side with keytool, whole-process wall time (medians of
 * `spawnSync` runs), plus in-process decode times. Prints a markdown table and writes docs/benchmarks.md.
 * Run after `node scripts/build.mjs` (the npm script does both) so `dist/cli.js` is current.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeKeystore, describeCertificate } from '../src/core/keystore';
import { benchParse } from './parse.bench';
import { benchCheck } from './check.bench';
import { benchCheckFolder } from './checkFolder.bench';
import { median } from './median';
import { benchHostile } from './hostile.bench';
import { benchTrustMap } from './trustMap.bench';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/cli.js');
const WSO2 = path.resolve(ROOT, '../shared/fixtures/wso2/keystores');
const JKS_145 = path.join(WSO2, 'client-truststore.kernel-4.9.x-head.jks');
const P12_149 = path.join(WSO2, 'wso2carbon.jks');
const PASSWORD = 'wso2carbon';
/** Identity Server's wso2carbon.p12 (real-keystores file 253): a Java 8-era PKCS12, 100,000-iteration SHA-1 MAC, 50,000-iteration RC2 certificates. */
const P12_JAVA8 = path.resolve(ROOT, '../shared/fixtures/real-keystores/files/253-product-is-wso2carbon.p12');
/** WSO2's own 146-entry stores, as MI ships them. */
const WSO2_146 = [path.join(WSO2, 'client-truststore.jks'), path.join(WSO2, 'wso2carbon.jks')];
const RUNS = 15;
const WARM_RUNS = 20;

/** The median of a list of numbers. */

/** GNU time, when installed, reports a child's CPU time (user + sys), which machine load distorts far less than wall time. */
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const TIME_OUT = path.join(os.tmpdir(), `mi-bench-time-${process.pid}.txt`);

/** Wall and CPU time in ms of one whole process. */
interface Timing {
  readonly wall: number;
  readonly cpu: number | null;
}

/** Runs one whole process; throws when it fails, so a broken command never looks fast. */
function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Timing {
  const [file, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', '-o', TIME_OUT, cmd, ...args]] : [cmd, args];
  const start = performance.now();
  const r = spawnSync(file, argv, { env, encoding: 'utf8' });
  const wall = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  let cpu: number | null = null;
  if (GNU_TIME) {
    const [user, sys] = fs.readFileSync(TIME_OUT, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    cpu = (user + sys) * 1000;
  }
  return { wall, cpu };
}

/** Medians of wall and CPU time. */
interface Measured {
  readonly wall: number;
  readonly cpu: number | null;
}

/** The medians of a list of timings. */
function medians(t: Timing[]): Measured {
  const cpus = t.map((x) => x.cpu).filter((x): x is number => x !== null);
  return { wall: median(t.map((x) => x.wall)), cpu: cpus.length === t.length ? median(cpus) : null };
}

/**
 * Median wall times of `RUNS` runs of two commands, alternated so a change in machine load during the
 * benchmark affects both sides alike; `prepare` runs before each run (untimed), e.g. to delete an output.
 */
function compare(ours: (i: number) => Timing, theirs: (i: number) => Timing, prepare?: (i: number) => void): [Measured, Measured] {
  const a: Timing[] = [];
  const b: Timing[] = [];
  for (let i = 0; i < RUNS; i++) {
    prepare?.(i);
    a.push(ours(i));
    b.push(theirs(i));
  }
  return [medians(a), medians(b)];
}

/**
 * Median in-process wall and CPU time of decoding a store and describing every certificate in it. Warm: the
 * JIT has settled and describeCertificate's cache (keyed by fingerprint) knows the certificates, as in an
 * editor that lists the same store again.
 */
async function inProcess(file: string): Promise<{ ms: number; cpuMs: number; entries: number }> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const once = async () => {
    const store = await decodeKeystore(bytes, PASSWORD);
    for (const e of store.entries) {
      if (e.kind === 'private-key') e.chain.forEach((c) => describeCertificate(c));
      else if (e.kind === 'trusted-cert') describeCertificate(e.certificate);
    }
    return store.entries.length;
  };
  let entries = 0;
  for (let i = 0; i < 10; i++) entries = await once(); // warm up the JIT (describeCertificate needs a few runs) and native crypto
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const c = process.cpuUsage();
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpu), entries };
}

interface Row {
  what: string;
  ours: Measured;
  /** The other side: keytool unless `otherName` says otherwise. */
  other?: Measured;
  otherName?: string;
  target: string;
  pass: boolean;
}

async function mainBench(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` first (npm run bench does).');
  // docs/benchmarks.md measures WSO2's own stores and MI's deployment-full.toml, which are other projects'
  // files read beside the repository: without them there is nothing comparable to measure.
  if (!fs.existsSync(WSO2)) {
    process.stdout.write(`bench: skipped: ${path.relative(ROOT, WSO2)} is absent (WSO2's stores and MI's deployment-full.toml are not in the repository)\n`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-bench-'));
  const env = { ...process.env, BENCH_PW: PASSWORD, GEN_PW: 'changeit' };
  const rows: Row[] = [];
  const loadBefore = os.loadavg()[0];
  try {
    const [help, nodeBaseline] = compare(
      () => timeProcess(process.execPath, [CLI, '--help']),
      () => timeProcess(process.execPath, ['-e', '0']),
    );
    rows.push({ what: '`mi-keystores --help` (start-up) vs `node -e 0`', ours: help, other: nodeBaseline, otherName: 'node', target: 'start-up close to bare node', pass: help.wall - nodeBaseline.wall < 50 });

    for (const [label, file] of [
      ['list, 145-entry JKS (client-truststore, kernel 4.9.x)', JKS_145],
      ['list, 149-entry PKCS12 (wso2carbon.jks, kernel 4.9.27)', P12_149],
    ] as const) {
      const [ours, theirs] = compare(
        () => timeProcess(process.execPath, [CLI, 'list', file, '--password-env', 'BENCH_PW'], env),
        () => timeProcess('keytool', ['-list', '-keystore', file, '-storepass', PASSWORD], env),
      );
      rows.push({ what: label, ours, other: theirs, target: '≥ 4× faster', pass: theirs.wall / ours.wall >= 4 });
    }

    // Where keytool is slowest (its PKCS#12 key derivation), and the everyday case measured against bare Node.
    const listRows: [string, string][] = [];
    if (fs.existsSync(P12_JAVA8)) listRows.push(['list, Java 8-era PKCS12 (IS wso2carbon.p12, real-keystores file 253)', P12_JAVA8]);
    else process.stderr.write(`skipped the Java 8-era PKCS12 row: ${P12_JAVA8} is absent\n`);
    for (const f of WSO2_146) if (fs.existsSync(f)) listRows.push([`list, ${path.basename(f)} (146 entries, WSO2 kernel)`, f]);
    for (const [label, file] of listRows) {
      const ours: Timing[] = [];
      const theirs: Timing[] = [];
      const bare: Timing[] = [];
      for (let i = 0; i < RUNS; i++) {
        ours.push(timeProcess(process.execPath, [CLI, 'list', file, '--password-env', 'BENCH_PW'], env));
        theirs.push(timeProcess('keytool', ['-list', '-keystore', file, '-storepass', PASSWORD], env));
        bare.push(timeProcess(process.execPath, ['-e', '0']));
      }
      const [o, t, b] = [medians(ours), medians(theirs), medians(bare)];
      rows.push({ what: label, ours: o, other: t, target: '≥ 4.5× faster', pass: t.wall / o.wall >= 4.5 });
      rows.push({ what: `${label}: cost above bare \`node -e 0\``, ours: { wall: o.wall - b.wall, cpu: o.cpu !== null && b.cpu !== null ? o.cpu - b.cpu : null }, target: '≤ 12 ms', pass: o.wall - b.wall <= 12 });
    }

    const out = (tool: string, i: number) => path.join(tmp, `${tool}-${i}.jks`);
    const [ours, theirs] = compare(
      (i) =>
        timeProcess(process.execPath, [CLI, 'generate', out('ours', i), '--alias', 'server', '--dname', 'CN=localhost,O=WSO2,C=US', '--key-size', '2048', '--password-env', 'GEN_PW'], env),
      (i) =>
        timeProcess('keytool', [
          '-genkeypair', '-alias', 'server', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=localhost,O=WSO2,C=US', '-validity', '825',
          '-storetype', 'JKS', '-keystore', out('keytool', i), '-storepass', 'changeit', '-keypass', 'changeit',
        ], env),
      (i) => {
        fs.rmSync(out('ours', i), { force: true });
        fs.rmSync(out('keytool', i), { force: true });
      },
    );
    rows.push({ what: 'generate RSA-2048 into a new JKS', ours, other: theirs, target: '≥ 1.5× faster', pass: theirs.wall / ours.wall >= 1.5 });

    const jks = await inProcess(JKS_145);
    rows.push({ what: `in-process decode + describe every cert, JKS (${jks.entries} entries)`, ours: { wall: jks.ms, cpu: jks.cpuMs }, target: '≤ 5 ms', pass: jks.ms <= 5 });
    const p12 = await inProcess(P12_149);
    rows.push({ what: `in-process decode + describe every cert, PKCS12 (${p12.entries} entries)`, ours: { wall: p12.ms, cpu: p12.cpuMs }, target: '≤ 30 ms', pass: p12.ms <= 30 });
    const parse = benchParse();
    rows.push({
      what: `re-validation after a keystroke: parse + checkDocument of deployment-full.toml (median; max of ${parse.runs} runs ${parse.maxMs.toFixed(0)} ms)`,
      ours: { wall: parse.medianMs, cpu: parse.medianCpuMs },
      target: '≤ 30 ms, max ≤ 50 ms',
      pass: parse.medianMs <= 30 && parse.maxMs <= 50,
    });
    for (const h of await benchHostile()) rows.push({ what: h.what, ours: { wall: h.wallMs, cpu: h.cpuMs }, target: h.target, pass: h.pass });
    const check = await benchCheck();
    rows.push({ what: 'warm in-process `check` of an MI home with deployment-full.toml', ours: { wall: check.checkWorkspaceMs, cpu: null }, target: '≤ 20 ms', pass: check.checkWorkspaceMs <= 20 });
    const folder = benchCheckFolder();
    rows.push({
      what: `\`check\` of a folder of 50 MI workspaces (40 homes, 10 projects; ${folder.problems} findings), whole process, cold`,
      ours: { wall: folder.medianMs, cpu: null },
      target: '≤ 10 s',
      pass: folder.medianMs <= 10_000,
    });
    const tls = await benchTrustMap();
    rows.push({ what: `trust map offline: a project of ${tls.artifacts} artifacts calling ${tls.servers} remembered servers`, ours: { wall: tls.offlineMs, cpu: null }, target: '≤ 300 ms', pass: tls.offlineMs <= 300 });
    rows.push({ what: `trust map with \`connect\`: ${tls.servers} local TLS servers (one run)`, ours: { wall: tls.connectMs, cpu: null }, target: '≤ 3 s', pass: tls.connectMs <= 3000 });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(TIME_OUT, { force: true });
  }

  const javaVersion = (spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0] ?? '').trim();
  const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));
  const cpu = (m?: Measured) => (m?.cpu == null ? '—' : fmt(m.cpu));
  const ratio = (r: Row, key: 'wall' | 'cpu') => {
    const o = r.other?.[key];
    const m = r.ours[key];
    return r.otherName || o == null || m == null ? '—' : `${(o / m).toFixed(1)}×`;
  };
  const table = [
    '| measurement | mi-keystores wall (ms) | keytool wall (ms) | wall speed-up | mi-keystores CPU (ms) | keytool CPU (ms) | CPU ratio | target (wall) | met |',
    '|---|---:|---:|---:|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${fmt(r.ours.wall)} | ${r.other === undefined ? '—' : `${fmt(r.other.wall)}${r.otherName ? ` (${r.otherName})` : ''}`} | ${ratio(r, 'wall')} | ${cpu(r.ours)} | ${r.other === undefined ? '—' : `${cpu(r.other)}${r.otherName ? ` (${r.otherName})` : ''}`} | ${ratio(r, 'cpu')} | ${r.target} | ${r.pass ? 'yes' : '**no**'} |`,
    ),
  ].join('\n');
  const generated = [
    BENCH_START,
    `Measured ${new Date().toISOString()} on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} CPUs), Node ${process.version}, ${javaVersion}.`,
    '',
    `Whole-process rows are medians of ${RUNS} \`spawnSync\` runs (wall time, including process start-up);`,
    `in-process rows are medians of ${WARM_RUNS} warm runs (re-validation: 40, check: 30), CPU from \`process.cpuUsage\`. Reproduce with \`npm run bench\` (it builds the`,
    'production bundle first). mi-keystores and keytool runs alternate, so load changes hit both alike.',
    `1-minute load average: ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (${os.cpus().length} CPUs):`,
    'a load above the CPU count inflates every wall time, start-up most. CPU time (user + sys, from GNU time) is',
    'less sensitive to load; keytool uses several threads (JIT, GC), so its CPU time can exceed its wall time.',
    '',
    table,
    BENCH_END,
  ].join('\n');
  writeBenchmarksDoc(generated);
  process.stdout.write(`${generated}\n`);
}

const BENCH_START = '<!-- npm run bench: from here to the end marker -->';
const BENCH_END = '<!-- npm run bench: end -->';

/**
 * Puts the generated table into docs/benchmarks.md between its markers, keeping what the rest of the page
 * says (measurements `npm run bench` does not make, and how to read them).
 */
function writeBenchmarksDoc(generated: string): void {
  const file = path.join(ROOT, 'docs/benchmarks.md');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = old.indexOf(BENCH_START);
  const end = old.indexOf(BENCH_END);
  const doc = start >= 0 && end > start ? `${old.slice(0, start)}${generated}${old.slice(end + BENCH_END.length)}` : `${old.trimEnd()}\n\n${generated}\n`;
  fs.writeFileSync(file, doc);
}

void mainBench().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
