// ESLint flat config: typescript-eslint's recommended rules, plus the one architectural rule the
// project lives by: nothing under src/core may import 'vscode' (the CLI and unit tests use the engine).
// And src/core/keystore has one way in, its index: outside the folder nothing imports a file inside it.
import tseslint from 'typescript-eslint';

const NO_VSCODE = { name: 'vscode', message: 'src/core is the engine: it knows nothing of VS Code.' };
const KEYSTORE_INDEX_ONLY = {
  group: ['**/keystore/*'],
  message: "Import the keystore engine from its index ('…/core/keystore'), not from a file inside the folder.",
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
    files: ['scripts/**/*.mjs', 'test/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
