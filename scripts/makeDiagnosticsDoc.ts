// Writes docs/diagnostics.md from the check rules (src/core/checks/rules), so the page that every
// Diagnostic links to documents exactly the codes the engine reports, with each rule's own words.
// `--check` fails when the page is stale.
// Usage: npx tsx scripts/makeDiagnosticsDoc.ts [--check]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../src/core/checks/rules/index';
import { PRODUCT_NAMES } from '../src/core/checks/product';
import { VERDICT_DOCS } from '../src/core/tls/verdictDocs';

const lines = [
  '# Diagnostics',
  '',
  'Every problem MI Keystores reports in deployment.toml (editor and `mi-keystores check`), by code.',
  'Generated from the check rules in `src/core/checks/rules/` by `npx tsx scripts/makeDiagnosticsDoc.ts`; do not edit by hand.',
  '',
];
for (const rule of RULES) {
  const products = (rule.products ?? ['mi']).map((p) => PRODUCT_NAMES[p]).join(', ');
  for (const c of rule.codes) {
    lines.push(
      `## ${c.code}`,
      '',
      `**${c.severity}** · ${rule.scope === 'document' ? 'found from the text alone' : 'found by reading the keystores'} · rule \`${rule.id}\` (${products})`,
      '',
      c.doc,
      '',
    );
    if (c.advice) lines.push(`What to do: ${c.advice}`, '');
  }
}
// The trust map's verdicts are diagnostic codes too (on artifact URLs and on MI's listener keystore).
lines.push(
  '# TLS connections',
  '',
  'The verdicts of the trust map (`mi-keystores tls`, the Connections node), reported on the HTTPS URLs of artifacts and on MI\'s HTTPS listener keystore; SARIF rule ids are `tls-<code>`. See [trust-map.md](trust-map.md) for how each is decided.',
  '',
);
for (const v of VERDICT_DOCS) {
  lines.push(`## ${v.code}`, '', `**${v.severity}** · found from the server's certificate chain, fetched on request · trust map`, '', v.doc, '', `What to do: ${v.advice}`, '');
}
const text = lines.join('\n');
const target = path.resolve(__dirname, '../docs/diagnostics.md');
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== text) {
    console.error('docs/diagnostics.md is stale: run npx tsx scripts/makeDiagnosticsDoc.ts');
    process.exit(1);
  }
} else {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
}
