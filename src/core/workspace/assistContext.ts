/**
 * The workspace side of completion and hover (`AssistContext` of ../config/assist.ts): which keystore
 * files a `file_name` can name, and the store a table configures, opened through the shared cache with
 * the effective password (so hovering an alias costs nothing after the first check).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AssistContext, StoreSummary } from '../config/assist';
import type { TomlDocument } from '../config/toml';
import { certificatesOf, describeCertificate, type CertificateInfo } from '../keystore';
import type { MiWorkspace } from './discover';
import { buildEffectiveConfig, type EffectiveConfig, type EffectiveStore } from './effectiveConfig';
import { defaultKeystoreCache, type KeystoreCache } from './keystoreCache';
import { LEGACY_SECURITY_DIR, SECURITY_DIR, fileNameFor, isInside } from './resolvePath';
import { readDockerCopies, readProjectFileSync } from './project';
import { workspaceTransformation } from '../secrets/transformation';
import { productOf, type Product } from '../checks/product';

/** Options of `createAssistContext`. */
export interface AssistContextOptions {
  readonly cache?: KeystoreCache;
  /** Where `$env{VAR}` comes from (MI's environment as the caller knows it; required, see CheckOptions.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly secretPasswords?: Readonly<Record<string, string>>;
  readonly storePasswords?: Readonly<Record<string, string>>;
  /** false for an untrusted workspace: open nothing outside `workspaceFolder`. */
  readonly readOutside?: boolean;
  readonly workspaceFolder?: string;
}

/** File names keystores are given in practice (the content decides the format, not the name). */
const KEYSTORE_FILE = /\.(?:jks|p12|pfx|jceks|keystore|ks|bcfks)$/i;

function listKeystores(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && KEYSTORE_FILE.test(e.name))
      .map((e) => path.join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

function safeDescribe(der: Uint8Array): CertificateInfo | null {
  try {
    return describeCertificate(der);
  } catch {
    return null;
  }
}

/** An `AssistContext` for `doc` in `workspace`. */
export function createAssistContext(workspace: MiWorkspace, doc: TomlDocument, options: AssistContextOptions): AssistContext {
  const cache = options.cache ?? defaultKeystoreCache;
  let config: EffectiveConfig | undefined;
  const effective = (): EffectiveConfig => {
    if (!config) {
      let copies: ReturnType<typeof readDockerCopies> = [];
      if (workspace.kind === 'project' && workspace.dockerfile) {
        try {
          copies = readDockerCopies(readProjectFileSync(workspace.dockerfile));
        } catch {
          copies = [];
        }
      }
      config = buildEffectiveConfig(doc, workspace, { env: options.env, secretPasswords: options.secretPasswords, dockerCopies: copies });
    }
    return config;
  };

  const pick = (tableName: string, key?: string): EffectiveStore | undefined => {
    const stores = effective().stores.filter((s) => s.table === tableName);
    if (key) {
      const full = `${tableName}.${key}`;
      const byKey = stores.find((s) => [s.file.key, s.type?.key, s.password?.key, s.alias?.key, s.keyPassword?.key].includes(full));
      if (byKey) return byKey;
    }
    return stores[0];
  };

  let product: Promise<Product> | undefined;
  return {
    product() {
      product ??= productOf(doc, workspace.kind === 'runtime' ? workspace.root : null);
      return product;
    },

    async cipherTransformation() {
      return workspaceTransformation(doc, workspace, { readOutside: options.readOutside, workspaceFolder: options.workspaceFolder });
    },

    async keystoreFiles(): Promise<string[]> {
      const dirs =
        workspace.kind === 'project'
          ? [workspace.resourcesDir]
          : [path.join(workspace.root, ...SECURITY_DIR.split('/')), path.join(workspace.root, ...LEGACY_SECURITY_DIR.split('/'))];
      return dirs.flatMap(listKeystores).map((p) => fileNameFor(workspace, p));
    },

    async storeForTable(tableName: string, key?: string): Promise<StoreSummary | undefined> {
      const store = pick(tableName, key);
      if (!store?.path) return undefined;
      if (options.readOutside === false && !isInside(options.workspaceFolder ?? workspace.root, store.path)) {
        return { path: store.path, error: 'Outside the workspace folder: not opened in an untrusted workspace.' };
      }
      const password = store.password?.value ?? options.storePasswords?.[store.path];
      if (password === undefined) return { path: store.path, error: 'The password is not known here ($secret or an unset environment variable).' };
      const read = await cache.read(store.path, password);
      if (!read.ok) return { path: store.path, error: read.message };
      return {
        path: store.path,
        format: read.store.format,
        integrity: read.store.integrity,
        entries: read.store.entries.map((e) => {
          const leaf = certificatesOf(e)[0];
          return { alias: e.alias, kind: e.kind, certificate: leaf ? safeDescribe(leaf) : null };
        }),
      };
    },
  };
}
