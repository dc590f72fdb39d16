/**
 * PKCS#10 certificate signing requests (RFC 2986) as `keytool -certreq` writes them: the subject in
 * keytool's reversed RDN order, and an extensionRequest attribute (PKCS#9, RFC 2985 §5.4.2) carrying the
 * SubjectKeyIdentifier and, when given, the SubjectAltName, so a CA (or `keytool -gencert`) can copy it.
 */
import { createPublicKey, verify } from 'node:crypto';
import { InvalidInputError } from '../errors';
import { TAG, asBuffer, childrenOf, encodingOf, readOid, readTlv, readWhole, valueOf } from '../asn1/der';
import { bitString, ctx, fromForgeAsn1, oid, prim, rawAsn1, seq, set, smallInteger } from '../asn1/forgeAsn1';
import { encodeName, formatDerName, parseDistinguishedName } from './distinguishedName';
import { encodeSubjectAltNames, extension, keyIdentifier, loadSigner, signData, signatureAlgorithmIdentifier, type SignatureAlgorithm } from './certBuilder';

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/** Options for createCsr. */
export interface CsrOptions {
  readonly pkcs8: Uint8Array;
  /** keytool `-dname` syntax. */
  readonly dname: string;
  /** The subject as DER, used byte for byte instead of `dname` (keytool -certreq copies the certificate's). */
  readonly subjectDer?: Uint8Array;
  /** `dns:x` / `ip:y` entries requested as SubjectAltName. */
  readonly san?: readonly string[];
  /** A SubjectAltName's GeneralNames as DER, requested byte for byte (a certificate's own), instead of `san`. */
  readonly sanDer?: Uint8Array;
  readonly signatureAlgorithm?: SignatureAlgorithm;
}

/** Creates a PKCS#10 request signed with the key; returns DER (wrap with encodePem('CERTIFICATE REQUEST', …)). */
export function createCsr(opts: CsrOptions): Uint8Array {
  const signer = loadSigner(opts.pkcs8, opts.signatureAlgorithm);
  const exts = [extension('2.5.29.14', false, prim(TAG.OCTET_STRING, keyIdentifier(signer.spki)))];
  if (opts.sanDer) exts.push(extension('2.5.29.17', false, rawAsn1(opts.sanDer)));
  else if (opts.san && opts.san.length > 0) exts.push(extension('2.5.29.17', false, encodeSubjectAltNames(opts.san)));
  const info = seq([
    smallInteger(0),
    opts.subjectDer ? rawAsn1(opts.subjectDer) : encodeName(parseDistinguishedName(opts.dname)),
    rawAsn1(signer.spki),
    // attributes [0] IMPLICIT SET OF Attribute
    ctx(0, true, [seq([oid(EXTENSION_REQUEST), set([seq(exts)])])]),
  ]);
  const infoDer = fromForgeAsn1(info);
  const signature = signData(signer, infoDer);
  return fromForgeAsn1(seq([rawAsn1(infoDer), signatureAlgorithmIdentifier(signer.algorithm), bitString(signature)]));
}

/** What a CA needs from a request: the subject (DER and as keytool prints it), the public key, requested SANs. */
export interface ParsedCsr {
  readonly subjectDer: Uint8Array;
  readonly subject: string;
  readonly spki: Uint8Array;
  /** Requested SubjectAltName entries in keytool's `-ext SAN=` syntax (`dns:x`, `ip:y`). */
  readonly san: string[];
  /** Whether the request's self-signature verifies with its own public key. */
  readonly signatureValid: boolean;
}

/** Parses a PKCS#10 request (DER) and checks its signature; throws InvalidInputError when it is not one. */
export function parseCsr(der: Uint8Array): ParsedCsr {
  try {
    const outer = readWhole(der, TAG.SEQUENCE);
    const [info, sigAlg, sig] = childrenOf(der, outer);
    const [, subject, spki, attrs] = childrenOf(der, info);
    if (!subject || !spki || spki.tag !== TAG.SEQUENCE) throw new InvalidInputError('not a request');
    const san: string[] = [];
    if (attrs && attrs.tag === 0xa0) {
      for (const attr of childrenOf(der, attrs)) {
        const [type, values] = childrenOf(der, attr);
        if (readOid(der, type) !== EXTENSION_REQUEST) continue;
        const extsSeq = childrenOf(der, values)[0];
        for (const ext of childrenOf(der, extsSeq)) {
          const parts = childrenOf(der, ext);
          if (readOid(der, parts[0]) !== '2.5.29.17') continue;
          const octets = parts[parts.length - 1];
          const names = readTlv(der, octets.vStart, octets.end);
          for (const gn of childrenOf(der, names)) {
            const v = valueOf(der, gn);
            if (gn.tag === 0x82) san.push(`dns:${asBuffer(v).toString('latin1')}`);
            else if (gn.tag === 0x87) san.push(`ip:${formatIp(v)}`);
          }
        }
      }
    }
    const spkiDer = new Uint8Array(encodingOf(der, spki));
    const hash = sigHash(readOid(der, childrenOf(der, sigAlg)[0]));
    let signatureValid = false;
    try {
      const key = createPublicKey({ key: asBuffer(spkiDer), format: 'der', type: 'spki' });
      signatureValid = verify(hash, encodingOf(der, info), key, valueOf(der, sig).subarray(1));
    } catch {
      signatureValid = false;
    }
    return { subjectDer: new Uint8Array(encodingOf(der, subject)), subject: formatDerName(der, subject), spki: spkiDer, san, signatureValid };
  } catch (cause) {
    throw new InvalidInputError('The data is not a valid certificate signing request (PKCS#10).', { cause });
  }
}

function sigHash(sigOid: string): string {
  const map: Record<string, string> = {
    '1.2.840.113549.1.1.5': 'sha1',
    '1.2.840.113549.1.1.11': 'sha256',
    '1.2.840.113549.1.1.12': 'sha384',
    '1.2.840.113549.1.1.13': 'sha512',
    '1.2.840.10045.4.3.2': 'sha256',
    '1.2.840.10045.4.3.3': 'sha384',
    '1.2.840.10045.4.3.4': 'sha512',
  };
  const h = map[sigOid];
  if (!h) throw new InvalidInputError(`Unsupported request signature algorithm (OID ${sigOid}).`);
  return h;
}

/** `ip:` values in a form parseIpAddress reads back (IPv6 uncompressed). */
function formatIp(v: Uint8Array): string {
  if (v.length === 4) return Array.from(v).join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < v.length; i += 2) groups.push(((v[i] << 8) | v[i + 1]).toString(16));
  return groups.join(':');
}
