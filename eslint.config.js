// `npm run lint`: ESLint with typescript-eslint, for defects rather than style (the layout is
// Prettier's, see prettier.config.js, checked by the same script). The typed rules read the types
// through tsconfig.json, which costs about what `tsc --noEmit` does.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'src/generated/', 'data/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test() and describe() return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      // Node-style callbacks hand over errors typed `any`; passing them on to reject() is fine.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true }],
      // A new question kind or reply status must be handled wherever a switch decides on one.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // `return promise` inside try skips the catch and finally when the promise rejects.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Off: the catch callbacks here receive rejections of node, pg and Prisma, which reject with
      // Error objects; typing them `unknown` would only add a cast to each.
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off',
      // Type-only imports vanish from the compiled JavaScript; marking them keeps what a module loads visible.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // `_` names what a signature or a loop needs but the body does not use (Express's error handler).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      // Sanitising reader text means matching control characters on purpose (src/replies/text.ts,
      // src/gemtext/sanitize.ts); the rule exists to catch them in a pattern by accident.
      'no-control-regex': 'off',
    },
  },
  { files: ['**/*.js'], languageOptions: { globals: globals.node } },
);
