import { strict as assert } from 'node:assert';
import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import { InvalidInputError, decodeKeystore, formatDistinguishedName, parseDistinguishedName } from '../../src/core/keystore';
import {
  certificateNotAfter, certificatesMatchKey, describeCertificate, isIssuedBy, parseCertificate, sha256Fingerprint,
} from '../../src/core/keystore/x509/certificate';
import { childrenOf, readWhole, seq, tlv, type Tlv } from '../../src/core/keystore/asn1/der';
import { makeDemoStores } from '../../scripts/demoStores';
import { fixturePath, readExpectedListing } from '../helpers/fixtures';
import { certificateSections, keytoolCertificateView, parseCertificateSection, type KeytoolCertificate } from '../helpers/keytool';

/** The DER of the first PEM block of a fixture under pem/ (certificates and keys alike). */
function pemDer(name: string): Uint8Array {
  const text = fs.readFileSync(fixturePath(`pem/${name}`), 'latin1');
  const m = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END/.exec(text);
  if (!m) throw new Error(`no PEM in ${name}`);
  return new Uint8Array(Buffer.from(m[1], 'base64'));
}

/** The certificate section of a fixture's `keytool -list -v` (expected/*.list.txt) whose SHA256 line is `sha256`. */
function keytoolSection(store: string, sha256: string): KeytoolCertificate {
  const section = certificateSections(readExpectedListing(store)).get(sha256);
  if (!section) throw new Error(`no certificate ${sha256} in ${store}`);
  return parseCertificateSection(section);
}

const asKeytool = (der: Uint8Array): KeytoolCertificate => keytoolCertificateView(describeCertificate(der));

describe('x509: describeCertificate', () => {
  for (const [pem, list] of [
    ['ca.pem', 'ca.jks'],
    ['server-selfsigned.pem', 'jks-rsa.jks'],
    ['server-signed.pem', 'jks-chain.jks'],
  ] as const) {
    it(`prints ${pem} as keytool -list -v does in ${list}.list.txt`, () => {
      const der = pemDer(pem);
      const actual = asKeytool(der);
      const expected = keytoolSection(list, actual.sha256);
      assert.deepEqual(actual, expected);
    });
  }

  it('lists DNS and IP subject alternative names as DNS:x and IP:y', () => {
    const actual = describeCertificate(pemDer('server-selfsigned.pem')).subjectAltNames;
    assert.deepEqual(actual, ['DNS:localhost', 'IP:127.0.0.1']);
  });

  it('has no subject alternative names for a certificate without the extension', () => {
    assert.deepEqual(describeCertificate(pemDer('ca.pem')).subjectAltNames, []);
  });

  it('marks a self-signed certificate as self-signed', () => {
    assert.equal(describeCertificate(pemDer('ca.pem')).selfSigned, true);
  });

  it('does not mark a CA-signed certificate as self-signed', () => {
    assert.equal(describeCertificate(pemDer('server-signed.pem')).selfSigned, false);
  });

  it('rejects bytes that are not a certificate with InvalidInputError', () => {
    assert.throws(() => describeCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])), InvalidInputError);
  });

  it('rejects a truncated certificate with a one-line message', () => {
    const der = pemDer('ca.pem');
    assert.throws(
      () => describeCertificate(der.subarray(0, der.length - 10)),
      (e: unknown) => e instanceof InvalidInputError && !e.message.includes('\n') && /certificate/.test(e.message),
    );
  });
});

describe('x509: sha256Fingerprint', () => {
  it('matches the SHA256 keytool prints for the CA certificate', () => {
    const actual = sha256Fingerprint(pemDer('ca.pem'));
    const expected = keytoolSection('ca.jks', actual).sha256;
    assert.equal(actual, expected);
    assert.match(actual, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});

describe('x509: certificatesMatchKey', () => {
  const serverKey = pemDer('server-key.pkcs8.pem');

  it('is true for the CA-signed server certificate and its key', () => {
    assert.equal(certificatesMatchKey(pemDer('server-signed.pem'), serverKey), true);
  });

  it('is false for another certificate', () => {
    assert.equal(certificatesMatchKey(pemDer('ca.pem'), serverKey), false);
  });

  it('is false for an EC key against an RSA certificate', () => {
    assert.equal(certificatesMatchKey(pemDer('server-signed.pem'), pemDer('ec256-key.pkcs8.pem')), false);
  });

  it('rejects a key that is not PKCS#8 with InvalidInputError', () => {
    assert.throws(() => certificatesMatchKey(pemDer('server-signed.pem'), new Uint8Array([1, 2, 3])), InvalidInputError);
  });
});

describe('x509: isIssuedBy', () => {
  it('is true for the server certificate and the CA that signed it', () => {
    assert.equal(isIssuedBy(pemDer('server-signed.pem'), pemDer('ca.pem')), true);
  });

  it('is true for a self-signed certificate and itself', () => {
    assert.equal(isIssuedBy(pemDer('ca.pem'), pemDer('ca.pem')), true);
  });

  it('is false the other way round', () => {
    assert.equal(isIssuedBy(pemDer('ca.pem'), pemDer('server-signed.pem')), false);
  });

  it('is false when the issuer name matches but the signature does not verify', () => {
    const cert = Buffer.from(pemDer('server-signed.pem'));
    cert[cert.length - 5] ^= 0xff; // defect: one flipped byte in the signature value
    assert.equal(isIssuedBy(cert, pemDer('ca.pem')), false);
  });
});

describe('x509: parseCertificate', () => {
  it('reads the SubjectKeyIdentifier extension keytool wrote', () => {
    const der = pemDer('ca.pem');
    const actual = parseCertificate(der).extensions.has('2.5.29.14');
    assert.equal(actual, true);
  });

  it('reads validity as dates', () => {
    const actual = parseCertificate(pemDer('ca.pem')).notAfter.getTime() > parseCertificate(pemDer('ca.pem')).notBefore.getTime();
    assert.equal(actual, true);
  });

  it('accepts a key file only as a key (a private key is not a certificate)', () => {
    assert.ok(createPrivateKey({ key: Buffer.from(pemDer('server-key.pkcs8.pem')), format: 'der', type: 'pkcs8' }));
    assert.throws(() => parseCertificate(pemDer('server-key.pkcs8.pem')), InvalidInputError);
  });
});

/**
 * `der` rebuilt as a version 1 certificate (no version, no extensions) whose notAfter is the GeneralizedTime
 * `time`; the signature is left as it was (neither reader checks it).
 */
function v1WithNotAfter(der: Uint8Array, time: string): Uint8Array {
  const bytes = (t: Tlv): Uint8Array => der.subarray(t.start, t.end);
  const [tbs, sigAlg, signature] = childrenOf(der, readWhole(der));
  const fields = childrenOf(der, tbs);
  const [serial, alg, issuer, validity, subject, spki] = fields.slice(fields[0].tag === 0xa0 ? 1 : 0);
  const notBefore = childrenOf(der, validity)[0];
  const v1Tbs = seq(bytes(serial), bytes(alg), bytes(issuer), seq(bytes(notBefore), tlv(0x18, Buffer.from(time, 'latin1'))), bytes(subject), bytes(spki));
  return new Uint8Array(seq(v1Tbs, bytes(sigAlg), bytes(signature)));
}

describe('x509: certificateNotAfter', () => {
  it('reads the notAfter parseCertificate reads, for every certificate of a truststore of public root CAs', async () => {
    const { truststore, rootCount } = await makeDemoStores();
    const store = await decodeKeystore(truststore, 'wso2carbon');
    const certs = store.entries.flatMap((e) => (e.kind === 'trusted-cert' ? [e.certificate] : e.kind === 'private-key' ? e.chain : []));
    assert.equal(certs.length, rootCount + 1);
    const actual = certs.map((c) => certificateNotAfter(c).toISOString());
    assert.deepEqual(actual, certs.map((c) => parseCertificate(c).notAfter.toISOString()));
  });

  it('reads a v1 certificate (no version field) whose notAfter is a GeneralizedTime past 2049', () => {
    const der = v1WithNotAfter(pemDer('ca.pem'), '20600229120000Z');
    const firstTbsField = childrenOf(der, childrenOf(der, readWhole(der))[0])[0];
    assert.equal(firstTbsField.tag, 0x02); // the serial number: no [0] version
    assert.equal(certificateNotAfter(der).toISOString(), '2060-02-29T12:00:00.000Z');
    assert.equal(parseCertificate(der).notAfter.toISOString(), '2060-02-29T12:00:00.000Z');
  });

  it('refuses what is not a certificate with InvalidInputError', () => {
    assert.throws(() => certificateNotAfter(pemDer('server-key.pkcs8.pem')), InvalidInputError);
    assert.throws(() => certificateNotAfter(pemDer('ca.pem').subarray(0, 60)), InvalidInputError);
  });
});

describe('dname: parseDistinguishedName', () => {
  it('reads keytool -dname syntax in written order', () => {
    const actual = parseDistinguishedName('CN=localhost, OU=WSO2, O=WSO2, L=Mountain View, ST=CA, C=US').map((r) => r[0]);
    assert.deepEqual(actual, [
      { oid: '2.5.4.3', value: 'localhost' },
      { oid: '2.5.4.11', value: 'WSO2' },
      { oid: '2.5.4.10', value: 'WSO2' },
      { oid: '2.5.4.7', value: 'Mountain View' },
      { oid: '2.5.4.8', value: 'CA' },
      { oid: '2.5.4.6', value: 'US' },
    ]);
  });

  it('unescapes a backslash-escaped comma', () => {
    assert.equal(parseDistinguishedName('CN=Doe\\, John,O=x')[0][0].value, 'Doe, John');
  });

  it('keeps separators inside double quotes', () => {
    assert.equal(parseDistinguishedName('O="a, b + c", C=US')[0][0].value, 'a, b + c');
  });

  it('reads hex-pair escapes as UTF-8 bytes', () => {
    assert.equal(parseDistinguishedName('CN=Caf\\C3\\A9')[0][0].value, 'Café');
  });

  it('reads a multi-valued RDN written with +', () => {
    const actual = parseDistinguishedName('CN=a+UID=b, C=US')[0].map((a) => a.oid);
    assert.deepEqual(actual, ['2.5.4.3', '0.9.2342.19200300.100.1.1']);
  });

  it('accepts keywords in any case, S for ST and OID.x forms', () => {
    const actual = parseDistinguishedName('cn=a, s=b, OID.2.5.4.17=12345, 2.5.4.5=7').map((r) => r[0].oid);
    assert.deepEqual(actual, ['2.5.4.3', '2.5.4.8', '2.5.4.17', '2.5.4.5']);
  });

  it('drops spaces around values but keeps inner ones', () => {
    assert.equal(parseDistinguishedName('L =  Mountain View  , C=US')[0][0].value, 'Mountain View');
  });

  it('accepts = and # inside an unescaped value, as keytool does', () => {
    assert.deepEqual(parseDistinguishedName('CN=a=b#c')[0][0].value, 'a=b#c');
  });

  it('keeps escaped leading and trailing spaces', () => {
    assert.deepEqual(parseDistinguishedName('CN=\\ a\\ ')[0][0].value, ' a ');
  });

  for (const bad of ['', 'localhost', 'XX=a', 'CN=a,', 'CN="a', 'CN=a\\', 'CN=a<b', 'CN=a"b', 'CN=a\\qb']) {
    it(`rejects ${JSON.stringify(bad)} with InvalidInputError`, () => {
      assert.throws(() => parseDistinguishedName(bad), InvalidInputError);
    });
  }
});

describe('dname: formatDistinguishedName', () => {
  it('prints RDNs joined by ", " as keytool does', () => {
    const actual = formatDistinguishedName(parseDistinguishedName('CN=localhost,OU=WSO2,O=WSO2,L=Mountain View,ST=CA,C=US'));
    assert.equal(actual, 'CN=localhost, OU=WSO2, O=WSO2, L=Mountain View, ST=CA, C=US');
  });

  it('quotes a value holding a comma', () => {
    assert.equal(formatDistinguishedName(parseDistinguishedName('CN=Doe\\, John')), 'CN="Doe, John"');
  });

  it('escapes a double quote and a backslash inside a quoted value', () => {
    assert.equal(formatDistinguishedName([[{ oid: '2.5.4.3', value: 'a"b\\c' }]]), 'CN="a\\"b\\\\c"');
  });

  it('quotes a value with two spaces in a row', () => {
    assert.equal(formatDistinguishedName([[{ oid: '2.5.4.7', value: 'a  b' }]]), 'L="a  b"');
  });

  it('prints EMAILADDRESS and unknown OIDs as keytool names them', () => {
    const actual = formatDistinguishedName([[{ oid: '1.2.840.113549.1.9.1', value: 'a@b.c' }], [{ oid: '2.5.4.17', value: '123' }]]);
    assert.equal(actual, 'EMAILADDRESS=a@b.c, OID.2.5.4.17=123');
  });

  it('joins a multi-valued RDN with " + "', () => {
    assert.equal(formatDistinguishedName(parseDistinguishedName('CN=a+OU=b')), 'CN=a + OU=b');
  });
});
