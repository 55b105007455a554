// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.cache/',
      'data/',
      'coverage/',
      'test-output/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Read configuration through loadConfig(); only bots/main.ts and test support touch process.env.',
        },
      ],
    },
  },
  {
    files: ['bots/main.ts', 'bots/cli/**/*.ts', 'nlp/natural.ts', 'test/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
