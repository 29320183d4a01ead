import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.local/', 'loadtest/results/', 'test/support/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // What runs as the product checks its assumptions instead of asserting them away. Tests, benchmarks, the
    // load runner and pipeline tools are left out: a failed assumption there is a crash that names itself.
    files: ['core/**/*.ts', 'service/**/*.ts', 'processor/**/*.ts', 'local/**/*.ts', 'infra/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    // A promise nobody awaits loses its error (and in Lambda, the frozen sandbox loses the work): a bug in the
    // product's runtimes.
    files: ['core/**/*.ts', 'processor/src/**/*.ts', 'local/poller/**/*.ts', 'service/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': 'error' },
  },
  {
    // Small files, one concern each: past this, a file holds two concerns and is split along them.
    files: ['core/**/*.ts', 'service/**/*.ts', 'processor/**/*.ts', 'local/**/*.ts', 'infra/**/*.ts', 'scripts/**/*.ts', 'loadtest/**/*.ts', 'build/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 250 }] },
  },
  { files: ['**/*.cjs', '**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
