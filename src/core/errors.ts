/**
 * One error family for everything the engine refuses: keystores, the files they live in, the secure
 * vault and artifact archives. Each class carries its data in fields (file, alias, reason, ...), a stable
 * `kind` an adapter can switch on or pass across a thread, and builds its one-sentence message in the
 * constructor, so adapters can show `message` as is. No message ever contains a password, key material or
 * a secret's value. This module imports nothing, so an adapter can load it without loading the engine.
 */

/** Base of every error the engine throws on purpose. */
export class KeystoreError extends Error {
  /** A stable kebab-case name of the failure, the same in every adapter. */
  readonly kind: string = 'engine';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

// ---- What a keystore's bytes or passwords say -------------------------------------------------------

/** The store password does not open the store (integrity digest or MAC mismatch, or decryption failed). */
export class WrongPasswordError extends KeystoreError {
  override readonly kind = 'wrong-password';

  constructor(options?: { cause?: unknown }) {
    super('The keystore password is incorrect (the integrity check failed).', options);
  }
}

/** The key password does not recover the private key of `alias`. */
export class WrongKeyPasswordError extends KeystoreError {
  override readonly kind = 'wrong-key-password';

  constructor(readonly alias: string, options?: { cause?: unknown }) {
    super(`The key password for alias "${alias}" is incorrect: the key cannot be recovered.`, options);
  }
}

/** The bytes are not a well-formed keystore of the detected format; `offset` points at the fault when known. */
export class MalformedKeystoreError extends KeystoreError {
  override readonly kind: string = 'malformed';

  constructor(readonly reason: string, readonly offset?: number, options?: { cause?: unknown }) {
    super(`The keystore is damaged: ${reason}${offset === undefined ? '' : ` (at byte ${offset})`}.`, options);
  }
}

/** A store that asks for more key-derivation work than any real keystore needs; refused before the work starts. */
export class ExcessiveWorkError extends MalformedKeystoreError {
  override readonly kind = 'excessive-work';

  constructor(
    readonly iterations: number,
    readonly budget: number,
  ) {
    super(`its MAC and encrypted parts ask for ${iterations} key-derivation iterations in all, more than the ${budget} allowed for one file`);
    this.message = `The keystore is refused: its MAC and encrypted parts ask for ${iterations.toLocaleString('en-US')} key-derivation iterations in all, more than the ${budget.toLocaleString('en-US')} allowed for one file (keytool allows 5,000,000 for each part).`;
  }
}

/** The bytes are not JKS, JCEKS nor PKCS12 at all. */
export class UnknownFormatError extends KeystoreError {
  override readonly kind = 'unknown-format';

  constructor() {
    super('The file is not a keystore (neither JKS, JCEKS nor PKCS12).');
  }
}

/** An algorithm the engine does not implement, named by its OID. */
export class UnsupportedAlgorithmError extends KeystoreError {
  override readonly kind = 'unsupported-algorithm';

  constructor(readonly oid: string, readonly what = 'algorithm') {
    super(`Unsupported ${what} (OID ${oid}).`);
  }
}

/** Something JDK 17 refuses to load or open, so no Java program (MI included) could use it either. */
export class JavaRefusesError extends KeystoreError {
  override readonly kind = 'java-refuses';

  constructor(readonly reason: string) {
    super(`Java cannot read this keystore: ${reason}.`);
  }
}

// ---- What an operation on a store refuses -----------------------------------------------------------

/** No entry with this alias. */
export class AliasNotFoundError extends KeystoreError {
  override readonly kind = 'alias-not-found';

  constructor(readonly alias: string) {
    super(`No entry with alias "${alias}" in the keystore.`);
  }
}

/** An entry with this alias exists already (aliases are unique case-insensitively). */
export class AliasExistsError extends KeystoreError {
  override readonly kind = 'alias-exists';

  constructor(readonly alias: string) {
    super(`An entry with alias "${alias}" already exists; choose another alias or delete it first.`);
  }
}

/** The entry exists but is not of the kind the operation needs. */
export class WrongEntryKindError extends KeystoreError {
  override readonly kind = 'wrong-entry-kind';

  constructor(readonly alias: string, readonly expected: string, readonly actual: string) {
    super(`Alias "${alias}" is a ${actual} entry, not a ${expected} entry.`);
  }
}

/** Input that should hold certificates, keys or a request could not be parsed. */
export class InvalidInputError extends KeystoreError {
  override readonly kind = 'invalid-input';

  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
  }
}

/** A CA reply whose public key does not match the private key it is imported into. */
export class KeyMismatchError extends KeystoreError {
  override readonly kind = 'key-mismatch';

  constructor(readonly alias: string) {
    super(`The certificate reply does not match the private key of alias "${alias}".`);
  }
}

/** A CA reply whose chain cannot be completed up to a trusted or self-signed root. */
export class IncompleteChainError extends KeystoreError {
  override readonly kind = 'incomplete-chain';

  constructor(readonly subject: string) {
    super(`Cannot complete the certificate chain: no issuer found for "${subject}".`);
  }
}

/** A password keytool would refuse (shorter than 6 characters, or non-ASCII for PKCS12). */
export class InvalidPasswordError extends KeystoreError {
  override readonly kind = 'invalid-password';

  constructor(reason: string) {
    super(reason);
  }
}

/** An operation the target format cannot express (a PKCS12 key password, a JCEKS secret key in JKS). */
export class UnsupportedOperationError extends KeystoreError {
  override readonly kind: string = 'unsupported-operation';

  constructor(reason: string) {
    super(reason);
  }
}

/** Entries the target format cannot hold, every one named: thrown by convert unless asked to skip them. */
export class UnsupportedEntriesError extends UnsupportedOperationError {
  override readonly kind = 'unsupported-entries';

  constructor(
    /** The keystore format converted to (JKS, JCEKS, PKCS12). */
    readonly targetFormat: 'JKS' | 'JCEKS' | 'PKCS12',
    /** Every entry it cannot hold, with the reason (operations' SkippedEntry). */
    readonly entries: readonly { readonly alias: string; readonly reason: string }[],
  ) {
    super(
      `A ${targetFormat} keystore cannot hold ${entries.map((e) => `alias "${e.alias}" (${e.reason})`).join('; ')}; ` +
        "nothing was converted. Convert to another format, or convert the rest without them (the CLI's --skip-unsupported).",
    );
  }
}

// ---- Files on disk ----------------------------------------------------------------------------------

/** A file that cannot be read or written for a reason of the file system (missing, not a file, no permission). */
export class FileAccessError extends KeystoreError {
  override readonly kind = 'file-access';

  constructor(
    readonly file: string,
    /** The Node fs error code (`ENOENT`, `EACCES`, ...), or `ENOTFILE` for something that is not a regular file. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${describeFsCode(code)}.`, options);
  }
}

/** A short phrase for the Node fs error codes a person can act on. */
function describeFsCode(code: string): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
    case 'ENOTFILE':
      return 'not a regular file';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return `file system error ${code}`;
  }
}

/** The file changed on disk since it was read; writing now would lose someone else's change. */
export class FileChangedError extends KeystoreError {
  override readonly kind = 'file-changed';

  constructor(readonly file: string) {
    super(`${file} changed on disk since it was read; nothing was written. Reload and try again.`);
  }
}

/** A file too large to be what it claims to be. */
export class FileTooLargeError extends KeystoreError {
  override readonly kind = 'file-too-large';

  constructor(readonly file: string, readonly limitBytes: number, readonly what = 'a keystore') {
    super(`${file} is larger than ${Math.round(limitBytes / 1048576)} MB; it is not ${what}.`);
  }
}

/** Another process holds the lock of a keystore for longer than a writer waits. */
export class FileLockedError extends KeystoreError {
  override readonly kind = 'file-locked';

  constructor(readonly file: string) {
    super(`${file} is being written by another process; nothing was written. Try again.`);
  }
}

/** A lock path taken by something that is not a lock file (a folder, a link): no writer could ever take it. */
export class LockPathError extends KeystoreError {
  override readonly kind = 'lock-path';

  constructor(
    readonly lock: string,
    readonly file: string,
  ) {
    super(`${lock} is not a regular file, so ${file} cannot be locked for writing; nothing was written. Remove it and try again.`);
  }
}

/** The file written would not read back as intended; it was not put in place. */
export class WriteVerificationError extends KeystoreError {
  override readonly kind = 'write-verification';

  constructor(readonly problem: string) {
    super(`Nothing was replaced: the keystore written would not read back as intended (${problem}).`);
  }
}

// ---- The secure vault ([secrets] and the internal keystore) -----------------------------------------

/** A key the secure vault cannot use because it is not RSA (the cipher tool encrypts with RSA only). */
export class NotRsaKeyError extends KeystoreError {
  override readonly kind = 'not-rsa-key';

  constructor(
    /** The key's type as Node names it (`ec`, `ed25519`, ...), or undefined when unknown. */
    readonly keyType: string | undefined,
    /** The alias of the key, when the key came from a keystore entry. */
    readonly alias?: string,
  ) {
    const type = keyType?.toUpperCase() ?? 'not RSA';
    super(
      alias === undefined
        ? `The internal key is ${type}; MI's cipher tool needs an RSA key.`
        : `The key "${alias}" is ${type}; MI's secure vault needs an RSA key.`,
    );
  }
}

/** A cipher transformation MI's cipher tool does not know, so MI could not decrypt what it made. */
export class UnsupportedTransformationError extends KeystoreError {
  override readonly kind = 'unsupported-transformation';

  constructor(readonly transformation: string) {
    super(`Unsupported cipher transformation "${transformation}"; use RSA or RSA/ECB/OAEPwithSHA1andMGF1Padding.`);
  }
}

/** A new internal key whose certificate is not its own: what the certificate encrypts, the key does not decrypt. */
export class CertificateKeyMismatchError extends KeystoreError {
  override readonly kind = 'certificate-key-mismatch';

  constructor(readonly alias: string) {
    super('The new key does not decrypt what its certificate encrypted; the certificate does not belong to the key.');
  }
}

/** The value asked to move into `[secrets]` is not a plain-text password (absent, not a string, or a reference). */
export class NotPlainPasswordError extends KeystoreError {
  override readonly kind = 'not-plain-password';

  constructor(
    /** The dotted key of the value, when there is one. */
    readonly key: string | undefined,
    /** `reference` when the value is already `$secret{}`/`$env{}`/`$sys{}`. */
    readonly reason: 'missing' | 'reference',
  ) {
    super(
      reason === 'reference'
        ? `The value of ${key} is already a reference, not a plain-text password.`
        : 'There is no plain-text string value to move into [secrets].',
    );
  }
}

/** An edit that would leave deployment.toml invalid TOML; it was not written. */
export class InvalidTomlEditError extends KeystoreError {
  override readonly kind = 'invalid-toml-edit';

  constructor(readonly file: string) {
    // The base name: the person knows which workspace they are editing.
    super(`The change would make ${file.split(/[\\/]/).pop()} invalid TOML; nothing was written.`);
  }
}

/** The current internal key cannot be read, so the secrets cannot be carried over; nothing is planned. */
export class InternalKeyUnavailableError extends KeystoreError {
  override readonly kind = 'internal-key-unavailable';

  constructor(
    readonly reason: string,
    /** True when giving the current store password would help. */
    readonly needsPassword = false,
  ) {
    super(`Cannot read the current internal key to decrypt the secrets: ${reason}; nothing was changed.`);
  }
}

/** Why a rotation was refused: the aliases the old key cannot decrypt, or whose ciphertext only exists at deploy time. */
export class RotationRefusedError extends KeystoreError {
  override readonly kind = 'rotation-refused';

  constructor(
    readonly aliases: readonly string[],
    /** True when the ciphertexts are `$env{}`/`$sys{}` references, made outside this file. */
    readonly deployTime = false,
  ) {
    const one = aliases.length === 1;
    const names = `${one ? 'secret' : 'secrets'} ${aliases.map((a) => `"${a}"`).join(', ')}`;
    super(
      deployTime
        ? `Cannot rotate: ${names} ${one ? 'is' : 'are'} supplied at deploy time ($env{}/$sys{}), so ${one ? 'it' : 'they'} must be re-encrypted for the new key where ${one ? 'it is' : 'they are'} made; nothing was changed.`
        : `Cannot rotate: ${names} cannot be decrypted with the current internal key; nothing was changed.`,
    );
  }
}

/** The key is sealed with a password other than the store password, which MI cannot use for its internal key. */
export class KeyPasswordDiffersError extends KeystoreError {
  override readonly kind = 'key-password-differs';

  constructor(readonly alias: string) {
    super(`The key "${alias}" does not open with the store password; MI reads its internal key with the store password, so set the key password to it first (mi-keystores keypasswd).`);
  }
}

// ---- Archives (.car, .zip) --------------------------------------------------------------------------

/** Why an archive could not be read; the message is the reason alone, for callers to place after the file. */
export class ZipFormatError extends KeystoreError {
  override readonly kind = 'zip-format';

  constructor(readonly reason: string) {
    super(reason);
  }
}
