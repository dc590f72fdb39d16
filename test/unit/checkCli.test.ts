/** `mi-keystores check`, run in-process: formats, exit codes, paths relative to the working folder. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { FIXTURES } from '../helpers/fixtures';

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
  fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), path.join(dir, SEC, 'k.jks'));
  fs.copyFileSync(path.join(FIXTURES, 'jks-trust.jks'), path.join(dir, SEC, 't.jks'));
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

  it('prints the JSON shape of the issue, files relative to the working folder', async () => {
    home('mi', 'changeit', 'nope');
    const actual = await run(['check', 'mi', '--format', 'json'], root);
    const parsed = JSON.parse(actual.stdout) as { problems: Record<string, unknown>[] };
    const alias = parsed.problems.find((p) => p.code === 'alias-not-found');
    assert.deepEqual(alias && Object.keys(alias), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
    assert.deepEqual(alias && [alias.file, alias.line, alias.column, alias.endLine, alias.endColumn, alias.severity], ['mi/conf/deployment.toml', 4, 9, 4, 15, 'error']);
  });

  // Before, each path printed `conf/deployment.toml`, so two workspaces' findings could not be told apart.
  it('tells two workspaces apart in text, JSON and SARIF when `check a b` names both', async () => {
    home('a', 'changeit', 'nope');
    home('b', 'changeit', 'nope');
    const text = await run(['check', 'a', 'b'], root);
    const json = await run(['check', 'a', 'b', '--format', 'json'], root);
    const sarif = await run(['check', 'a', 'b', '--format', 'sarif'], root);
    const textFiles = text.stdout.split('\n').filter((l) => l.includes(' alias-not-found ')).map((l) => l.split(':')[0]);
    const jsonFiles = (JSON.parse(json.stdout).problems as { code: string; file: string }[]).filter((p) => p.code === 'alias-not-found').map((p) => p.file);
    const run0 = JSON.parse(sarif.stdout).runs[0];
    const sarifUris = (run0.results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[] }[])
      .filter((r) => r.ruleId === 'alias-not-found')
      .map((r) => `${r.locations[0].physicalLocation.artifactLocation.uriBaseId}/${r.locations[0].physicalLocation.artifactLocation.uri}`);
    const expected = ['a/conf/deployment.toml', 'b/conf/deployment.toml'];
    assert.deepEqual(textFiles, expected);
    assert.deepEqual(jsonFiles, expected);
    assert.deepEqual(sarifUris, expected.map((f) => `%SRCROOT%/${f}`));
    assert.equal(run0.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(root + path.sep).href);
  });

  it('prints a workspace outside the working folder by its absolute path (a file: URI in SARIF)', async () => {
    const dir = home('elsewhere', 'changeit', 'nope');
    const cwd = path.join(root, 'cwd');
    fs.mkdirSync(cwd);
    const json = await run(['check', dir, '--format', 'json'], cwd);
    const sarif = await run(['check', dir, '--format', 'sarif'], cwd);
    const file = (JSON.parse(json.stdout).problems as { code: string; file: string }[]).find((p) => p.code === 'alias-not-found')?.file;
    const location = (JSON.parse(sarif.stdout).runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: Record<string, string> } }[] }[]).find(
      (r) => r.ruleId === 'alias-not-found',
    )?.locations[0].physicalLocation.artifactLocation;
    const toml = path.join(dir, 'conf', 'deployment.toml');
    assert.equal(file, toml.split(path.sep).join('/'));
    assert.deepEqual(location, { uri: pathToFileURL(toml).href });
  });

  it('warns that --secret alias=value shows in the process list, as --password does', async () => {
    home('mi', '$secret{ks_pw}');
    const actual = await run(['check', '--secret', 'ks_pw=changeit'], root);
    assert.match(actual.stderr, /warning: --secret shows the password in the process list; prefer --secret-env or --secret-file/);
    assert.ok(!actual.stderr.includes('changeit') && !actual.stdout.includes('changeit'));
  });

  it('reads $secret{} passwords from --secret-file alias=PATH (first line), without a warning', async () => {
    home('mi', '$secret{ks_pw}');
    fs.writeFileSync(path.join(root, 'ks_pw.txt'), 'changeit\n');
    const actual = await run(['check', '--format', 'json', '--secret-file', 'ks_pw=ks_pw.txt'], root);
    const codes = (JSON.parse(actual.stdout).problems as { code: string }[]).map((p) => p.code);
    assert.ok(!codes.includes('password-unresolved'), actual.stdout);
    assert.ok(codes.includes('self-signed-primary'));
    assert.ok(!actual.stderr.includes('warning'), actual.stderr);
  });

  it('exits 2 with one line when the --secret-file cannot be read', async () => {
    home('mi', '$secret{ks_pw}');
    const actual = await run(['check', '--secret-file', 'ks_pw=missing.txt'], root);
    assert.equal(actual.code, 2);
    assert.match(actual.stderr, /cannot read the password file missing\.txt \(from --secret-file\): no such file/);
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
