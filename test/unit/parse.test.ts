import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import type { TomlDocument } from '../../src/core/config/toml';
import { SHARED_ABSENT, WSO2, describeShared } from '../helpers/fixtures';

const FULL = path.join(WSO2, 'mi-config-tool/deployment-full.toml');
const SAMPLES = path.join(WSO2, 'deployment-toml-samples');
const fixtureTomls = SHARED_ABSENT
  ? []
  : [FULL, path.join(WSO2, 'mi-conf/deployment.toml'), ...fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.toml')).map((f) => path.join(SAMPLES, f))];

const parse = (text: string): TomlDocument => parseDeploymentToml(text, '/w/deployment.toml');
const keysOf = (doc: TomlDocument, table: string): string[] =>
  doc.tables.filter((t) => t.name === table).flatMap((t) => t.entries.map((e) => e.keyParts.join('.')));

describe('parse: deployment.toml with positions', () => {
  it('gives each key its table, full key and 0-based ranges', () => {
    const doc = parse('# top\n[keystore.primary]\nfile_name = "a.jks"   # c\n');
    const entry = doc.tables.find((t) => t.name === 'keystore.primary')?.entries[0];
    assert.deepEqual(
      { fullKey: entry?.fullKey, key: entry?.keyRange, value: entry?.value.range, raw: entry?.value.raw, v: entry?.value.value },
      {
        fullKey: 'keystore.primary.file_name',
        key: { start: { line: 2, character: 0 }, end: { line: 2, character: 9 } },
        value: { start: { line: 2, character: 12 }, end: { line: 2, character: 19 } },
        raw: '"a.jks"',
        v: 'a.jks',
      },
    );
  });

  // Seen in files written by Windows PowerShell 5 (`Set-Content -Encoding UTF8`). MI's config mapper
  // (Tuweni's lexer, through ANTLR's CharStreams, which keeps the mark) stops at it.
  it('says a UTF-8 byte order mark is what MI rejects, and still reads every table after it', () => {
    const doc = parse('\uFEFF[server]\nhostname = "localhost"\n\n[keystore.primary]\nfile_name = "a.jks"\n');
    assert.deepEqual(
      doc.issues.map((i) => ({ kind: i.kind, range: i.range, bom: /byte order mark/.test(i.message) })),
      [{ kind: 'byte-order-mark', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, bom: true }],
    );
    assert.deepEqual(keysOf(doc, 'keystore.primary'), ['file_name']);
    assert.equal(doc.text.charCodeAt(0), 0xfeff, 'the document keeps the text as read');
  });

  it('reports a byte order mark that an editor hides from the text when told the file has one', () => {
    const text = '[server]\nhostname = "localhost"\n';
    assert.deepEqual(parse(text).issues, []);
    const doc = parseDeploymentToml(text, '/w/deployment.toml', { byteOrderMarkOnDisk: true });
    assert.deepEqual(doc.issues.map((i) => [i.kind, i.range]), [['byte-order-mark', { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }]]);
    assert.equal(doc.text, text);
  });

  // MI's config mapper takes Tuweni's dottedKeySet(), which walks into inline tables: the same keys as a [table].
  it('reads the keys of an inline table as the keys of its table, each with its own ranges', () => {
    const doc = parse('[keystore]\ninternal = { file_name = "i.p12", alias = "i", more = { a = 1 } }\nempty = {}\n');
    const entries = doc.tables[1].entries.map((e) => [e.fullKey, e.keyPrefix, e.value.raw, e.keyRange.start.character, e.value.range.start.character]);
    assert.deepEqual(entries, [
      ['keystore.internal.file_name', 1, '"i.p12"', 13, 25],
      ['keystore.internal.alias', 1, '"i"', 34, 42],
      ['keystore.internal.more.a', 2, '1', 56, 60],
      ['keystore.empty', undefined, '{}', 0, 8],
    ]);
  });

  it('reports a [table] that redefines an inline table, also when another error is in the file', () => {
    const doc = parse('[keystore]\ninternal = { alias = "a" }\n\n[keystore.internal]\ntype = "JKS"\n\n[server]\nx = \n');
    assert.deepEqual(doc.issues.map((i) => [i.kind, i.range.start.line]), [['duplicate-table', 3], ['syntax', 7]]);
    const nested = parse('[keystore]\ninternal = { sub = { a = 1 } }\n\n[keystore.internal]\ntype = "JKS"\n\n[server]\nx = \n');
    assert.deepEqual(nested.issues.map((i) => [i.kind, i.range.start.line]), [['duplicate-table', 3], ['syntax', 7]]);
  });

  it('gives the header range of a table and of an array table', () => {
    const doc = parse('[truststore]  # x\n[[custom_transport.listener]]\nclass = "a"\n');
    const actual = doc.tables.filter((t) => t.headerRange).map((t) => [t.name, t.isArrayTable, t.headerRange?.end.character]);
    assert.deepEqual(actual, [['truststore', false, 12], ['custom_transport.listener', true, 29]]);
  });

  it('keeps dotted keys relative to the table', () => {
    const doc = parse('[transport.http]\nlistener.keystore.location = "x"\n');
    const entry = doc.tables[1].entries[0];
    assert.deepEqual([entry.keyParts, entry.fullKey], [['listener', 'keystore', 'location'], 'transport.http.listener.keystore.location']);
  });

  it('reads a quoted key as one part', () => {
    const doc = parse("[system.parameter]\n'org.wso2.CipherTransformation' = \"RSA\"\n");
    assert.deepEqual(doc.tables[1].entries[0].keyParts, ['org.wso2.CipherTransformation']);
  });

  it('types integers, booleans and arrays', () => {
    const doc = parse('a = 1\nb = true\nc = ["x"]\n');
    assert.deepEqual(doc.tables[0].entries.map((e) => [e.value.type, e.value.value]), [['integer', 1], ['boolean', true], ['array', ['x']]]);
  });

  it('ends a table on the line before the next header', () => {
    const doc = parse('[a]\nx = 1\n\n[b]\ny = 2\n');
    assert.deepEqual(doc.tables.find((t) => t.name === 'a')?.range.end.line, 2);
  });

  it('reports no issue for a clean file', () => {
    assert.deepEqual(parse('[keystore.primary]\nalias = "a"\n').issues, []);
  });
});

describe('parse: error tolerance', () => {
  it('turns a syntax error into an issue, never an exception', () => {
    const doc = parse('[keystore.primary]\nfile_name = "a.jks\n');
    assert.deepEqual(doc.issues.map((i) => [i.kind, i.range.start.line]), [['syntax', 1]]);
  });

  it('keeps the other tables\' keys when one line is broken', () => {
    const doc = parse('[keystore.primary]\nfile_name = "a.jks"\npassword = "abc\n[truststore]\nfile_name = "t.jks"\ntype = JKS\npassword = "p"\n');
    assert.deepEqual([keysOf(doc, 'keystore.primary'), keysOf(doc, 'truststore')], [['file_name'], ['file_name', 'password']]);
  });

  it('reports each broken line, each on its own line', () => {
    const doc = parse('[a]\nx = "1\n[b]\ny = 2 3\n[c]\nz = 1\n');
    assert.deepEqual(doc.issues.map((i) => i.range.start.line), [1, 3]);
  });

  it('reports an unfinished header and keeps the tables before it', () => {
    const doc = parse('[keystore.primary]\nalias = "a"\n[keys');
    assert.deepEqual([doc.issues.map((i) => [i.kind, i.range.start.line]), keysOf(doc, 'keystore.primary')], [[['syntax', 2]], ['alias']]);
  });

  it('reports a duplicate key inside one table at the second key', () => {
    const doc = parse('[keystore.primary]\nalias = "a"\nalias = "b"\n');
    assert.deepEqual(doc.issues.map((i) => [i.kind, i.range.start.line, i.range.start.character]), [['duplicate-key', 2, 0]]);
  });

  it('reports a duplicate key inside one element of an array table', () => {
    const doc = parse('[[transport.modules]]\nref = "a"\nref = "b"\n');
    assert.deepEqual(doc.issues.map((i) => [i.kind, i.range.start.line]), [['duplicate-key', 2]]);
  });

  it('reports a duplicate table at its second header and keeps both tables', () => {
    const doc = parse('[truststore]\ntype = "JKS"\n[truststore]\npassword = "x"\n');
    assert.deepEqual([doc.issues.map((i) => [i.kind, i.range.start.line]), keysOf(doc, 'truststore')], [[['duplicate-table', 2]], ['type', 'password']]);
  });

  it('does not take repeated array-table headers for duplicates', () => {
    assert.deepEqual(parse('[[custom_transport.listener]]\nclass = "a"\n[[custom_transport.listener]]\nclass = "b"\n').issues, []);
  });
});

describeShared('parse: WSO2 fixture files', () => {
  it('finds exactly the duplicate key `ref` (line 992) and the duplicate table (line 1057) in deployment-full.toml', () => {
    const doc = parseDeploymentToml(fs.readFileSync(FULL, 'utf8'), FULL);
    // 1-based line numbers, as an editor shows them.
    const actual = doc.issues.map((i) => [i.kind, i.range.start.line + 1]);
    assert.deepEqual(actual, [['duplicate-key', 992], ['duplicate-table', 1057]]);
  });

  it('keeps every table of deployment-full.toml', () => {
    const text = fs.readFileSync(FULL, 'utf8');
    const headers = text.split('\n').filter((l) => /^\s*\[/.test(l)).length;
    const doc = parseDeploymentToml(text, FULL);
    assert.equal(doc.tables.filter((t) => t.headerRange).length, headers);
  });

  it('keeps the keystore keys of deployment-full.toml', () => {
    const doc = parseDeploymentToml(fs.readFileSync(FULL, 'utf8'), FULL);
    assert.deepEqual(keysOf(doc, 'keystore.primary'), ['file_name', 'type', 'password', 'alias', 'key_password']);
  });

  for (const file of fixtureTomls.filter((f) => f !== FULL)) {
    it(`parses ${path.basename(file)} without issues`, () => {
      const doc = parseDeploymentToml(fs.readFileSync(file, 'utf8'), file);
      assert.deepEqual([doc.issues, doc.tables.length > 1], [[], true]);
    });
  }
});

describe('parse: chunk boundaries', () => {
  it('does not take a `[` line inside a multi-line array for a header', () => {
    const doc = parse('[a]\nrules = [\n  ["x"],\n["y"]\n]\nbroken = "\n[b]\nk = 1\n');
    assert.deepEqual([doc.issues.map((i) => i.range.start.line), keysOf(doc, 'a'), keysOf(doc, 'b')], [[5], ['rules'], ['k']]);
  });

  it('does not let an array left open while typing swallow the next tables', () => {
    const doc = parse('[a]\nx = [1, 2\n[keystore.primary]\nalias = "k"\n');
    assert.deepEqual(keysOf(doc, 'keystore.primary'), ['alias']);
  });

  it('does not split inside a multi-line string', () => {
    const doc = parse('[a]\ns = """\n[not.a.table]\n"""\nbad = \n[b]\nk = 1\n');
    assert.deepEqual([doc.tables.map((t) => t.name), keysOf(doc, 'a')], [['', 'a', 'b'], ['s']]);
  });
});

describe('parse: one report per cause', () => {
  it('reports an unclosed multi-line string once, on its opening line, and keeps the next tables', () => {
    const doc = parse('[a]\ns = """\n[b]\nk = 1\n');
    assert.deepEqual([doc.issues.map((i) => [i.message, i.range.start.line]), keysOf(doc, 'b')], [[['Unterminated multi-line string.', 1]], ['k']]);
  });

  it('reports a broken array-table header once and keeps the next table', () => {
    const doc = parse('[[a]\n[b]\nk = 1\n');
    assert.deepEqual([doc.issues.length, keysOf(doc, 'b')], [1, ['k']]);
  });

  it('reports an unclosed inline table once', () => {
    assert.equal(parse('[a]\nx = {a = 1\n\n\n[b]\nk = 1\n').issues.length, 1);
  });
});
