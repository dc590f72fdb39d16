/**
 * The keystore engine's front door, and the only one: code outside this folder imports from here, never from
 * a file inside it (a lint rule holds that), so the folder's layout can change without touching its users.
 *
 * Inside: ./jks (JKS and JCEKS), ./pkcs12, ./x509 (certificates, names, requests, PEM) and ./asn1 (the one
 * DER reader and writer, the one OID codec); ./keystoreCodec dispatches on the detected format.
 */
export * from './model';
export * from './errors';
export { detectFormat } from './detectFormat';
export { decodeKeystore, describeSecretKey, encodeKeystore, findEntry, MI_STORE_TYPES, keyOpeningWork, openKey, openSecretKey } from './keystoreCodec';
export { javaAcceptsPkcs12Password } from './pkcs12/pkcs12Keystore';
export type { SecretKeyMaterial } from './secretKeyInfo';
export * from './operations';
export { generateKeyPair, RSA_KEY_SIZES, type KeyAlgorithm, type KeyGenOptions, type NamedCurve } from './keygen';
export {
  certificateNotAfter,
  certificatesMatchKey,
  describeCertificate,
  formatJavaDate,
  isIssuedBy,
  parseCertificate,
  sha1Fingerprint,
  sha256Fingerprint,
  type ParsedCertificate,
} from './x509/certificate';
export { decodeCertificates, decodePrivateKey, encodePem } from './x509/pem';
export { weakAlgorithmWarnings } from './x509/weakAlgorithms';
export { formatDerName, formatDistinguishedName, namesMatch, parseDistinguishedName, type Rdn } from './x509/distinguishedName';
export { certificateUsage, commonNameOf, type CertificateUsage } from './x509/extensions';
export { createSelfSignedCertificate, type SelfSignedOptions, type SignatureAlgorithm } from './x509/certBuilder';
export { createCsr, parseCsr, type CsrOptions, type ParsedCsr } from './x509/csr';
/** The DER element reader, for callers that hand a whole DER name to formatDerName or namesMatch. */
export { readWhole } from './asn1/der';
