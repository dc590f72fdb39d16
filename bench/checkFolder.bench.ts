/**
 * `mi-keystores check <folder>` of a folder holding 50 MI workspaces (40 runtime homes, 10 integration
 * projects), as a CI job runs it: one whole process, cold caches, JSON output. The homes vary the way real
 * ones do (MI's default file, full paths, PKCS12 stores typed JKS, a VFS keystore, a missing truststore).
 * Run: `npx tsx bench/checkFolder.bench.ts` after `node scripts/build.mjs`; bench/run.ts calls `benchCheckFolder()`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './median';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/cli.js');
const WSO2 = path.resolve(ROOT, '../shared/fixtures/wso2');
const SEC = 'repository/resources/security';

const TOMLS = [
  // MI's shipped default (full paths).
  '[server]\nhostname = "localhost"\n\n[keystore.primary]\nfile_name = "repository/resources/security/wso2carbon.jks"\npassword = "wso2carbon"\nalias = "wso2carbon"\nkey_password = "wso2carbon"\n\n[truststore]\nfile_name = "repository/resources/security/client-truststore.jks"\npassword = "wso2carbon"\nalias = "symmetric.key.value"\nalgorithm = "AES"\n',
  // Bare names and an obsolete table, as older files have.
  '[server]\nhostname = "localhost"\n\n[keystore.tls]\nfile_name = "wso2carbon.jks"\npassword = "wso2carbon"\n\n[truststore]\nfile_name = "client-truststore.jks"\npassword = "wso2carbon"\n',
  // A VFS listener keystore and HTTPS settings.
  '[server]\nhostname = "localhost"\n\n[transport.http]\nlistener.verify_client = "optional"\nsender.hostname_verifier = "AllowAll"\n\n[transport.vfs]\nlistener.keystore.location = "repository/resources/security/wso2carbon.jks"\nlistener.keystore.password = "wso2carbon"\nlistener.keystore.key_password = "wso2carbon"\nlistener.keystore.alias = "wso2carbon"\n',
  // Secrets and references.
  '[server]\nhostname = "localhost"\n\n[keystore.primary]\npassword = "$env{KS_PASS}"\n\n[secrets]\ndb = "[plain]"\n\n[super_admin]\npassword = "$secret{db}"\n',
];

/** Median wall time in ms of whole `check` processes over a folder of 50 workspaces. */
export interface CheckFolderResult {
  readonly medianMs: number;
  readonly workspaces: number;
  readonly problems: number;
  readonly runs: number;
}

/** Builds the folder, runs `check` `runs` times, removes the folder. */
export function benchCheckFolder(runs = 5): CheckFolderResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-bench-folder-'));
  try {
    const stores = [
      ['keystores/wso2carbon.kernel-4.9.x-head.jks', 'keystores/client-truststore.kernel-4.9.x-head.jks'],
      ['keystores/wso2carbon.jks', 'keystores/client-truststore.jks'],
    ];
    for (let i = 0; i < 50; i++) {
      const project = i % 5 === 4;
      const root = path.join(dir, `ws-${String(i).padStart(2, '0')}`);
      const [ks, ts] = stores[i % 2];
      if (project) {
        const res = path.join(root, 'deployment/docker/resources');
        fs.mkdirSync(res, { recursive: true });
        fs.writeFileSync(path.join(root, 'pom.xml'), '<project><properties><projectType>integration-project</projectType></properties></project>\n');
        fs.writeFileSync(path.join(root, 'deployment/deployment.toml'), TOMLS[i % TOMLS.length]);
        fs.copyFileSync(path.join(WSO2, ks), path.join(res, 'wso2carbon.jks'));
        fs.copyFileSync(path.join(WSO2, ts), path.join(res, 'client-truststore.jks'));
      } else {
        fs.mkdirSync(path.join(root, 'conf'), { recursive: true });
        fs.mkdirSync(path.join(root, SEC), { recursive: true });
        fs.writeFileSync(path.join(root, 'conf/deployment.toml'), TOMLS[i % TOMLS.length]);
        fs.copyFileSync(path.join(WSO2, ks), path.join(root, SEC, 'wso2carbon.jks'));
        // One home in ten misses its truststore.
        if (i % 10 !== 3) fs.copyFileSync(path.join(WSO2, ts), path.join(root, SEC, 'client-truststore.jks'));
      }
    }
    const times: number[] = [];
    let problems = 0;
    let workspaces = 0;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const r = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, KS_PASS: '' } });
      times.push(performance.now() - start);
      // Exit 1 means "problems found"; anything else is a failure that must not look fast.
      if (r.status !== 0 && r.status !== 1) throw new Error(`check failed (${r.status}): ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { problems: { file: string }[] };
      problems = out.problems.length;
      // Every workspace has findings (default passwords at least): count the ones reported on.
      workspaces = new Set(out.problems.map((p) => /ws-\d\d/.exec(p.file)?.[0]).filter((w) => w)).size;
    }
    return { medianMs: median(times), workspaces, problems, runs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const r = benchCheckFolder();
  process.stdout.write(`check of a folder of 50 MI workspaces, whole process: median ${r.medianMs.toFixed(0)} ms (${r.workspaces} workspaces, ${r.problems} problems, ${r.runs} runs)\n`);
}
