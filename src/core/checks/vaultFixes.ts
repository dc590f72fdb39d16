/**
 * The secure vault's quick fixes: `secret-plain` gets "encrypt it with the internal key" and
 * `plaintext-password` gets "move it into [secrets], encrypted". Both encrypt with the effective internal
 * key's certificate and the transformation MI decrypts with, so they are attached only after the rules
 * ran and only where the internal key can be read; a finding without them still says what to do.
 */
import type { TomlDocument } from '../config/toml';
import type { Fix, Problem } from '../problem';
import { encryptOneSecretEdit, plainSecrets } from '../secrets/encryptPlan';
import { moveToSecretsEdits } from '../secrets/moveToSecrets';
import { workspaceTransformation, type TransformationReadOptions } from '../secrets/transformation';
import type { MiWorkspace } from '../workspace/discover';
import type { InternalKey } from '../secrets/secretChecks';

/** The `Fix.run` action the move-to-secrets fix runs after its edit: the reminder that MI needs `password-tmp` at startup. */
export const MOVE_TO_SECRETS_NOTE_ACTION = 'moveToSecretsNote';

/** Each fix costs an RSA encryption: a hostile file with thousands of passwords gets fixes on the first ones only. */
const MAX_VAULT_FIXES = 200;

const VAULT_CODES = new Set(['secret-plain', 'plaintext-password']);

/** What the vault fixes need from a workspace check. */
export interface VaultFixContext extends TransformationReadOptions {
  readonly document: TomlDocument;
  readonly workspace: MiWorkspace;
  /** The effective internal key, or null when it cannot be read here. */
  internalKey(): Promise<InternalKey | null>;
}

/** The fix of one vault finding, or undefined when there is none (not a string, already a reference, a non-RSA key). */
function vaultFix(problem: Problem, doc: TomlDocument, certificate: Uint8Array, transformation: string): Fix | undefined {
  const start = problem.range.start;
  try {
    if (problem.code === 'secret-plain') {
      const secret = plainSecrets(doc).find((s) => s.range.start.line === start.line && s.range.start.character === start.character);
      const edit = secret && encryptOneSecretEdit(doc, secret.alias, certificate, transformation);
      if (!secret || !edit) return undefined;
      return { title: `Encrypt "${secret.alias}" with the internal key (${transformation})`, preferred: true, edits: [edit] };
    }
    const plan = moveToSecretsEdits(doc, problem.range, certificate, transformation);
    return { title: `Move into [secrets] as $secret{${plan.alias}} (encrypted)`, edits: plan.edits, run: { action: MOVE_TO_SECRETS_NOTE_ACTION, args: {} } };
  } catch {
    // The finding stays, with its advice; a value the planner refuses simply has no one-click fix.
    return undefined;
  }
}

/** `problems` with the vault fixes attached to the `secret-plain` and `plaintext-password` findings of the document. */
export async function withVaultFixes(problems: readonly Problem[], ctx: VaultFixContext): Promise<Problem[]> {
  const wanted = problems.filter((p) => VAULT_CODES.has(p.code) && p.file === ctx.document.file).slice(0, MAX_VAULT_FIXES);
  if (wanted.length === 0) return [...problems];
  const key = await ctx.internalKey().catch(() => null);
  if (!key) return [...problems];
  const { transformation } = await workspaceTransformation(ctx.document, ctx.workspace, ctx);
  const fixed = new Map<Problem, Problem>();
  for (const p of wanted) {
    const fix = vaultFix(p, ctx.document, key.certificate, transformation);
    if (fix) fixed.set(p, { ...p, fixes: [...p.fixes, fix] });
  }
  return problems.map((p) => fixed.get(p) ?? p);
}
