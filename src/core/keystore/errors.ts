/**
 * One error family for everything the keystore engine refuses. Each subclass carries its data in
 * fields and builds its one-sentence message in the constructor, so adapters can show `message` as is.
 * No message ever contains a password or key material.
 */

/** Base of every error the keystore engine throws on purpose. */
export class KeystoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The store password does not open the store (integrity digest or MAC mismatch, or decryption failed). */
export class WrongPasswordError extends KeystoreError {
  constructor(options?: { cause?: unknown }) {
    super('The keystore password is incorrect (the integrity check failed).', options);
  }
}

/** The key password does not recover the private key of `alias`. */
export class WrongKeyPasswordError extends KeystoreError {
  constructor(readonly alias: string, options?: { cause?: unknown }) {
    super(`The key password for alias "${alias}" is incorrect: the key cannot be recovered.`, options);
  }
}

/** The bytes are not a well-formed keystore of the detected format; `offset` points at the fault when known. */
export class MalformedKeystoreError extends KeystoreError {
  constructor(readonly reason: string, readonly offset?: number, options?: { cause?: unknown }) {
    super(`The keystore is damaged: ${reason}${offset === undefined ? '' : ` (at byte ${offset})`}.`, options);
  }
}

/** The bytes are not JKS, JCEKS nor PKCS12 at all. */
export class UnknownFormatError extends KeystoreError {
  constructor() {
    super('The file is not a keystore (neither JKS, JCEKS nor PKCS12).');
  }
}

/** An algorithm the engine does not implement, named by its OID. */
export class UnsupportedAlgorithmError extends KeystoreError {
  constructor(readonly oid: string, readonly what = 'algorithm') {
    super(`Unsupported ${what} (OID ${oid}).`);
  }
}

/** No entry with this alias. */
export class AliasNotFoundError extends KeystoreError {
  constructor(readonly alias: string) {
    super(`No entry with alias "${alias}" in the keystore.`);
  }
}

/** An entry with this alias exists already (aliases are unique case-insensitively). */
export class AliasExistsError extends KeystoreError {
  constructor(readonly alias: string) {
    super(`An entry with alias "${alias}" already exists; choose another alias or delete it first.`);
  }
}

/** The entry exists but is not of the kind the operation needs. */
export class WrongEntryKindError extends KeystoreError {
  constructor(readonly alias: string, readonly expected: string, readonly actual: string) {
    super(`Alias "${alias}" is a ${actual} entry, not a ${expected} entry.`);
  }
}

/** Input that should hold certificates, keys or a request could not be parsed. */
export class InvalidInputError extends KeystoreError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
  }
}

/** A CA reply whose public key does not match the private key it is imported into. */
export class KeyMismatchError extends KeystoreError {
  constructor(readonly alias: string) {
    super(`The certificate reply does not match the private key of alias "${alias}".`);
  }
}

/** A CA reply whose chain cannot be completed up to a trusted or self-signed root. */
export class IncompleteChainError extends KeystoreError {
  constructor(readonly subject: string) {
    super(`Cannot complete the certificate chain: no issuer found for "${subject}".`);
  }
}

/** A password keytool would refuse (shorter than 6 characters, or non-ASCII for PKCS12). */
export class InvalidPasswordError extends KeystoreError {
  constructor(reason: string) {
    super(reason);
  }
}

/** The file changed on disk since it was read; writing now would lose someone else's change. */
export class FileChangedError extends KeystoreError {
  constructor(readonly file: string) {
    super(`${file} changed on disk since it was read; nothing was written. Reload and try again.`);
  }
}

/** A file too large to be what it claims to be. */
export class FileTooLargeError extends KeystoreError {
  constructor(readonly file: string, readonly limitBytes: number, readonly what = 'a keystore') {
    super(`${file} is larger than ${Math.round(limitBytes / 1048576)} MB; it is not ${what}.`);
  }
}

/** A store that asks for more key-derivation work than any real keystore needs; refused before the work starts. */
export class ExcessiveWorkError extends MalformedKeystoreError {
  constructor(
    readonly iterations: number,
    readonly budget: number,
  ) {
    super(`its MAC and encrypted parts ask for ${iterations} key-derivation iterations in all, more than the ${budget} allowed for one file`);
    this.message = `The keystore is refused: its MAC and encrypted parts ask for ${iterations.toLocaleString('en-US')} key-derivation iterations in all, more than the ${budget.toLocaleString('en-US')} allowed for one file (keytool allows 5,000,000 for each part).`;
  }
}

/** Something JDK 17 refuses to load or open, so no Java program (MI included) could use it either. */
export class JavaRefusesError extends KeystoreError {
  constructor(readonly reason: string) {
    super(`Java cannot read this keystore: ${reason}.`);
  }
}
