/**
 * Certificates an integration project adds to MI's HTTPS sender truststore when it is deployed: a `cert`
 * configurable of `src/main/wso2mi/resources/conf/config.properties` (`backend_cert:cert`) whose value (from the
 * environment or `.env`, as `${configs.*}` resolve) is a certificate file. MI's ConfigDeployer imports that file
 * into the sender's truststore under the configurable's name, so a server it issued is trusted at run time.
 */
import * as path from 'node:path';
import { readBoundedFile } from '../io/boundedRead';
import { decodeCertificates } from '../keystore';
import { parseKeyValueLines } from '../artifacts/findArtifacts';
import type { PlaceholderLookup } from '../artifacts/synapseUrls';
import type { MiWorkspace } from '../workspace/discover';
import { isInside } from '../workspace/resolvePath';
import type { TrustAnchor } from './certPath';

/** Where an MI 4.x project declares its configurables. */
const CONFIG_PROPERTIES = ['src', 'main', 'wso2mi', 'resources', 'conf', 'config.properties'];
/** A configurables file or a certificate is a few kilobytes; nothing larger is read. */
const MAX_BYTES = 256 * 1024;
/** Real projects declare a handful; a hostile file does not make the map read thousands of files. */
const MAX_CERTS = 32;

/** Where the map may read: not outside `workspaceFolder` when `readOutside` is false (an untrusted workspace). */
export interface ReadScope {
  readonly readOutside?: boolean;
  readonly workspaceFolder?: string;
}

/** The certificates the project's `cert` configurables name, as trust anchors aliased by the configurable's name. */
export async function deployedCertificates(ws: MiWorkspace, lookup: PlaceholderLookup, scope: ReadScope = {}): Promise<TrustAnchor[]> {
  if (ws.kind !== 'project') return [];
  const text = await readBoundedFile(path.join(ws.root, ...CONFIG_PROPERTIES), MAX_BYTES);
  if (text === null) return [];
  const names = [...parseKeyValueLines(text.toString('utf8'))].filter(([, type]) => type.trim().toLowerCase() === 'cert').map(([name]) => name);
  const out: TrustAnchor[] = [];
  for (const name of names.slice(0, MAX_CERTS)) {
    const value = lookup('configs', name);
    if (!value) continue;
    // A relative path is MI_HOME's; in a project the nearest stand-in is the project itself.
    const file = path.resolve(ws.root, value);
    if (scope.readOutside === false && !isInside(scope.workspaceFolder ?? ws.root, file)) continue;
    const bytes = await readBoundedFile(file, MAX_BYTES);
    if (bytes === null) continue;
    try {
      const [der] = decodeCertificates(bytes);
      // The alias shows in verdicts: say where the certificate comes from.
      if (der) out.push({ alias: `${name}, a cert configurable MI imports at deployment`, der });
    } catch {
      // Not a certificate: MI's import fails too, and the connection is judged without it.
    }
  }
  return out;
}
