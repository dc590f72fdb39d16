/**
 * `project-keystore-mismatch`: an integration project names its keystore three times (docs/mi-configuration.md#where-things-live):
 * pom.xml `keystore.*` (read by the cipher tool plugin), the Dockerfile `COPY` lines (what the image
 * holds) and `[keystore.primary]`. Each disagreement is reported on the pom.xml or Dockerfile text that
 * disagrees, with a fix that makes it follow deployment.toml, the file MI itself reads.
 */
import * as path from 'node:path';
import type { Problem, TextEdit } from '../problem';
import type { MiProject } from '../workspace/discover';
import { storeById, type EffectiveConfig, type EffectiveStore } from '../workspace/effectiveConfig';
import { escapeXmlText } from '../workspace/xmlText';
import { readDockerCopies, readPomKeystoreProperties, copyTarget, type DockerCopy, type PomProperty } from '../workspace/project';
import { SECURITY_DIR } from '../workspace/resolvePath';
import { setValueEdits, tomlString } from '../config/edit';

const CODE = 'project-keystore-mismatch';

/** The project files' texts (null when absent). */
export interface ProjectTexts {
  readonly pomXml: string | null;
  readonly dockerfile: string | null;
}

function problem(file: string, range: Problem['range'], message: string, fixes: Problem['fixes']): Problem {
  // The severity is the rule's (./rules/projectFiles.ts); the engine sets it.
  return { code: CODE, severity: 'warning', message, file, range, fixes };
}

/** Checks pom.xml and the Dockerfile of a project against the effective `[keystore.primary]`. */
export function checkProjectFiles(config: EffectiveConfig, texts: ProjectTexts): Problem[] {
  const ws = config.workspace;
  if (ws.kind !== 'project') return [];
  const primary = storeById(config, 'primary');
  if (!primary) return [];
  const out: Problem[] = [];
  const fileValue = path.posix.normalize(primary.file.value.replace(/\\/g, '/'));
  const baseName = path.posix.basename(fileValue);

  if (texts.pomXml !== null) out.push(...pomProblems(config, ws, primary, texts.pomXml, baseName));
  if (texts.dockerfile !== null && ws.dockerfile && fileValue.startsWith(`${SECURITY_DIR}/`)) {
    out.push(...dockerfileProblems(config, ws, ws.dockerfile, primary, texts.dockerfile, fileValue));
  }
  return out;
}

/** pom.xml's keystore properties that disagree with `[keystore.primary]` (the cipher tool reads them). */
function pomProblems(config: EffectiveConfig, ws: MiProject, primary: EffectiveStore, pomXml: string, baseName: string): Problem[] {
  const out: Problem[] = [];
  const pom = readPomKeystoreProperties(pomXml);
  const pomFix = (p: PomProperty, value: string): Problem['fixes'] => [
    { title: `Set ${p.name} to "${value}" in pom.xml`, preferred: true, edits: [{ file: ws.pomXml, range: p.valueRange, newText: escapeXmlText(value) }] },
  ];
  if (pom.name && pom.name.value !== baseName && !pom.name.value.includes('${')) {
    out.push(
      problem(
        ws.pomXml,
        pom.name.valueRange,
        `pom.xml names the keystore "${pom.name.value}", but [keystore.primary] uses "${baseName}"; the cipher tool would encrypt with another keystore than MI decrypts with.`,
        [
          ...pomFix(pom.name, baseName),
          {
            title: `Use ${pom.name.value} in deployment.toml instead`,
            edits: setValueEdits(config.document, 'keystore.primary', 'file_name', tomlString(`${SECURITY_DIR}/${pom.name.value}`)),
          },
        ],
      ),
    );
  }
  if (pom.alias && primary.alias && pom.alias.value !== primary.alias.value && !pom.alias.value.includes('${')) {
    out.push(
      problem(ws.pomXml, pom.alias.valueRange, `pom.xml names the key alias "${pom.alias.value}", but [keystore.primary] uses "${primary.alias.value}".`, pomFix(pom.alias, primary.alias.value)),
    );
  }
  if (pom.type && primary.type && pom.type.value.toUpperCase() !== primary.type.value.toUpperCase() && !pom.type.value.includes('${')) {
    out.push(
      problem(ws.pomXml, pom.type.valueRange, `pom.xml gives the keystore type "${pom.type.value}", but [keystore.primary] uses "${primary.type.value}".`, pomFix(pom.type, primary.type.value)),
    );
  }
  const pw = primary.password?.value;
  if (pom.password && pw !== undefined && !pom.password.value.includes('${') && pom.password.value !== pw) {
    // No fix: it would copy a password into another file; the person decides where it belongs.
    out.push(problem(ws.pomXml, pom.password.valueRange, 'keystore.password in pom.xml differs from the password of [keystore.primary].', []));
  }
  return out;
}

/** The Dockerfile (`dockerfile` is its text) that copies no file to where `[keystore.primary]` points (`fileValue`, under the security folder). */
function dockerfileProblems(config: EffectiveConfig, ws: MiProject, dockerfilePath: string, primary: EffectiveStore, dockerfile: string, fileValue: string): Problem[] {
  const out: Problem[] = [];
  const baseName = path.posix.basename(fileValue);
  const copies = readDockerCopies(dockerfile);
  const targets = (c: DockerCopy) => c.sources.map((_, i) => copyTarget(c, i));
  const provides = copies.some((c) => targets(c).includes(fileValue));
  if (!provides) {
    // Every other store the configuration uses, so a truststore COPY is never taken for the keystore's.
    const used = new Set(config.stores.map((s) => path.posix.normalize(s.file.value.replace(/\\/g, '/'))));
    const stale = copies.find(
      (c) => c.sources.length === 1 && targets(c).every((t) => t !== null && t.startsWith(`${SECURITY_DIR}/`) && !used.has(t)),
    );
    const dockerRel = path.relative(ws.root, dockerfilePath).split(path.sep).join('/');
    if (stale) {
      const edits: TextEdit[] = [
        { file: dockerfilePath, range: stale.sourceRanges[0], newText: `resources/${baseName}` },
        ...(stale.destination.endsWith('/') ? [] : [{ file: dockerfilePath, range: stale.destinationRange, newText: `\${WSO2_SERVER_HOME}/${fileValue}` }]),
      ];
      out.push(
        problem(
          dockerfilePath,
          stale.range,
          `This COPY puts ${path.posix.basename(stale.sources[0])} into the image, but [keystore.primary] uses ${fileValue}, which no COPY line provides.`,
          [{ title: `Copy ${baseName} instead`, preferred: true, edits }],
        ),
      );
    } else {
      const line = `COPY resources/${baseName} \${WSO2_SERVER_HOME}/${fileValue}`;
      const text = dockerfile;
      const lines = text.split('\n');
      const last = lines.length - 1;
      const end = { line: last, character: lines[last].replace(/\r$/, '').length };
      out.push(
        problem(config.document.file, primary.file.anchor, `No COPY line of ${dockerRel} puts ${fileValue} into the image, so the container starts without this keystore.`, [
          {
            title: `Add "${line}" to the Dockerfile`,
            preferred: true,
            edits: [{ file: dockerfilePath, range: { start: end, end }, newText: `${text.endsWith('\n') || text === '' ? '' : '\n'}${line}\n` }],
          },
        ]),
      );
    }
  }
  return out;
}
