/**
 * Lazy loaders of the workspace engine (checks, discovery, trust map, secure vault) for the commands that
 * read MI workspaces. Apart from ./common.ts's keystore loaders so that the `list` bundle, which imports
 * common.ts, does not carry them (scripts/build.mjs checks that it does not).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const loadWorkspace = {
  checks: async () => require('../../core/checks/index') as typeof import('../../core/checks/index'),
  discover: async () => require('../../core/workspace/discover') as typeof import('../../core/workspace/discover'),
  effectiveConfig: async () => require('../../core/workspace/effectiveConfig') as typeof import('../../core/workspace/effectiveConfig'),
  keystoreCache: async () => require('../../core/workspace/keystoreCache') as typeof import('../../core/workspace/keystoreCache'),
  vault: async () => require('../../core/secrets/workspaceVault') as typeof import('../../core/secrets/workspaceVault'),
  encryptPlan: async () => require('../../core/secrets/encryptPlan') as typeof import('../../core/secrets/encryptPlan'),
  transformation: async () => require('../../core/secrets/transformation') as typeof import('../../core/secrets/transformation'),
  rotate: async () => require('../../core/secrets/rotate') as typeof import('../../core/secrets/rotate'),
  sarif: async () => require('../format/sarif') as typeof import('../format/sarif'),
  trustMap: async () => require('../../core/tls/trustMap') as typeof import('../../core/tls/trustMap'),
  verdict: async () => require('../../core/tls/verdict') as typeof import('../../core/tls/verdict'),
};
/* eslint-enable @typescript-eslint/no-require-imports */
