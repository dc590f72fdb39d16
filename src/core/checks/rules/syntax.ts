/**
 * The TOML itself: what the parser found (a syntax error, a key or table written twice). MI's parser
 * rejects such a file whatever the product, so these run on every product's file.
 */
import { REMOVE_BYTE_ORDER_MARK_ACTION } from '../../config/byteOrderMark';
import type { DocumentRule } from '../rule';

/** `toml-syntax`, `byte-order-mark`, `duplicate-key`, `duplicate-table`, `toml-not-checked`. */
export const syntaxRule: DocumentRule = {
  id: 'toml-syntax',
  description: 'The file parses as TOML, with no key or table written twice.',
  scope: 'document',
  products: ['mi', 'api-manager', 'identity-server', 'mi-dashboard'],
  codes: [
    {
      code: 'toml-syntax',
      severity: 'error',
      doc: 'The TOML does not parse; MI stops at start-up with "Error parsing deployment configuration".',
      advice: 'Fix the line the problem points at. Other tables are still checked.',
    },
    {
      code: 'byte-order-mark',
      severity: 'error',
      doc: 'The file begins with a UTF-8 byte order mark (bytes EF BB BF), which MI\'s TOML parser does not accept: MI stops at start-up with "Error parsing deployment configuration". Windows PowerShell 5 (`-Encoding UTF8`) and older Notepad write one.',
      advice: 'Save the file as UTF-8 without BOM (in VS Code: the encoding in the status bar, then Save with Encoding, UTF-8).',
    },
    {
      code: 'duplicate-key',
      severity: 'error',
      doc: 'A key is defined twice in the same table; strict TOML (and so MI) rejects the file.',
      advice: 'Delete one of the two lines (MI would not start).',
    },
    {
      code: 'duplicate-table',
      severity: 'error',
      doc: 'A [table] header appears twice; strict TOML (and so MI) rejects the file.',
      advice: 'Merge the two tables into one.',
    },
    {
      code: 'toml-not-checked',
      severity: 'warning',
      doc: 'Text beyond what a deployment.toml ever needs (over 5 MB, brackets nested over 32 deep, or too many syntax errors to check them all) is not checked.',
      advice:
        'Remove what a deployment.toml does not need (generated blocks, deep nesting) or fix the syntax errors above the line; the rest of the file is checked as usual.',
    },
  ],
  check({ document, report }) {
    for (const issue of document.issues) {
      const code = issue.kind === 'syntax' ? 'toml-syntax' : issue.kind;
      const fixes =
        issue.kind === 'byte-order-mark'
          ? [{ title: 'Remove the byte order mark (save as UTF-8 without BOM)', preferred: true, run: { action: REMOVE_BYTE_ORDER_MARK_ACTION, args: { file: document.file } } }]
          : [];
      report(code, { message: issue.kind === 'syntax' ? `TOML syntax error: ${issue.message} MI will not start.` : issue.message, range: issue.range, fixes });
    }
  },
};
