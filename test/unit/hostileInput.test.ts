/**
 * Files written to stall the editor: each test would block for seconds to minutes (or run out of memory)
 * without the limit it checks. The bounds are generous, for a loaded CI machine; the real times are far lower.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { completionsAt, escapeMarkdown, hoverAt, parseHeaderLine, storeMarkdown, type AssistContext } from '../../src/core/config/assist';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { isUncPath, resolveStorePath } from '../../src/core/workspace/resolvePath';
import { runtimeHomeAt } from '../../src/core/workspace/discover';
import { appendTableEdit } from '../../src/core/config/edit';
import { MAX_DEPLOYMENT_TOML_BYTES, MAX_NESTING, parseDeploymentToml } from '../../src/core/config/parse';
import type { TomlDocument } from '../../src/core/config/toml';
import { secretAliasFor } from '../../src/core/secrets/moveToSecrets';
import { MAX_PROJECT_FILE_BYTES, readDockerCopies, readPomKeystoreProperties, readProjectFile } from '../../src/core/workspace/project';
import { HOSTILE } from '../fuzz/mutators';

const parse = (text: string): TomlDocument => parseDeploymentToml(text, '/w/deployment.toml');
const noWorkspace: AssistContext = { keystoreFiles: async () => [], storeForTable: async () => undefined };

/** Runs `f` and fails when it took longer than `seconds` (it cannot be interrupted: the bound is checked after). */
async function within<T>(seconds: number, f: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await f();
  const ms = performance.now() - started;
  assert.ok(ms < seconds * 1000, `took ${(ms / 1000).toFixed(1)} s, more than ${seconds} s`);
  return result;
}

describe('hostile input: table headers', () => {
  it('answers hover and completion below `[` + 600 spaces + `]]]` within 2 s', async () => {
    const doc = parse(HOSTILE.spacedHeader());
    const line = doc.text.split('\n').findIndex((l) => l.startsWith('alias'));
    await within(2, async () => {
      await hoverAt(doc, { line, character: 1 }, noWorkspace);
      await completionsAt(doc, { line, character: 0 }, noWorkspace);
    });
  });

  it('reads header lines as before: open, name, close and a trailing comment', () => {
    const actual = ['[a.b]', '  [[x]]  # c', '[a', '[ "q" ]', '[]', '[a]]]', '[a] x', 'k = 1', '[' + ' '.repeat(600) + ']]]'].map((l) => parseHeaderLine(l));
    const expected = [
      { open: '[', name: 'a.b', close: ']' },
      { open: '[[', name: 'x', close: ']]' },
      { open: '[', name: 'a', close: undefined },
      { open: '[', name: '"q"', close: ']' },
      { open: '[', name: '', close: ']' },
      null,
      null,
      null,
      null,
    ];
    assert.deepEqual(actual, expected);
  });
});

describe('hostile input: the parser', () => {
  it('reports each of 41 broken lines among 10,000 keys and keeps every other key', async () => {
    const doc = await within(30, () => parse(HOSTILE.manyKeysBroken(0.2)));
    const syntax = doc.issues.filter((i) => i.kind === 'syntax');
    const keys = doc.tables.find((t) => t.name === 'keystore.primary')?.entries.length;
    assert.deepEqual({ syntax: syntax.length, keys, truststore: doc.tables.some((t) => t.name === 'truststore') }, { syntax: 41, keys: 10_000 - 41 + 2, truststore: true });
  });

  it('reports two broken lines of one table that fail the same way, not only the first', () => {
    const doc = parse('[keystore.primary]\nfile_name = "a.jks"\nbad one = 1\npassword = "x"\nbad two = 2\nalias = "k"\n');
    const actual = doc.issues.map((i) => i.range.start.line);
    assert.deepEqual(actual, [2, 4]);
  });

  it('bounds the work on a file broken on every line, and says where it stopped', async () => {
    const text = `[keystore.primary]\n${Array.from({ length: 20_000 }, (_, i) => `bad ${i} = = "`).join('\n')}\n`;
    const doc = await within(30, () => parse(text));
    const stopped = doc.issues.filter((i) => i.kind === 'toml-not-checked');
    assert.equal(stopped.length, 1);
    assert.ok(doc.issues.length > 100, `only ${doc.issues.length} issues`);
  });

  it('refuses 8 MB of nested brackets by its size, at once', async () => {
    const doc = await within(2, () => parse(HOSTILE.nestedBrackets()));
    assert.deepEqual({ kinds: doc.issues.map((i) => i.kind), entries: doc.tables.flatMap((t) => t.entries).length }, { kinds: ['toml-not-checked'], entries: 0 });
  });

  it(`refuses brackets nested deeper than ${MAX_NESTING} before parsing (4 MB of them) and keeps the tables before`, async () => {
    const doc = await within(10, () => parse(HOSTILE.nestedBrackets(0.5)));
    assert.deepEqual(
      { issues: doc.issues.map((i) => [i.kind, i.range.start.line]), file: doc.tables.find((t) => t.name === 'keystore.primary')?.entries.map((e) => e.fullKey) },
      { issues: [['toml-not-checked', 2]], file: ['keystore.primary.file_name'] },
    );
  });

  it(`accepts ${MAX_NESTING} levels and checks the tables after a deeper value`, () => {
    const ok = `x = ${'['.repeat(MAX_NESTING)}1${']'.repeat(MAX_NESTING)}\n`;
    const deep = `y = ${'['.repeat(MAX_NESTING + 1)}1${']'.repeat(MAX_NESTING + 1)}\n`;
    const doc = parse(`${ok}${deep}[truststore]\npassword = "p"\n`);
    assert.deepEqual(
      { issues: doc.issues.map((i) => [i.kind, i.range.start.line]), root: doc.tables[0].entries.map((e) => e.fullKey), trust: doc.tables.find((t) => t.name === 'truststore')?.entries.length },
      { issues: [['toml-not-checked', 1]], root: ['x'], trust: 1 },
    );
  });

  it('ignores brackets inside strings and comments when counting nesting', () => {
    const doc = parse(`a = "${'['.repeat(100)}"\nb = '${'{'.repeat(100)}'\n# ${'['.repeat(100)}\nc = """\n${'['.repeat(100)}\n"""\n`);
    assert.deepEqual(doc.issues, []);
  });

  it(`does not parse text over ${MAX_DEPLOYMENT_TOML_BYTES / 1024 / 1024} MB (files and open editors alike)`, async () => {
    const text = `[keystore.primary]\npassword = "x"\n${'#'.repeat(MAX_DEPLOYMENT_TOML_BYTES)}\n`;
    const doc = await within(2, () => parse(text));
    assert.deepEqual({ kinds: doc.issues.map((i) => i.kind), entries: doc.tables.flatMap((t) => t.entries).length }, { kinds: ['toml-not-checked'], entries: 0 });
  });
});

describe('hostile input: patterns on file text are linear', () => {
  it('reports a syntax error on a line of 200,000 spaces and a letter within 2 s', async () => {
    const doc = await within(2, () => parse(`${' '.repeat(200_000)}x\n`));
    assert.equal(doc.issues.length, 1);
  });

  it('appends a table after 200,000 trailing spaces and line breaks within 2 s', async () => {
    const doc = parse(`a = 1\n${' \n'.repeat(100_000)}`);
    const edit = await within(2, () => appendTableEdit(doc, '[truststore]\n'));
    assert.equal(edit.newText, '[truststore]\n');
  });

  it('names a secret after a key of 100,000 underscores and a letter within 2 s', async () => {
    const actual = await within(2, () => secretAliasFor(parse(''), `${'_'.repeat(100_000)}a${'_'.repeat(100_000)}`));
    assert.equal(actual, 'a');
  });

  it('reads the JSON COPY of a Dockerfile line of 100,000 escaped quotes within 2 s', async () => {
    const line = `COPY ["${'\\"'.repeat(100_000)}`;
    const copies = await within(2, () => readDockerCopies(line));
    assert.deepEqual(copies, []);
  });
});

describe('hostile input: pom.xml and Dockerfile', () => {
  it('reads the keystore properties of a 320 KB pom.xml of unclosed comments within 2 s', async () => {
    const text = HOSTILE.pomWithComments();
    assert.ok(text.length > 300_000);
    const props = await within(2, () => readPomKeystoreProperties(text));
    // The comment never closes, so everything after it is commented out (as Maven's XML parser reads it).
    assert.equal(props.name, undefined);
  });

  it('still skips closed comments and reads the property after them', () => {
    const props = readPomKeystoreProperties('<!-- <keystore.name>old.jks</keystore.name> -->\n<keystore.name>new.jks</keystore.name>\n');
    assert.equal(props.name?.value, 'new.jks');
  });

  it(`reads at most ${MAX_PROJECT_FILE_BYTES / 1024} KB of a project file`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-hostile-'));
    try {
      const file = path.join(dir, 'pom.xml');
      fs.writeFileSync(file, `${' '.repeat(MAX_PROJECT_FILE_BYTES)}<keystore.name>late.jks</keystore.name>\n`);
      const text = await readProjectFile(file);
      assert.deepEqual({ length: text?.length, name: readPomKeystoreProperties(text ?? '').name }, { length: MAX_PROJECT_FILE_BYTES, name: undefined });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hostile input: Markdown from files is inert', () => {
  it('escapes an alias, a path and a certificate name that hold Markdown', () => {
    const evil = '![t](https://attacker.example/x.png) <img src=x> `code` *b*';
    const md = storeMarkdown({ path: evil, format: 'PKCS12', integrity: 'verified', entries: [{ alias: evil, kind: 'private-key', certificate: null }] });
    assert.deepEqual({ image: md.includes('![t]('), html: /(?<!\\)<img/.test(md), code: md.includes('`code`') }, { image: false, html: false, code: false });
  });

  it('keeps plain text readable', () => {
    assert.equal(escapeMarkdown('CN=localhost, O=WSO2 2026-11-27'), 'CN=localhost, O=WSO2 2026-11-27');
  });
});

describe('hostile input: network shares', () => {
  it('never stats a UNC path named by deployment.toml', async () => {
    const read = await new KeystoreCache().sniff('\\\\attacker.example\\share\\x.jks');
    assert.deepEqual({ ok: read.ok, unc: isUncPath('//host/share/x.jks') && isUncPath('\\\\host\\share') && !isUncPath('/etc/x.jks') }, { ok: false, unc: true });
  });
});

describe('hostile input: untrusted folders reach nothing outside', () => {
  it('resolves a store path outside the folder as text and never stats it', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-untrusted-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-outside-'));
    try {
      fs.mkdirSync(path.join(root, 'conf'));
      fs.mkdirSync(path.join(root, 'repository'));
      fs.writeFileSync(path.join(root, 'conf', 'deployment.toml'), '');
      const secret = path.join(outside, 'x.jks');
      fs.writeFileSync(secret, 'x');
      const ws = runtimeHomeAt(root);
      assert.ok(ws);
      const actual = { trusted: resolveStorePath(ws, secret).exists, untrusted: resolveStorePath(ws, secret, [], root).exists };
      assert.deepEqual(actual, { trusted: true, untrusted: false });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
