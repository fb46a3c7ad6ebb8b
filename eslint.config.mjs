// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Packages the pure core (routing, planning, flight) must never import: it has no framework and no I/O. */
const frameworkAndIo = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'bull',
  'mqtt',
  'aedes',
  'ioredis',
  'express',
  '@electric-sql/*',
  // HTTP clients: a remote engine lives in an adapter lib (libs/road-router), not in the core
  'graphhopper-js-api-client',
  'graphhopper-js-api-client/*',
  'axios',
];
const appImports = ['**/apps/**', 'apps/*'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // Import boundaries (ARCHITECTURE.md): imports point downward only.
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: appImports, message: 'libs never import apps' }] },
      ],
    },
  },
  {
    files: ['libs/routing/**/*.ts', 'libs/planning/**/*.ts', 'libs/flight/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: appImports, message: 'libs never import apps' },
            {
              group: frameworkAndIo,
              message:
                'the core is plain TypeScript: no NestJS, TypeORM, Bull, MQTT, database or HTTP client',
            },
            {
              group: [
                '@rd/domain',
                '@rd/domain/*',
                '@rd/database*',
                '@rd/queue*',
                '@rd/auth*',
                '@rd/config*',
                '@rd/http*',
                '@rd/road-router*',
              ],
              message: 'the core imports only other core libs (routing, planning, flight)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: appImports, message: 'libs never import apps' },
            {
              group: ['@nestjs/*', 'bull', 'mqtt', 'aedes'],
              message: 'domain holds entities and state machines only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/intake/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/planner/**', '**/gateway/**', 'apps/*'],
              message: 'apps never import apps: talk over Bull, MQTT or HTTP',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/planner/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/intake/**', '**/gateway/**', 'apps/*'],
              message: 'apps never import apps: talk over Bull, MQTT or HTTP',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/intake/**', '**/planner/**', 'apps/*'],
              message: 'apps never import apps: talk over Bull, MQTT or HTTP',
            },
          ],
        },
      ],
    },
  },
);
