import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidInputError, decodeCertificates, decodePrivateKey, encodePem } from '../../src/core/keystore';
import { fixturePath } from '../helpers/fixtures';

const PEM = fixturePath('pem');
const read = (name: string): Buffer => fs.readFileSync(path.join(PEM, name));
const text = (name: string): string => fs.readFileSync(path.join(PEM, name), 'latin1');
/** DER bodies of every PEM block of a fixture, in order. */
const bodies = (name: string): Buffer[] =>
  [...text(name).matchAll(/-----BEGIN [A-Z ]+-----([\s\S]*?)-----END/g)].map((m) => Buffer.from(m[1], 'base64'));
const hex = (list: Uint8Array[]): string[] => list.map((d) => Buffer.from(d).toString('hex'));

/** A one-line InvalidInputError whose message mentions none of forge's internals. */
function isCleanInputError(e: unknown): boolean {
  return e instanceof InvalidInputError && !e.message.includes('\n') && !/forge|asn1|undefined/i.test(e.message);
}

describe('pem: decodeCertificates', () => {
  it('reads one PEM certificate as its DER', () => {
    const actual = hex(decodeCertificates(text('ca.pem')));
    assert.deepEqual(actual, hex([read('ca.der')]));
  });

  it('reads PEM given as bytes as well as text', () => {
    assert.deepEqual(hex(decodeCertificates(read('ca.pem'))), hex(decodeCertificates(text('ca.pem'))));
  });

  it('reads a PEM bundle in file order', () => {
    const actual = hex(decodeCertificates(text('reply-chain.pem')));
    assert.deepEqual(actual, hex([...bodies('server-signed.pem'), ...bodies('ca.pem')]));
  });

  it('ignores text between and around the blocks of a bundle', () => {
    const input = `Bag Attributes\n  friendlyName: server\nsubject=CN=x\n${text('server-signed.pem')}\n# the CA:\n${text('ca.pem')}trailing junk\n`;
    const actual = hex(decodeCertificates(input));
    assert.deepEqual(actual, hex([...bodies('server-signed.pem'), ...bodies('ca.pem')]));
  });

  it('skips a private key block that shares the file', () => {
    const actual = decodeCertificates(text('server-key.pkcs8.pem') + text('ca.pem')).length;
    assert.equal(actual, 1);
  });

  it('reads one DER certificate', () => {
    assert.deepEqual(hex(decodeCertificates(read('ca.der'))), hex([read('ca.der')]));
  });

  // keytool reads these (its CertificateFactory stops after one element); seen as .cer files with an editor's newline.
  it('reads a DER certificate followed by a newline or zero padding, and still refuses other trailing bytes', () => {
    const actual = [Buffer.from('\n'), Buffer.from([0, 0]), Buffer.from('\r\n \t')].map((tail) => decodeCertificates(Buffer.concat([read('ca.der'), tail])).length);
    assert.deepEqual(actual, [1, 1, 1]);
    assert.throws(() => decodeCertificates(Buffer.concat([read('ca.der'), Buffer.from('garbage')])), isCleanInputError);
  });

  it('reads concatenated DER certificates', () => {
    const input = Buffer.concat([...bodies('server-signed.pem'), read('ca.der')]);
    assert.equal(decodeCertificates(input).length, 2);
  });

  it('reads PKCS#7 in PEM in the order it holds them', () => {
    const actual = hex(decodeCertificates(text('reply-chain.p7b')));
    assert.deepEqual(actual, hex(bodies('reply-chain.pem')));
  });

  it('reads PKCS#7 in DER', () => {
    const actual = hex(decodeCertificates(read('reply-chain.p7b.der')));
    assert.deepEqual(actual, hex(bodies('reply-chain.pem')));
  });

  it('reads PKCS#7 written with BER indefinite lengths', () => {
    const certs = bodies('reply-chain.pem');
    // BER: ContentInfo, [0] and SignedData with indefinite lengths (0x80 … 00 00), as streaming encoders write them
    const indefinite = (tag: number, ...parts: Buffer[]): Buffer => Buffer.concat([Buffer.of(tag, 0x80), ...parts, Buffer.of(0, 0)]);
    const signedData = indefinite(
      0x30,
      Buffer.from('020101', 'hex'), // version 1
      Buffer.from('3100', 'hex'), // digestAlgorithms: empty SET
      Buffer.from('300b06092a864886f70d010701', 'hex'), // contentInfo: data, no content
      indefinite(0xa0, ...certs), // [0] certificates
      Buffer.from('3100', 'hex'), // signerInfos: empty SET
    );
    const ber = indefinite(0x30, Buffer.from('06092a864886f70d010702', 'hex'), indefinite(0xa0, signedData));
    assert.deepEqual(hex(decodeCertificates(ber)), hex(certs));
  });

  it('rejects random bytes with a clear one-line InvalidInputError', () => {
    assert.throws(() => decodeCertificates(new Uint8Array([1, 2, 3, 4, 5, 6])), isCleanInputError);
  });

  it('rejects text without any PEM block', () => {
    assert.throws(() => decodeCertificates('hello, this is not a certificate'), isCleanInputError);
  });

  it('rejects a PEM file that holds only a key', () => {
    assert.throws(() => decodeCertificates(text('server-key.pkcs8.pem')), isCleanInputError);
  });

  it('rejects a CERTIFICATE block whose base64 is broken', () => {
    // defect: a character outside the base64 alphabet in the body
    const broken = text('ca.pem').replace('MIID', 'MI*D');
    assert.throws(() => decodeCertificates(broken), isCleanInputError);
  });

  it('rejects a CERTIFICATE block whose content is not a certificate', () => {
    // defect: the DER of a private key labelled as a certificate
    const mislabelled = encodePem('CERTIFICATE', bodies('server-key.pkcs8.pem')[0]);
    assert.throws(() => decodeCertificates(mislabelled), isCleanInputError);
  });

  it('rejects a truncated DER certificate', () => {
    // defect: the last 20 bytes are missing
    assert.throws(() => decodeCertificates(read('ca.der').subarray(0, 800)), isCleanInputError);
  });
});

describe('pem: decodePrivateKey', () => {
  const pkcs8 = bodies('server-key.pkcs8.pem')[0];
  const samePrivateKey = (a: Uint8Array, b: Uint8Array): boolean =>
    createPrivateKey({ key: Buffer.from(a), format: 'der', type: 'pkcs8' }).equals(createPrivateKey({ key: Buffer.from(b), format: 'der', type: 'pkcs8' }));

  it('reads a traditional "DSA PRIVATE KEY" PEM, as OpenSSL writes it', () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).privateKey;
    const pkcs8Pem = dsa.export({ type: 'pkcs8', format: 'pem' }) as string;
    const traditional = execFileSync('openssl', ['dsa'], { input: pkcs8Pem, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
    assert.ok(traditional.startsWith('-----BEGIN DSA PRIVATE KEY-----'), traditional.slice(0, 40));
    assert.ok(samePrivateKey(decodePrivateKey(traditional), dsa.export({ type: 'pkcs8', format: 'der' })));
  });

  it('returns a PKCS#8 PEM key byte for byte', () => {
    assert.deepEqual(Buffer.from(decodePrivateKey(text('server-key.pkcs8.pem'))), pkcs8);
  });

  it('converts a PKCS#1 PEM RSA key to the same PKCS#8', () => {
    assert.deepEqual(Buffer.from(decodePrivateKey(text('server-key.pkcs1.pem'))), pkcs8);
  });

  it('converts a SEC1 PEM EC key to PKCS#8 of the same key', () => {
    const actual = decodePrivateKey(text('ec256-key.sec1.pem'));
    assert.ok(samePrivateKey(actual, bodies('ec256-key.pkcs8.pem')[0]));
  });

  it('reads PKCS#8 DER', () => {
    assert.deepEqual(Buffer.from(decodePrivateKey(pkcs8)), pkcs8);
  });

  it('reads PKCS#1 DER', () => {
    assert.deepEqual(Buffer.from(decodePrivateKey(bodies('server-key.pkcs1.pem')[0])), pkcs8);
  });

  it('reads SEC1 DER', () => {
    assert.ok(samePrivateKey(decodePrivateKey(bodies('ec256-key.sec1.pem')[0]), bodies('ec256-key.pkcs8.pem')[0]));
  });

  it('finds the key in a PEM file that also holds certificates', () => {
    assert.deepEqual(Buffer.from(decodePrivateKey(text('ca.pem') + text('server-key.pkcs8.pem'))), pkcs8);
  });

  describe('encrypted PKCS#8', () => {
    const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const encryptedPem = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret-pw' }) as string;
    const encryptedDer = key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'secret-pw' });

    it('decrypts PEM with the password', () => {
      assert.deepEqual(Buffer.from(decodePrivateKey(encryptedPem, 'secret-pw')), pkcs8);
    });

    it('decrypts DER with the password', () => {
      assert.deepEqual(Buffer.from(decodePrivateKey(encryptedDer, 'secret-pw')), pkcs8);
    });

    it('asks for a password when none is given', () => {
      assert.throws(() => decodePrivateKey(encryptedPem), (e: unknown) => isCleanInputError(e) && /password/i.test((e as Error).message));
    });

    it('says the password is wrong, without echoing it', () => {
      assert.throws(
        () => decodePrivateKey(encryptedDer, 'not-the-pw'),
        (e: unknown) => isCleanInputError(e) && /password/i.test((e as Error).message) && !(e as Error).message.includes('not-the-pw'),
      );
    });
  });

  it('rejects a certificate given as a key', () => {
    assert.throws(() => decodePrivateKey(read('ca.der')), (e: unknown) => isCleanInputError(e) && /not a private key/.test((e as Error).message));
  });

  it('rejects a PEM file without a key', () => {
    assert.throws(() => decodePrivateKey(text('ca.pem')), isCleanInputError);
  });

  it('rejects a PRIVATE KEY block with damaged content', () => {
    // defect: the DER is cut in half
    const damaged = encodePem('PRIVATE KEY', pkcs8.subarray(0, 600));
    assert.throws(() => decodePrivateKey(damaged), isCleanInputError);
  });
});

describe('pem: encodePem', () => {
  it('round-trips a certificate through decodeCertificates', () => {
    const der = read('ca.der');
    assert.deepEqual(hex(decodeCertificates(encodePem('CERTIFICATE', der))), hex([der]));
  });

  it('writes the same base64 lines keytool -rfc writes', () => {
    const actual = encodePem('CERTIFICATE', read('ca.der'));
    assert.equal(actual, text('ca.pem').replace(/\r\n/g, '\n'));
  });

  it('wraps base64 at 64 characters', () => {
    const lines = encodePem('PRIVATE KEY', pkcs8Body()).split('\n').filter((l) => !l.startsWith('-----') && l !== '');
    assert.ok(lines.slice(0, -1).every((l) => l.length === 64));
  });
});

function pkcs8Body(): Buffer {
  return bodies('server-key.pkcs8.pem')[0];
}
