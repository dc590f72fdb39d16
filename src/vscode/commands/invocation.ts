/**
 * How a command was called: a scripted call (one options object, nothing may prompt), a quick fix's
 * prefilled call, a tree item or explorer Uri, or the palette; and how a missing option is asked for.
 */
import * as vscode from 'vscode';
import type { MiWorkspace } from '../../core/workspace/discover';
import { PlainSentenceError } from '../errorMessages';
import { isTreeNode, targetOf, type TreeNode } from '../treeNodes';

/** Thrown when the person cancels a prompt: the command stops without a message. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled.');
  }
}

/** A scripted call left out an option the command cannot do without. */
export class MissingOptionError extends PlainSentenceError {
  constructor(readonly option: string) {
    super(`The option "${option}" is required when the command is run with an options object.`);
  }
}

/** How a command was invoked: with an options object (scripted) or from the palette / a tree menu. */
export interface Invocation<O> {
  /** The options object, or an empty object when interactive. */
  readonly options: Partial<O>;
  /** False when an options object was given: nothing may prompt. */
  readonly interactive: boolean;
  /** What a tree item pre-selects. */
  readonly workspace?: MiWorkspace;
  readonly keystore?: string;
  readonly alias?: string;
}

/** The argument `runFixAction` passes: options known in advance, but the person is still asked for the rest. */
export interface Prefill {
  readonly prefill: Readonly<Record<string, unknown>>;
}

function isPrefill(arg: unknown): arg is Prefill {
  return typeof arg === 'object' && arg !== null && typeof (arg as Prefill).prefill === 'object' && Object.keys(arg).length === 1;
}

/** Reads a command's argument: an options object, a tree item, a Uri (explorer) or nothing. */
export function invocation<O extends object>(arg: unknown): Invocation<O> {
  // A quick fix's action: what the engine knows is filled in, the rest is asked.
  if (isPrefill(arg)) {
    const p = arg.prefill as Partial<O> & { keystore?: string; alias?: string };
    return { options: p, interactive: true, keystore: p.keystore, alias: p.alias };
  }
  if (isTreeNode(arg)) return { options: {}, interactive: true, ...targetOf(arg as TreeNode) };
  if (arg instanceof vscode.Uri) return { options: {}, interactive: true, keystore: arg.fsPath };
  if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) return { options: arg as Partial<O>, interactive: false };
  return { options: {}, interactive: true };
}

/** The value of an option, else the answer to `ask` when interactive, else MissingOptionError. */
export async function need<T>(inv: Invocation<object>, name: string, given: T | undefined, ask: () => Thenable<T | undefined>): Promise<T> {
  if (given !== undefined) return given;
  if (!inv.interactive) throw new MissingOptionError(name);
  const answer = await ask();
  if (answer === undefined) throw new Cancelled();
  return answer;
}
