import { strict as assert } from 'node:assert';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { removeEntryEdit, renameKeyEdit, renameTableEdit, setValueEdits, splitKey, tableSnippet, tomlString } from '../../src/core/config/edit';
import type { TextEdit } from '../../src/core/problem';

const FILE = '/w/deployment.toml';

/** Applies edits to text (bottom-up, so earlier ranges stay valid). */
function apply(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

const edit = (text: string, table: string, key: string, raw: string): string => apply(text, setValueEdits(parseDeploymentToml(text, FILE), table, key, raw));

describe('edit: setValueEdits', () => {
  it('replaces only the value, keeping spacing and the trailing comment', () => {
    const text = '[keystore.primary]\ntype   =  "JKS"    # the type\nalias = "a"\n';
    assert.equal(edit(text, 'keystore.primary', 'type', '"PKCS12"'), '[keystore.primary]\ntype   =  "PKCS12"    # the type\nalias = "a"\n');
  });

  it('adds a missing key after the table\'s last key, before the next table', () => {
    const text = '[keystore.primary]\nfile_name = "a.jks"  # c\n\n[truststore]\ntype = "JKS"\n';
    assert.equal(edit(text, 'keystore.primary', 'alias', '"k"'), '[keystore.primary]\nfile_name = "a.jks"  # c\nalias = "k"\n\n[truststore]\ntype = "JKS"\n');
  });

  it('copies the indentation of the table\'s keys', () => {
    const text = '[truststore]\n  type = "JKS"\n';
    assert.equal(edit(text, 'truststore', 'password', '"x"'), '[truststore]\n  type = "JKS"\n  password = "x"\n');
  });

  it('adds a key right after the header of an empty table', () => {
    assert.equal(edit('[secrets]\n# none yet\n', 'secrets', 'pw', '"[x]"'), '[secrets]\npw = "[x]"\n# none yet\n');
  });

  it('appends a missing table at the end, after one blank line', () => {
    assert.equal(edit('[server]\nhostname = "h"\n', 'keystore.internal', 'alias', '"i"'), '[server]\nhostname = "h"\n\n[keystore.internal]\nalias = "i"\n');
  });

  it('edits a key written dotted in a parent table', () => {
    const text = '[keystore]\nprimary.alias = "a"\n';
    assert.equal(edit(text, 'keystore.primary', 'alias', '"b"'), '[keystore]\nprimary.alias = "b"\n');
  });

  it('keeps CRLF line ends', () => {
    assert.equal(edit('[truststore]\r\ntype = "JKS"\r\n', 'truststore', 'password', '"x"'), '[truststore]\r\ntype = "JKS"\r\npassword = "x"\r\n');
  });

  it('sets a dotted key of [transport.http]', () => {
    const text = '[transport.http]\nlistener.port = 8280\n';
    assert.equal(edit(text, 'transport.http', 'listener.keystore.type', '"PKCS12"'), '[transport.http]\nlistener.port = 8280\nlistener.keystore.type = "PKCS12"\n');
  });
});

describe('edit: renames and snippets', () => {
  it('renames a key and keeps its value and comment', () => {
    const text = '[keystore.primary]\nname = "a.jks" # c\n';
    const doc = parseDeploymentToml(text, FILE);
    const edit = renameKeyEdit(doc, doc.tables[1].entries[0], 'file_name');
    assert.ok(edit);
    assert.equal(apply(text, [edit]), '[keystore.primary]\nfile_name = "a.jks" # c\n');
  });

  it('renames a key inside an inline table within the braces, and refuses a name outside that table', () => {
    const text = '[keystore]\ninternal = { file_name = "i.p12", alis = "i" }\n';
    const doc = parseDeploymentToml(text, FILE);
    const entry = doc.tables[1].entries[1];
    const inside = renameKeyEdit(doc, entry, 'internal.alias');
    assert.ok(inside);
    assert.deepEqual([apply(text, [inside]), renameKeyEdit(doc, entry, 'primary.alias'), renameKeyEdit(doc, entry, 'internal')], ['[keystore]\ninternal = { file_name = "i.p12", alias = "i" }\n', null, null]);
  });

  it('sets a value inside an inline table, and adds a new key inside its braces (TOML closes an inline table)', () => {
    const text = '[keystore]\ninternal = { file_name = "i.p12", sub = { x = 1 }, alias = "i" }\n';
    const actual = [edit(text, 'keystore.internal', 'alias', '"j"'), edit(text, 'keystore.internal', 'type', '"PKCS12"'), edit(text, 'keystore.internal.sub', 'y', '2')];
    assert.deepEqual(actual, [
      '[keystore]\ninternal = { file_name = "i.p12", sub = { x = 1 }, alias = "j" }\n',
      '[keystore]\ninternal = { file_name = "i.p12", sub = { x = 1 }, alias = "i", type = "PKCS12" }\n',
      '[keystore]\ninternal = { file_name = "i.p12", sub = { x = 1, y = 2 }, alias = "i" }\n',
    ]);
    for (const t of actual) assert.deepEqual(parseDeploymentToml(t, FILE).issues, []);
  });

  it('adds a key inside an inline table of a table that exists, never as a line after the braces', () => {
    const text = '[transport.http]\nlistener.keystore = { location = "my.jks" }\nlistener.port = 8280\n';
    const actual = edit(text, 'transport.http', 'listener.keystore.password', '"x"');
    assert.equal(actual, '[transport.http]\nlistener.keystore = { location = "my.jks", password = "x" }\nlistener.port = 8280\n');
  });

  it('renames a table header and keeps its comment', () => {
    const text = '[keystore.tls]   # old\nalias = "a"\n';
    const doc = parseDeploymentToml(text, FILE);
    assert.equal(apply(text, [renameTableEdit(doc, doc.tables[1], 'keystore.primary')]), '[keystore.primary]   # old\nalias = "a"\n');
  });

  it('keeps double brackets when renaming an array table', () => {
    const text = '[[custom_transport.listner]]\n';
    const doc = parseDeploymentToml(text, FILE);
    assert.equal(apply(text, [renameTableEdit(doc, doc.tables[1], 'custom_transport.listener')]), '[[custom_transport.listener]]\n');
  });

  it('writes a whole table', () => {
    assert.equal(tableSnippet('keystore.internal', { file_name: '"i.jks"', type: '"PKCS12"' }), '[keystore.internal]\nfile_name = "i.jks"\ntype = "PKCS12"\n');
  });

  it('quotes a key part that is not bare', () => {
    assert.equal(tableSnippet('system.parameter', { "'org.wso2.CipherTransformation'": '"RSA"' }), '[system.parameter]\n"org.wso2.CipherTransformation" = "RSA"\n');
  });

  it('escapes quotes and backslashes in a string value', () => {
    assert.equal(tomlString('C:\\a "b"'), '"C:\\\\a \\"b\\""');
  });

  it('splits a dotted key but not a quoted part', () => {
    assert.deepEqual(splitKey('a.\'b.c\'.d'), ['a', 'b.c', 'd']);
  });
});

describe('edit: removeEntryEdit', () => {
  const remove = (text: string, table: string, key: string): string | null => {
    const doc = parseDeploymentToml(text, FILE);
    const entry = doc.tables.find((t) => t.name === table)?.entries.find((e) => e.keyParts.join('.') === key);
    assert.ok(entry, `${table} ${key}`);
    const e = removeEntryEdit(doc, entry);
    return e && apply(text, [e]);
  };

  it('removes the line of an entry with its comment, also the last line of a file without a final newline', () => {
    const actual = [remove('[a]\nx = 1 # why\ny = 2\n', 'a', 'x'), remove('[a]\r\nx = 1\r\ny = 2', 'a', 'y'), remove('[a]\n  x = """\nmulti\n"""\ny = 2\n', 'a', 'x')];
    assert.deepEqual(actual, ['[a]\ny = 2\n', '[a]\r\nx = 1\r\n', '[a]\ny = 2\n']);
  });
});
