/**
 * The engine's one error family: every class in src/core/errors.ts is a KeystoreError with a kind of its
 * own, the secure vault throws them (not plain Errors), and the extension shows their sentence as is.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as errors from '../../src/core/errors';
import { KeystoreError, MalformedKeystoreError, NotPlainPasswordError, NotRsaKeyError, UnsupportedTransformationError, WrongPasswordError } from '../../src/core/errors';
import { encryptSecret } from '../../src/core/secrets/cipher';
import { readInternalKey } from '../../src/core/secrets/rotate';
import { moveToSecretsEdits } from '../../src/core/secrets/moveToSecrets';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { loadKeystore } from '../../src/core/io/keystoreStore';
import { sentenceFor } from '../../src/vscode/errorMessages';
import { fixturePath } from '../helpers/fixtures';

/** Every error class the module exports. */
const classes = Object.entries(errors).filter(([, v]) => typeof v === 'function') as [string, new (...args: never[]) => Error][];

/** An instance made with placeholder arguments: strings suit most constructors, arrays those that take lists. */
function sample(cls: new (...args: never[]) => Error): KeystoreError {
  try {
    return Reflect.construct(cls, ['x', 'y', 'z']) as KeystoreError;
  } catch {
    return Reflect.construct(cls, [[], [], []]) as KeystoreError;
  }
}

describe('the engine error family', () => {
  it('every error class of src/core/errors.ts is a KeystoreError', () => {
    assert.ok(classes.length >= 30, `only ${classes.length} classes`);
    for (const [name, cls] of classes) assert.ok(cls === KeystoreError || cls.prototype instanceof KeystoreError, name);
  });

  it('gives every class its own kind', () => {
    const kinds = new Map<string, string>();
    for (const [name, cls] of classes) {
      const kind = sample(cls).kind;
      assert.ok(!kinds.has(kind), `${name} and ${kinds.get(kind)} share the kind ${kind}`);
      kinds.set(kind, name);
    }
  });

  it('keeps a wrong password apart from a damaged file', async () => {
    const wrong = await loadKeystore(fixturePath('jks-rsa.jks'), 'not-the-password').catch((e: unknown) => e);
    assert.ok(wrong instanceof WrongPasswordError, String(wrong));
    assert.equal(wrong.kind, 'wrong-password');
    assert.notEqual(new MalformedKeystoreError('truncated').kind, wrong.kind);
  });

  it('readInternalKey refuses an EC key with NotRsaKeyError naming the alias', async () => {
    const actual = await readInternalKey(path.resolve(fixturePath('p12-ec.p12')), 'ec256', 'changeit').catch((e: unknown) => e);
    assert.ok(actual instanceof NotRsaKeyError, String(actual));
    assert.equal(actual.alias, 'ec256');
    assert.equal(actual.keyType, 'ec');
  });

  it('encryptSecret refuses an unknown transformation with UnsupportedTransformationError', async () => {
    const key = await readInternalKey(fixturePath('jks-rsa.jks'), 'server', 'changeit');
    assert.throws(
      () => encryptSecret('s', key.certificate, 'AES/GCM/NoPadding'),
      (e: unknown) => e instanceof UnsupportedTransformationError && e.transformation === 'AES/GCM/NoPadding',
    );
  });

  it('moveToSecretsEdits refuses a value that is already a reference with NotPlainPasswordError', async () => {
    const key = await readInternalKey(fixturePath('jks-rsa.jks'), 'server', 'changeit');
    const doc = parseDeploymentToml('[keystore.primary]\npassword = "$env{KS}"\n', '/x/conf/deployment.toml');
    assert.throws(
      () => moveToSecretsEdits(doc, 'keystore.primary.password', key.certificate),
      (e: unknown) => e instanceof NotPlainPasswordError && e.reason === 'reference' && e.key === 'keystore.primary.password',
    );
  });
});

describe('the extension shows engine errors as their sentence', () => {
  it('shows a secure-vault error as it is, not "failed; see the log"', () => {
    const err = new NotRsaKeyError('ec', 'ec256');
    assert.equal(sentenceFor(err, 'Rotating the internal keystore'), 'The key "ec256" is EC; MI\'s secure vault needs an RSA key.');
  });

  it('says a wrong password and a damaged file differently', () => {
    const wrong = sentenceFor(new WrongPasswordError(), 'Opening');
    const damaged = sentenceFor(new MalformedKeystoreError('truncated', 12), 'Opening');
    assert.match(wrong, /password is incorrect/);
    assert.match(damaged, /damaged: truncated \(at byte 12\)/);
  });

  it('names the work and points at the log for an error that is not the engine\'s', () => {
    assert.equal(sentenceFor(new TypeError('x is undefined'), 'Importing the certificate'), 'Importing the certificate failed; the MI Keystores log has the details.');
  });
});
