/**
 * The keystore model shared by every codec: plain data, no I/O, no VS Code.
 * Certificates and keys are DER bytes; dates are `Date`; nothing here holds a password
 * except an `OpenKey` that is about to be sealed by an encoder.
 */

/** The three container formats the JDK's keytool reads and writes. */
export type KeystoreFormat = 'JKS' | 'JCEKS' | 'PKCS12';

/** Whether the store password was proven by an integrity check (JKS digest, PKCS12 MAC). */
export type Integrity = 'verified' | 'unverifiable';

/**
 * A private key exactly as a store holds it, still encrypted.
 * `der` is the EncryptedPrivateKeyInfo (RFC 5208) of that format's key protector; only the codec of
 * `format` can open it (see `openKey` in ./keystoreCodec). An encoder of the same format writes it back verbatim.
 */
export interface SealedKey {
  readonly sealed: 'sealed';
  readonly format: KeystoreFormat;
  readonly der: Uint8Array;
}

/** A private key in the clear (PKCS#8 PrivateKeyInfo DER), sealed with `password` when the store is encoded. */
export interface OpenKey {
  readonly sealed: 'open';
  readonly pkcs8: Uint8Array;
  /** The key password. PKCS12 encoders ignore it and use the store password, as keytool does. */
  readonly password: string;
}

/** A private key with its certificate chain (leaf first). */
export interface PrivateKeyEntry {
  readonly kind: 'private-key';
  readonly alias: string;
  /** Creation date as the store records it; null when the store has none. */
  readonly created: Date | null;
  readonly chain: readonly Uint8Array[];
  readonly key: SealedKey | OpenKey;
}

/** A certificate the store trusts. */
export interface TrustedCertEntry {
  readonly kind: 'trusted-cert';
  readonly alias: string;
  readonly created: Date | null;
  readonly certificate: Uint8Array;
}

/**
 * A secret key exactly as a store holds it, still sealed. JCEKS: `der` is the Java-serialized
 * SealedObjectForKeyProtector as it stands in the file (not DER); PKCS12: the EncryptedPrivateKeyInfo of a
 * secretBag, sealed with the store password. Only the codec of `format` opens it (see `openSecretKey`).
 */
export interface SealedSecret {
  readonly sealed: 'sealed';
  readonly format: 'JCEKS' | 'PKCS12';
  readonly der: Uint8Array;
}

/** A secret key in the clear (the JDK's algorithm name and the raw key), sealed with `password` when encoded. */
export interface OpenSecret {
  readonly sealed: 'open';
  readonly algorithm: string;
  readonly key: Uint8Array;
  /** The key password. PKCS12 encoders ignore it and use the store password, as keytool does. */
  readonly password: string;
}

/** A secret key (keytool's SecretKeyEntry): JCEKS and PKCS12 hold them, JKS cannot. */
export interface SecretKeyEntry {
  readonly kind: 'secret-key';
  readonly alias: string;
  readonly created: Date | null;
  readonly secret: SealedSecret | OpenSecret;
}

/** One entry of a store. */
export type Entry = PrivateKeyEntry | TrustedCertEntry | SecretKeyEntry;

/** The certificates an entry holds, leaf first: a key entry's chain, the trusted certificate, none for a secret key. */
export function certificatesOf(e: Entry): readonly Uint8Array[] {
  return e.kind === 'private-key' ? e.chain : e.kind === 'trusted-cert' ? [e.certificate] : [];
}

/** A decoded keystore. Entries keep the order of the file. */
export interface Keystore {
  readonly format: KeystoreFormat;
  readonly integrity: Integrity;
  readonly entries: readonly Entry[];
}

/** Sources of nondeterminism for encoders, injectable so tests can check exact bytes. */
export interface EncodeOptions {
  readonly randomBytes?: (n: number) => Uint8Array;
  readonly now?: () => Date;
  /** PKCS12 only: write the legacy layout (3DES keys, RC2-40 certs, SHA-1 MAC) that Java 8 reads. */
  readonly legacy?: boolean;
}

/** Certificate details as `mi-keystores list --json` prints them (fingerprints as keytool prints them). */
export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  /** Lowercase hex without leading zeros, as keytool prints it. */
  readonly serialNumber: string;
  /** ISO-8601 (UTC). */
  readonly notBefore: string;
  /** ISO-8601 (UTC). */
  readonly notAfter: string;
  /** Uppercase hex, colon-separated. */
  readonly sha256: string;
  readonly sha1: string;
  /** `RSA`, `EC`, `DSA`, `Ed25519`, ...; for EC the size tells the curve (256 = P-256). */
  readonly publicKeyAlgorithm: string;
  readonly publicKeySize: number | null;
  readonly signatureAlgorithm: string;
  /** `DNS:x`, `IP:y`, `URI:z`, `email:w` as keytool prints them. */
  readonly subjectAltNames: readonly string[];
  readonly selfSigned: boolean;
}
