/**
 * The extension's output channel. Callers pass plain sentences and error objects; nothing here ever
 * receives a password (commands never put one in a message), and `scrub` removes anything that looks
 * like a `password = "..."` assignment as a second line of defence.
 */
import * as vscode from 'vscode';
import { LOG_CHANNEL } from './ids';

/** What features log through. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
  show(): void;
  /** The lines written so far this session (bounded), exactly as the channel received them; for tests. */
  lines(): readonly string[];
}

/** How many recent lines `lines()` keeps. */
const KEPT_LINES = 2000;

/** Hides values of password-like keys, in case a TOML line or an option object is logged. */
export function scrub(text: string): string {
  return text.replace(/((?:password|key_password|keypass|storepass|secret)[\w.]{0,64}"?\s{0,64}[:=]\s{0,64})("[^"]*"|'[^']*'|\S+)/gi, '$1***');
}

/** Details of an error for the log: name, message and the cause chain (no stack of foreign objects). */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    if (cur instanceof Error) {
      parts.push(`${cur.name}: ${cur.message}`);
      cur = (cur as Error & { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join(' <- caused by ');
}

/** Creates the output channel and registers it for disposal. */
export function createLog(context: vscode.ExtensionContext): Log {
  const channel = vscode.window.createOutputChannel(LOG_CHANNEL, { log: true });
  context.subscriptions.push(channel);
  const kept: string[] = [];
  // Every line goes through here, so what the tests search is exactly what the channel got.
  const write = (level: 'info' | 'warn' | 'error', text: string) => {
    const line = scrub(text);
    kept.push(`[${level}] ${line}`);
    if (kept.length > KEPT_LINES) kept.splice(0, kept.length - KEPT_LINES);
    channel[level](line);
  };
  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m, err) => write('error', err === undefined ? m : `${m} (${describeError(err)})`),
    show: () => channel.show(true),
    lines: () => [...kept],
  };
}
