/**
 * The certificate extensions a person reads when deciding what a certificate may do (RFC 5280 §4.2.1.3
 * key usage, §4.2.1.9 basic constraints, §4.2.1.12 extended key usage), named as keytool `-v` names
 * them, and the common name of a certificate's subject and issuer. A malformed extension reads as absent:
 * it must never hide the rest of the certificate.
 */
import { TAG, childrenOf, readOid, readTlv, valueOf, type Tlv } from '../asn1/der';
import { decodeName } from './distinguishedName';
import type { ParsedCertificate } from './certificate';

/** The usage extensions of one certificate. */
export interface CertificateUsage {
  /** Key usage bits by keytool's names (`DigitalSignature`, `Key_CertSign`…); empty when the extension is absent. */
  readonly keyUsage: readonly string[];
  /** Extended key usages by name (`serverAuth`) or OID when unknown; empty when absent. */
  readonly extendedKeyUsage: readonly string[];
  /** null when the extension is absent. */
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength: number | null } | null;
}

/** KeyUsage bits in order (`sun.security.x509.KeyUsageExtension.toString`). */
const KEY_USAGE_BITS = [
  'DigitalSignature',
  'Non_repudiation',
  'Key_Encipherment',
  'Data_Encipherment',
  'Key_Agreement',
  'Key_CertSign',
  'Crl_Sign',
  'Encipher_Only',
  'Decipher_Only',
];

/** Extended key usage OIDs by the names `sun.security.x509.ExtendedKeyUsageExtension` prints. */
const EKU_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.5': 'ipsecEndSystem',
  '1.3.6.1.5.5.7.3.6': 'ipsecTunnel',
  '1.3.6.1.5.5.7.3.7': 'ipsecUser',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

/** The contents of an extension's OCTET STRING as one TLV. */
function inner(der: Uint8Array, value: Tlv): Tlv {
  return readTlv(der, value.vStart, value.end);
}

function keyUsage(cert: ParsedCertificate): string[] {
  const ext = cert.extensions.get('2.5.29.15');
  if (!ext) return [];
  try {
    const bits = inner(cert.der, ext.value);
    if (bits.tag !== TAG.BIT_STRING) return [];
    const v = valueOf(cert.der, bits);
    // v[0] is the count of unused bits; the named bits follow, most significant first.
    const out: string[] = [];
    for (let i = 0; i < KEY_USAGE_BITS.length; i++) {
      const byte = v[1 + (i >> 3)];
      if (byte !== undefined && byte & (0x80 >> (i & 7))) out.push(KEY_USAGE_BITS[i]);
    }
    return out;
  } catch {
    return [];
  }
}

function extendedKeyUsage(cert: ParsedCertificate): string[] {
  const ext = cert.extensions.get('2.5.29.37');
  if (!ext) return [];
  try {
    return childrenOf(cert.der, inner(cert.der, ext.value)).map((o) => {
      const oid = readOid(cert.der, o);
      return EKU_NAMES[oid] ?? oid;
    });
  } catch {
    return [];
  }
}

function basicConstraints(cert: ParsedCertificate): CertificateUsage['basicConstraints'] {
  const ext = cert.extensions.get('2.5.29.19');
  if (!ext) return null;
  try {
    const parts = childrenOf(cert.der, inner(cert.der, ext.value));
    let ca = false;
    let pathLength: number | null = null;
    for (const p of parts) {
      const v = valueOf(cert.der, p);
      if (p.tag === TAG.BOOLEAN) ca = v[0] !== 0;
      // A path length beyond 2^31 is nonsense; reading four bytes bounds the work on hostile input.
      else if (p.tag === TAG.INTEGER && v.length <= 4) pathLength = v.reduce((n, b) => n * 256 + b, 0);
    }
    return { ca, pathLength };
  } catch {
    return null;
  }
}

/** Key usage, extended key usage and basic constraints of a parsed certificate. */
export function certificateUsage(cert: ParsedCertificate): CertificateUsage {
  return { keyUsage: keyUsage(cert), extendedKeyUsage: extendedKeyUsage(cert), basicConstraints: basicConstraints(cert) };
}

/**
 * The most specific common name of a DER name (the last CN, as `X500Name.getCommonName` picks it), else
 * the last organisation unit or organisation, else ''. Tables show this instead of the whole DN.
 */
export function commonNameOf(der: Uint8Array, name: Tlv): string {
  try {
    const rdns = decodeName(der, name);
    const pick = (oid: string): string | undefined => {
      for (let i = rdns.length - 1; i >= 0; i--) {
        const hit = rdns[i].find((a) => a.oid === oid && a.hex === undefined);
        if (hit) return hit.value;
      }
      return undefined;
    };
    return pick('2.5.4.3') ?? pick('2.5.4.11') ?? pick('2.5.4.10') ?? '';
  } catch {
    return '';
  }
}
