/**
 * A deployment.toml that begins with a UTF-8 byte order mark (Windows PowerShell 5 writes one): the check
 * says so with its own code and offers the fix, and the fix rewrites the file without the mark, keeping
 * every other byte.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { checkDocument } from '../../src/core/checks/document';
import { REMOVE_BYTE_ORDER_MARK_ACTION, removeByteOrderMark } from '../../src/core/config/byteOrderMark';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { useTempDir } from '../helpers/fixtures';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const TOML = '[server]\r\nhostname = "mi.example.com"\r\n\r\n[keystore.primary]\r\nfile_name = "repository/resources/security/wso2carbon.jks"\r\n';

describe('a deployment.toml with a UTF-8 byte order mark', () => {
  const temp = useTempDir('mi-bom-');

  it('gets one byte-order-mark error with the fix that removes the mark, and no other syntax error', () => {
    const problems = checkDocument(parseDeploymentToml(`\uFEFF${TOML}`, '/w/conf/deployment.toml')).filter((p) => p.severity === 'error');
    const actual = problems.map((p) => ({ code: p.code, fixes: p.fixes.map((f) => f.run) }));
    assert.deepEqual(actual, [{ code: 'byte-order-mark', fixes: [{ action: REMOVE_BYTE_ORDER_MARK_ACTION, args: { file: '/w/conf/deployment.toml' } }] }]);
  });

  it('is rewritten without the mark, every other byte kept', async () => {
    const file = temp('deployment.toml');
    fs.writeFileSync(file, Buffer.concat([BOM, Buffer.from(TOML)]));
    fs.chmodSync(file, 0o640);
    assert.equal(await removeByteOrderMark(file), true);
    assert.deepEqual({ bytes: fs.readFileSync(file).toString('latin1'), mode: fs.statSync(file).mode & 0o777 }, { bytes: TOML, mode: 0o640 });
  });

  it('is left alone when it has no mark', async () => {
    const file = temp('deployment.toml');
    fs.writeFileSync(file, TOML);
    const before = fs.statSync(file);
    assert.equal(await removeByteOrderMark(file), false);
    assert.deepEqual([fs.readFileSync(file, 'utf8'), fs.statSync(file).ino], [TOML, before.ino]);
  });
});
