/**
 * The word-level rounds of the PKCS#12 key derivation (WebAssembly SHA-1, JavaScript SHA-1 and SHA-256)
 * agree with Node's native hash applied the same number of times.
 */
import * as assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { hashRepeatedly, sha1RoundsJs } from '../../src/core/keystore/pkcs12/iteratedHash';
import { SHA1_MODULE_BASE64, assembleSha1Module } from '../../src/core/keystore/pkcs12/sha1Wasm';

/** `rounds` more native hashes of `first`. */
function native(alg: string, first: Buffer, rounds: number): Buffer {
  let a = first;
  for (let i = 0; i < rounds; i++) a = hash(alg, a, 'buffer');
  return a;
}

describe('iterated SHA-1 and SHA-256 rounds', function () {
  for (const alg of ['sha1', 'sha256']) {
    for (const rounds of [0, 1, 2, 3000, 9999]) {
      it(`${alg}, ${rounds} rounds, equals the native hash`, async function () {
        const first = hash(alg, Buffer.from(`seed ${rounds}`), 'buffer');
        const actual = (await hashRepeatedly(alg, first, rounds)).toString('hex');
        const expected = native(alg, first, rounds).toString('hex');
        assert.equal(actual, expected);
      });
    }
  }

  it('the JavaScript SHA-1 (used without WebAssembly) equals the native hash too', function () {
    const first = hash('sha1', Buffer.from('js'), 'buffer');
    const h = new Int32Array(5);
    for (let i = 0; i < 5; i++) h[i] = first.readInt32BE(i * 4);
    sha1RoundsJs(h, new Int32Array(80), 777);
    const actual = Buffer.alloc(20);
    for (let i = 0; i < 5; i++) actual.writeInt32BE(h[i], i * 4);
    assert.equal(actual.toString('hex'), native('sha1', first, 777).toString('hex'));
  });
});

describe('the SHA-1 WebAssembly module', function () {
  it('is stored as exactly the bytes its assembler produces', function () {
    const actual = SHA1_MODULE_BASE64;
    const expected = Buffer.from(assembleSha1Module()).toString('base64');
    assert.equal(actual, expected);
  });
});
