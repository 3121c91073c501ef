// ESLint flat config: typescript-eslint's type-aware recommended rules for all TypeScript,
// plain @eslint/js recommended rules for the JavaScript config files and bin/.
// Astro components (.astro) are not linted (no eslint-plugin-astro dependency); their logic
// lives in typed modules such as src/site/results.ts, which are.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Node globals used by the .js/.mjs files (kept inline rather than adding the `globals` package).
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'URLSearchParams', 'Buffer', 'setTimeout', 'clearTimeout', 'structuredClone'].map(
    (name) => [name, 'readonly'],
  ),
);

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.astro/',
      '.bpfspec/',
      'test-results/',
      '**/*.json',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.{ts,mts,cts}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_`-prefixed names mark deliberately unused parameters/bindings (matches tsc's own rule).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Type-only imports must be marked (tsconfig has verbatimModuleSyntax; Node strips them).
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests: vitest's expect(fn).toThrow() patterns and fixtures read as `unknown`.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
