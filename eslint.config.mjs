// ESLint flat config: typescript-eslint's recommended rules, plus the architectural rules the project
// lives by: nothing under src/core may import 'vscode' (the CLI and unit tests use the engine),
// src/core/keystore has one way in (its index), the editor features import one another only through
// their public modules, and functions stay short.
import tseslint from 'typescript-eslint';

const NO_VSCODE = { name: 'vscode', message: 'src/core is the engine: it knows nothing of VS Code.' };
/** Outside src/core/keystore nothing imports a file inside it. */
const KEYSTORE_INDEX_ONLY = {
  group: ['**/keystore/*'],
  message: "Import the keystore engine from its index ('…/core/keystore'), not from a file inside the folder.",
};

/** Longest function, counting neither blank lines nor comments. */
const FUNCTION_CEILING = { max: 80, skipBlankLines: true, skipComments: true };

/** The editor features that are one module each: other features may import their types, never their values. */
const FEATURES = {
  group: ['**/codeActions', '**/codeLens', '**/completion', '**/diagnostics', '**/hover', '**/keystoreEditor', '**/keystoresTree'],
  allowTypeImports: true,
  message: 'A feature gets another only through register() (import its type); move a shared helper to src/vscode/support.',
};
/** The commands feature: other features import only its index module. */
const COMMANDS_INDEX = {
  group: ['**/commands/*', '!**/commands/index'],
  message: 'Outside src/vscode/commands, import the commands feature through commands/index only.',
};
/** The trust-map feature: other features import only its index module. */
const TRUST_MAP_INDEX = {
  group: ['**/trustMap/*', '!**/trustMap/index'],
  message: 'Outside src/vscode/trustMap, import the trust map through trustMap/index only.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'demo/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/core/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [KEYSTORE_INDEX_ONLY] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/keystore/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [KEYSTORE_INDEX_ONLY] }],
    },
  },
  {
    files: ['src/core/keystore/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_VSCODE] }],
    },
  },
  {
    // Long functions hide several steps behind one name; split them. Tests read best as one story each.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', FUNCTION_CEILING],
    },
  },
  // Editor features keep to themselves: a feature gets another only as the dependency extension.ts hands
  // its register() (a type import), and reaches a folder feature only through its index module. Helpers
  // two features share live in src/vscode/support (or a well-named module beside them), never inside one.
  {
    files: ['src/vscode/**/*.ts'],
    ignores: ['src/vscode/commands/**', 'src/vscode/trustMap/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [FEATURES, COMMANDS_INDEX, TRUST_MAP_INDEX] }] },
  },
  {
    files: ['src/vscode/commands/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [FEATURES, TRUST_MAP_INDEX] }] },
  },
  {
    files: ['src/vscode/trustMap/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [FEATURES, COMMANDS_INDEX] }] },
  },
  {
    files: ['scripts/**/*.mjs', 'test/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
