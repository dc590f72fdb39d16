/** The alias each keystore consumer names: it exists in the store and is a private key entry. */
import type { Fix } from '../../problem';
import type { PrivateKeyEntry } from '../../keystore';
import { tomlString } from '../../config/edit';
import type { EffectiveStore, Sourced } from '../../workspace/effectiveConfig';
import type { WorkspaceRule, WorkspaceRuleContext } from '../rule';
import { isOwnLine, shownFile, shownValue, valueEdits } from './storeHelpers';

/** `alias-not-found`, `alias-not-private-key`. */
export const keyEntriesRule: WorkspaceRule = {
  id: 'key-entries',
  description: 'The alias of each keystore consumer names a private key entry of its store.',
  scope: 'workspace',
  codes: [
    {
      code: 'alias-not-found',
      severity: 'error',
      doc: 'The alias is not in the keystore ("Cannot find key for alias").',
      advice: 'Quick fix: one per private-key alias the store holds.',
    },
    {
      code: 'alias-not-private-key',
      severity: 'error',
      doc: 'The alias names a certificate, not a private key entry ("Key is not a private key").',
      advice: 'Point `alias` at a private-key entry, or import the key (command "Import Key and Chain").',
    },
  ],
  async check(ctx) {
    for (const s of ctx.stores.readable()) {
      if (s.role !== 'keystore' || s.alias?.unresolved) continue;
      const opened = await ctx.stores.open(s);
      if (opened.state !== 'open') continue;
      const keys = ctx.stores.keysOf(s, opened.store);
      const shown = shownFile(ctx.config, s);
      const file = s.path as string;
      if (keys.state === 'no-private-key') {
        ctx.report('alias-not-found', { file: s.sourceFile, message: `The ${s.label} ${shown} holds no private key, so it cannot serve TLS.`, range: s.file.anchor, subject: `${file}|*`, ownLine: isOwnLine(s, s.file) });
      } else if (keys.state === 'alias-not-found' && s.alias) {
        const written = shownValue(s.alias) + (s.alias.origin.kind === 'default' ? `" (MI's default alias)` : '"');
        const list = keys.privateKeys.length ? ` Its private keys: ${keys.privateKeys.map((k) => `"${k.alias}"`).join(', ')}.` : ' It holds no private key.';
        ctx.report('alias-not-found', { file: s.sourceFile,
          message: `${shown} has no entry "${written} (MI: "Cannot find key for alias: ${shownValue(s.alias)}").${list}`,
          range: s.alias.anchor,
          subject: `${file}|${keys.alias.toLowerCase()}`,
          ownLine: isOwnLine(s, s.alias),
          fixes: aliasFixes(ctx, s, s.alias, keys.privateKeys),
        });
      } else if (keys.state === 'not-private-key' && s.alias) {
        const written = shownValue(s.alias);
        ctx.report('alias-not-private-key', { file: s.sourceFile,
          message: `"${written}" in ${shown} is a ${keys.entry.kind === 'trusted-cert' ? 'trusted certificate' : 'secret key'}, not a private key (MI: "Key is not a private key, alias: ${written}").`,
          range: s.alias.anchor,
          subject: `${file}|${keys.alias.toLowerCase()}`,
          ownLine: isOwnLine(s, s.alias),
          fixes: aliasFixes(ctx, s, s.alias, keys.privateKeys),
        });
      }
    }
  },
};

function aliasFixes(ctx: WorkspaceRuleContext, s: EffectiveStore, alias: Sourced, privateKeys: readonly PrivateKeyEntry[]): Fix[] {
  return privateKeys
    .filter((k) => k.alias.toLowerCase() !== alias.value.toLowerCase())
    .map((k, i) => ({ title: `Use alias "${k.alias}"`, preferred: privateKeys.length === 1 && i === 0, edits: valueEdits(ctx.config, s, alias, tomlString(k.alias)) }));
}
