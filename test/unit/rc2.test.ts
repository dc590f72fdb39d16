import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { rc2ExpandKey } from '../../src/core/keystore/pkcs12/rfc7292KeyDerivation';

/** node-forge's RFC 2268 key expansion, the independent implementation ours replaced. */
function forgeExpand(key: Uint8Array, bits: number): Buffer {
  return Buffer.from(forge.rc2.expandKey(forge.util.createBuffer(Buffer.from(key).toString('binary')), bits).getBytes(), 'binary');
}

describe('pkcs12Kdf: rc2ExpandKey (RFC 2268 §2)', () => {
  it('expands 5-byte keys to 40 effective bits as node-forge does (pbeWithSHAAnd40BitRC2-CBC)', () => {
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(5);
      assert.deepEqual(Buffer.from(rc2ExpandKey(key, 40)), forgeExpand(key, 40));
    }
  });

  it('expands 16-byte keys to 128 effective bits as node-forge does (pbeWithSHAAnd128BitRC2-CBC)', () => {
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(16);
      assert.deepEqual(Buffer.from(rc2ExpandKey(key, 128)), forgeExpand(key, 128));
    }
  });

  it('expands keys of every length from 1 to 128 bytes as node-forge does', () => {
    for (let len = 1; len <= 128; len++) {
      const key = randomBytes(len);
      assert.deepEqual(Buffer.from(rc2ExpandKey(key, 64)), forgeExpand(key, 64));
    }
  });

  it('rejects an empty key', () => {
    assert.throws(() => rc2ExpandKey(new Uint8Array(0), 40), RangeError);
  });
});
