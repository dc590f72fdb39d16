/** `mi-keystores check`, run in-process: formats, exit codes, paths relative to the folder checked. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';

const FX = path.resolve(__dirname, '../fixtures/keystores');
const SEC = 'repository/resources/security';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

let root: string;

/** An MI home under `root/<rel>` with the jks-rsa store as primary; `password` is written as given. */
function home(rel: string, password: string, alias = 'server'): string {
  const dir = path.join(root, rel);
  fs.mkdirSync(path.join(dir, 'conf'), { recursive: true });
  fs.mkdirSync(path.join(dir, SEC), { recursive: true });
  fs.copyFileSync(path.join(FX, 'jks-rsa.jks'), path.join(dir, SEC, 'k.jks'));
  fs.copyFileSync(path.join(FX, 'jks-trust.jks'), path.join(dir, SEC, 't.jks'));
  fs.writeFileSync(
    path.join(dir, 'conf/deployment.toml'),
    [
      '[keystore.primary]',
      `file_name = "${SEC}/k.jks"`,
      `password = "${password}"`,
      `alias = "${alias}"`,
      `key_password = "${password}"`,
      '',
      '[truststore]',
      `file_name = "${SEC}/t.jks"`,
      'password = "changeit"',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('mi-keystores check', () => {
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-cli-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('prints file:line:column severity code message and exits 1 on errors', async () => {
    home('mi', 'changeit', 'nope');
    const actual = await run(['check'], root);
    assert.equal(actual.code, 1);
    assert.match(actual.stdout, /^mi\/conf\/deployment\.toml:4:9 error alias-not-found .+$/m);
  });

  it('exits 0 when there are only warnings and notes', async () => {
    home('mi', 'changeit');
    const actual = await run(['check', '.'], root);
    assert.equal(actual.code, 0, actual.stdout + actual.stderr);
  });

  it('prints the JSON shape of the issue, files relative to the path checked', async () => {
    home('mi', 'changeit', 'nope');
    const actual = await run(['check', 'mi', '--format', 'json'], root);
    const parsed = JSON.parse(actual.stdout) as { problems: Record<string, unknown>[] };
    const alias = parsed.problems.find((p) => p.code === 'alias-not-found');
    assert.deepEqual(alias && Object.keys(alias), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
    assert.deepEqual(alias && [alias.file, alias.line, alias.column, alias.endLine, alias.endColumn, alias.severity], ['conf/deployment.toml', 4, 9, 4, 15, 'error']);
  });

  it('prints SARIF 2.1.0 with one rule per code and note for information', async () => {
    home('mi', 'changeit');
    const actual = await run(['check', '--format', 'sarif'], root);
    const log = JSON.parse(actual.stdout);
    assert.equal(log.version, '2.1.0');
    const results = log.runs[0].results as { ruleId: string; level: string; ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    const info = results.find((r) => r.ruleId === 'internal-same-as-primary');
    assert.equal(info?.level, 'note');
    assert.equal(info?.locations[0].physicalLocation.artifactLocation.uri, 'mi/conf/deployment.toml');
    assert.equal(log.runs[0].tool.driver.rules[info?.ruleIndex ?? -1].id, 'internal-same-as-primary');
  });

  it('uses --secret for $secret{} passwords', async () => {
    home('mi', '$secret{ks_pw}');
    const without = await run(['check', '--format', 'json'], root);
    const withSecret = await run(['check', '--format', 'json', '--secret', 'ks_pw=changeit'], root);
    const codes = (r: Run) => (JSON.parse(r.stdout).problems as { code: string }[]).map((p) => p.code);
    assert.ok(codes(without).includes('password-unresolved'));
    assert.ok(!codes(withSecret).includes('password-unresolved'));
    assert.ok(codes(withSecret).includes('self-signed-primary'));
  });

  it('honours --expiry-days', async () => {
    home('mi', 'changeit');
    const actual = await run(['check', '--format', 'json', '--expiry-days', '36500'], root);
    assert.ok((JSON.parse(actual.stdout).problems as { code: string }[]).some((p) => p.code === 'certificate-expiring'));
  });

  it('exits 2 for a path that does not exist', async () => {
    const actual = await run(['check', 'missing-folder'], root);
    assert.equal(actual.code, 2);
  });

  it('exits 2 for an unknown --format', async () => {
    const actual = await run(['check', '--format', 'xml'], root);
    assert.equal(actual.code, 2);
  });

  it('says so on stderr when no workspace is found, and exits 0', async () => {
    const actual = await run(['check'], root);
    assert.deepEqual([actual.code, /no MI runtime home/.test(actual.stderr)], [0, true]);
  });
});
