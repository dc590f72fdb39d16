/**
 * Which WSO2 product a deployment.toml configures. API Manager 4.x and Identity Server 6/7 use the same
 * `[keystore.*]`/`[truststore]` tables as MI under other rules (a bare `file_name` is resolved under
 * `repository/resources/security/`, `[keystore.tls]` is live), so MI's advice is wrong on their files.
 * A home is known by its `bin/` launcher; a lone file by tables only those products have.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { TomlDocument } from '../config/toml';

/** A product whose deployment.toml the checks can recognise. */
export type Product = 'mi' | 'api-manager' | 'identity-server' | 'mi-dashboard';

/** For messages. */
export const PRODUCT_NAMES: Readonly<Record<Product, string>> = {
  mi: 'WSO2 Micro Integrator',
  'api-manager': 'WSO2 API Manager',
  'identity-server': 'WSO2 Identity Server',
  'mi-dashboard': 'the WSO2 Micro Integrator Dashboard',
};

/** Table name prefixes only API Manager writes. */
const API_MANAGER_TABLES = /^(?:apim|apimgt)(?:\.|$)|^database\.apim_db$|^transport\.passthru_https|^synapse_handlers_apim/;
/** Table name prefixes only Identity Server (and API Manager's embedded key manager) write. */
const IDENTITY_TABLES = /^(?:identity_mgt|identity|oauth|saml|authentication|console|myaccount|tenant_mgt|system_applications|admin_console|fido)(?:\.|$)|^database\.(?:identity_db|shared_db|user)$/;
/** Tables only the MI Dashboard (a separate server with its own `[keystore]`) writes. */
const DASHBOARD_TABLES = /^(?:heartbeat_config|mi_user_store|server_config)$/;

/** The product the tables of `doc` belong to; MI when nothing says otherwise. */
export function productOfDocument(doc: TomlDocument): Product {
  let identity = false;
  let dashboard = false;
  for (const t of doc.tables) {
    if (API_MANAGER_TABLES.test(t.name)) return 'api-manager';
    if (IDENTITY_TABLES.test(t.name)) identity = true;
    if (DASHBOARD_TABLES.test(t.name)) dashboard = true;
  }
  return identity ? 'identity-server' : dashboard ? 'mi-dashboard' : 'mi';
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * The product of the home at `root` by its launcher, or null when `root/bin` names none. MI's
 * `micro-integrator.sh` wins; `api-manager.sh` is API Manager 4.x; `wso2server.sh` alone is Identity
 * Server (API Manager 3.x also shipped it, which the file's own tables then tell apart).
 */
export async function productOfHome(root: string): Promise<Product | null> {
  // API Manager and Identity Server keep deployment.toml in repository/conf/, so the home is one level up.
  if (path.basename(root) === 'repository' && !(await exists(path.join(root, 'bin')))) return productOfHome(path.dirname(root));
  const bin = path.join(root, 'bin');
  if ((await exists(path.join(bin, 'micro-integrator.sh'))) || (await exists(path.join(bin, 'micro-integrator.bat')))) return 'mi';
  if ((await exists(path.join(bin, 'api-manager.sh'))) || (await exists(path.join(bin, 'api-manager.bat')))) return 'api-manager';
  if ((await exists(path.join(bin, 'dashboard.sh'))) || (await exists(path.join(bin, 'dashboard.bat')))) return 'mi-dashboard';
  if ((await exists(path.join(bin, 'wso2server.sh'))) || (await exists(path.join(bin, 'wso2server.bat')))) return 'identity-server';
  return null;
}

/** The product of a workspace's file: its home's launcher first, then the file's tables. */
export async function productOf(doc: TomlDocument, homeRoot: string | null): Promise<Product> {
  const byFile = productOfDocument(doc);
  const byHome = homeRoot ? await productOfHome(homeRoot) : null;
  if (byHome === 'mi') return 'mi';
  if (byHome === 'identity-server' && byFile === 'api-manager') return 'api-manager';
  return byHome ?? byFile;
}
