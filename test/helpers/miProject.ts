/** Writes a minimal MI integration project (pom, deployment.toml, artifacts) for the trust map tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectAt, type MiProject } from '../../src/core/workspace/discover';

/** The project's files: deployment.toml text and artifact XML by path under `src/main/wso2mi/artifacts`. */
export interface ProjectSpec {
  readonly toml: string;
  readonly artifacts: Readonly<Record<string, string>>;
  readonly env?: string;
}

/** Creates the project in `dir` and returns it as discovery sees it. */
export function writeMiProject(dir: string, spec: ProjectSpec): MiProject {
  fs.mkdirSync(path.join(dir, 'deployment'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'pom.xml'), '<project><properties><projectType>integration-project</projectType></properties></project>\n');
  fs.writeFileSync(path.join(dir, 'deployment', 'deployment.toml'), spec.toml);
  for (const [rel, xml] of Object.entries(spec.artifacts)) {
    const file = path.join(dir, 'src', 'main', 'wso2mi', 'artifacts', rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, xml);
  }
  if (spec.env !== undefined) fs.writeFileSync(path.join(dir, '.env'), spec.env);
  const ws = projectAt(dir);
  if (!ws) throw new Error(`not an MI project: ${dir}`);
  return ws;
}

/** The TOML of a project whose HTTPS sender uses `truststore` (JKS) and `keystore` (PKCS12). */
export function tomlFor(o: { truststore: string; keystore: string; keyAlias: string; protocols?: string; verifier?: string }): string {
  const lines = [
    '[server]',
    'hostname = "localhost"',
    '',
    '[keystore.primary]',
    `file_name = ${JSON.stringify(o.keystore)}`,
    'type = "PKCS12"',
    'password = "clientpass"',
    `alias = ${JSON.stringify(o.keyAlias)}`,
    'key_password = "clientpass"',
    '',
    '[truststore]',
    `file_name = ${JSON.stringify(o.truststore)}`,
    'type = "JKS"',
    'password = "trustpass"',
  ];
  if (o.protocols || o.verifier) {
    lines.push('', '[transport.http]');
    if (o.protocols) lines.push(`sender.secured_protocols = ${JSON.stringify(o.protocols)}`);
    if (o.verifier) lines.push(`sender.hostname_verifier = ${JSON.stringify(o.verifier)}`);
  }
  return `${lines.join('\n')}\n`;
}
