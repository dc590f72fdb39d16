/**
 * The passwords of each consumer's store and keys: the store password opens the store, the key
 * password recovers the keys the consumer uses (with the password MI really reads them with), and a
 * password that is a reference not resolvable here is said once instead of guessed.
 */
import { describeSecretReference } from '../../secrets/references';
import { keyOpeningWork, type Entry, type Keystore } from '../../keystore';
import type { EffectiveStore, PasswordValue } from '../../workspace/effectiveConfig';
import type { WorkspaceRule, WorkspaceRuleContext } from '../rule';
import { isOwnLine, passwordAnchor, shownFile, valueEdits, wrongPasswordWords } from './storeHelpers';

/** `wrong-store-password`, `password-unresolved`, `wrong-key-password`, `key-password-differs`. */
export const storePasswordsRule: WorkspaceRule = {
  id: 'store-passwords',
  description: 'The store password opens each store and the key password recovers the keys MI uses.',
  scope: 'workspace',
  codes: [
    {
      code: 'wrong-store-password',
      severity: 'error',
      doc: 'The store password does not open the keystore ("Keystore was tampered with, or password was incorrect").',
      advice: 'Correct `password`. A wrong password is never reported as a damaged file, nor the reverse.',
    },
    {
      code: 'password-unresolved',
      severity: 'information',
      doc: 'The password is a `$secret{}`/`$env{}`/`$sys{}` reference the editor cannot resolve, so the store was not opened.',
      advice: "Give the password once when the editor asks (kept in VS Code's secret storage), or pass it to the CLI.",
    },
    {
      code: 'wrong-key-password',
      severity: 'error',
      doc: 'The key password does not recover the private key ("Cannot recover key").',
      advice: 'Correct `key_password`, or change the key password (command "Change Key Password").',
    },
    {
      code: 'key-password-differs',
      severity: 'warning',
      doc: "The primary keystore's key password differs from its store password; MI reads the key with the store password.",
      advice: 'Make the key password equal to the store password.',
    },
  ],
  async check(ctx) {
    for (const s of ctx.stores.readable()) {
      const opened = await ctx.stores.open(s);
      if (opened.state === 'no-password') {
        unresolved(ctx, s, s.password, 'store');
        continue;
      }
      if (opened.state === 'failed' && opened.error.kind === 'wrong-password') {
        const pw = s.password;
        ctx.report('wrong-store-password', { file: s.sourceFile,
          message: `The ${passwordName(s)} does not open ${shownFile(ctx.config, s)}; MI will fail with "${wrongPasswordWords(opened.error.format)}".`,
          range: passwordAnchor(s),
          subject: `${s.path}|${ctx.cache.passwordTag(ctx.stores.passwordOf(s) ?? '')}`,
          ownLine: isOwnLine(s, pw),
        });
        continue;
      }
      if (opened.state !== 'open' || s.role !== 'keystore') continue;
      const keys = ctx.stores.keysOf(s, opened.store);
      if (keys.state !== 'keys') continue;
      const kp = s.keyPassword;
      // MI's KeyStoreManager reads the primary and internal keys with the store password.
      if ((s.consumer === 'primary' || s.consumer === 'internal') && kp && kp.value !== undefined && kp.value !== opened.password && s.password) {
        ctx.report('key-password-differs', { file: s.sourceFile,
          message: `key_password of the ${s.label} differs from its password; MI reads the private key with the store password, so both must be the same.`,
          range: kp.anchor,
          subject: `${opened.subject}|${ctx.cache.passwordTag(kp.value)}`,
          ownLine: isOwnLine(s, kp),
          fixes: [{ title: 'Set key_password to the same value as password', preferred: true, edits: valueEdits(ctx.config, s, kp, s.password.raw) }],
        });
      }
      const keyPassword = ctx.stores.keyPasswordOf(s, opened.password);
      if (keyPassword === undefined) {
        if (s.keyRecovery === 'key-password') unresolved(ctx, s, kp, 'key');
        continue;
      }
      // A consumer of the whole store (no alias: a transport's keystore) hands it to a KeyManagerFactory, whose
      // SunX509 key manager calls getKey on every key entry with the key password, secret keys included: one
      // it cannot open stops the transport (UnrecoverableKeyException; found with a JDK harness). Each key may
      // cost 5,000,000 iterations to open, so what one store's keys may cost in all is bounded.
      const budget = { left: s.alias ? Infinity : KEY_WORK };
      for (const key of keys.keys) {
        if (!affordable(key, budget)) continue;
        const recovered = await ctx.cache.key(s.path as string, opened.password, key.alias, keyPassword);
        if (!recovered.ok && recovered.kind === 'wrong-key-password') keyFailure(ctx, s, key.alias, opened.password, keyPassword, opened.store, opened.subject);
      }
      if (!s.alias) await checkSecretKeys(ctx, s, opened.store, opened.password, keyPassword, opened.subject, budget);
    }
  },
};

/**
 * The key-derivation work spent on opening the keys of one whole-store consumer at most: five JCEKS keys at
 * the JDK's 200,000 iterations (about a second each here), or a few dozen PKCS12 keys. A key past it is not
 * judged (a missed error, never a false one): a seal may ask 5,000,000 iterations, and a hostile store may
 * hold many keys.
 */
const KEY_WORK = 1_000_000;

/** Whether opening `entry` fits in what is left of `budget` (then spent); a seal that does not parse costs nothing to refuse. */
function affordable(entry: Entry & { kind: 'private-key' | 'secret-key' }, budget: { left: number }): boolean {
  let work: number;
  try {
    work = keyOpeningWork(entry);
  } catch {
    return true;
  }
  if (work > budget.left) return false;
  budget.left -= work;
  return true;
}

async function checkSecretKeys(ctx: WorkspaceRuleContext, s: EffectiveStore, store: Keystore, storePassword: string, keyPassword: string, pwSubject: string, budget: { left: number }): Promise<void> {
  for (const e of store.entries) {
    if (e.kind !== 'secret-key' || !affordable(e, budget)) continue;
    if ((await ctx.cache.secretKeyOpens(s.path as string, storePassword, e.alias, keyPassword)) !== false) continue;
    const anchorValue = s.keyPassword ?? s.password;
    ctx.report('wrong-key-password', { file: s.sourceFile,
      message: `The ${passwordName(s, anchorValue, 'key password')} does not open the secret key "${e.alias}" of ${shownFile(ctx.config, s)}; the ${s.label}'s key manager reads every key entry with it, so the transport does not start (MI: "Cannot recover key").`,
      range: anchorValue?.anchor ?? s.file.anchor,
      subject: `${pwSubject}|${e.alias.toLowerCase()}|${ctx.cache.passwordTag(keyPassword)}`,
      ownLine: isOwnLine(s, anchorValue ?? null),
    });
  }
}

/**
 * Names a password by its owner: a consumer that inherits `[keystore.primary] password` gets "the
 * [keystore.primary] password, which the HTTPS listener keystore uses", so a wrong primary password
 * is never called the listener's; a value nobody wrote says it is MI's default.
 */
export function passwordName(s: EffectiveStore, pw: PasswordValue | null | undefined = s.password, what = 'password'): string {
  const dflt = pw?.origin.kind === 'default' ? " (MI's default)" : '';
  const via = pw?.origin.via;
  if (!via || via.startsWith(`${s.table}.`)) return `${what} of the ${s.label}${dflt}`;
  const parts = via.split('.');
  return `[${parts.slice(0, -1).join('.')}] ${parts[parts.length - 1]}${dflt}, which the ${s.label} uses,`;
}

function unresolved(ctx: WorkspaceRuleContext, s: EffectiveStore, pw: PasswordValue | null | undefined, which: 'store' | 'key'): void {
  const what = which === 'store' ? 'password' : 'key password';
  const tail = which === 'store' ? 'its contents are not checked.' : 'its key is not checked.';
  let message: string;
  if (!pw) message = `The ${s.label} has no ${what} configured, so ${tail}`;
  else if (pw.state === 'secret')
    message = `The ${what} of the ${s.label} is ${describeSecretReference(ctx.document, pw.secretAlias as string)}; supply it (mi-keystores check --secret-env ${pw.secretAlias}=VAR, or the extension's stored secret) to check the store: ${tail}`;
  else if (pw.state === 'env') message = `The ${what} of the ${s.label} comes from the environment variable ${pw.envVar}, which is not set here, so ${tail}`;
  else message = `The ${what} of the ${s.label} comes from the system property ${pw.sysProperty}, which is only known at runtime, so ${tail}`;
  const anchor = pw?.anchor ?? s.tableNode?.headerRange ?? s.file.anchor;
  ctx.report('password-unresolved', { file: s.sourceFile, message, range: anchor, subject: `${s.path}|${which}|${pw?.raw ?? ''}`, ownLine: isOwnLine(s, pw ?? null) });
}

function keyFailure(ctx: WorkspaceRuleContext, s: EffectiveStore, alias: string, password: string, keyPassword: string, store: Keystore, pwSubject: string): void {
  const kp = s.keyPassword;
  const shown = shownFile(ctx.config, s);
  // Without a MAC the store password is only proven by a key: keytool gives PKCS12 keys the store password.
  if (store.integrity === 'unverifiable' && keyPassword === password) {
    const pw = s.password as PasswordValue;
    ctx.report('wrong-store-password', { file: s.sourceFile,
      message: `The ${passwordName(s)} does not recover the key "${alias}" of ${shown}; MI will fail with "Cannot recover key".`,
      range: pw.anchor,
      subject: pwSubject,
      ownLine: isOwnLine(s, pw),
    });
    return;
  }
  const anchorValue = kp ?? s.password;
  const message =
    s.keyRecovery === 'store-password'
      ? `MI reads the key "${alias}" of the ${s.label} with the store password, which does not recover it (MI: "Cannot recover key"); give the key the store password.`
      : `The ${passwordName(s, kp ?? s.password, 'key password')} does not recover the key "${alias}" of ${shown} (MI: "Cannot recover key").`;
  ctx.report('wrong-key-password', { file: s.sourceFile,
    message,
    range: anchorValue?.anchor ?? s.file.anchor,
    subject: `${pwSubject}|${alias.toLowerCase()}|${ctx.cache.passwordTag(keyPassword)}`,
    ownLine: isOwnLine(s, anchorValue ?? null),
    fixes: [{ title: `Change the password of key "${alias}"`, run: { action: 'changeKeyPassword', args: { file: s.path, alias, consumer: s.id } } }],
  });
}
