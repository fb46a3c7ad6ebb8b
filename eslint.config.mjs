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
/** Node modules that read or write the outside world (flight has no I/O at all). */
const nodeIo = [
  'fs',
  'fs/*',
  'node:fs',
  'node:fs/*',
  'child_process',
  'node:child_process',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'worker_threads',
  'node:worker_threads',
  'dgram',
  'node:dgram',
];
/** What every core lib (routing, planning, flight) refuses. */
const corePatterns = [
  { group: appImports, message: 'libs never import apps' },
  {
    group: frameworkAndIo,
    message: 'the core is plain TypeScript: no NestJS, TypeORM, Bull, MQTT, database or HTTP client',
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
];

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
    files: ['libs/routing/**/*.ts', 'libs/planning/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: corePatterns }] },
  },
  // Flight is the strictest core lib: routing and small pure packages only, no file or network I/O, and
  // time and randomness come in as arguments.
  {
    files: ['libs/flight/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...corePatterns,
            {
              group: ['@rd/planning', '@rd/planning/*', '@rd/telemetry*', '@rd/testing*'],
              message: 'flight imports only @rd/routing among our libs',
            },
            {
              group: nodeIo,
              message: 'flight does no I/O: callers read files and sockets and pass the data in',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'flight never reads the process: pass configuration in as arguments' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'flight takes the time as an argument (atMs)' },
        { object: 'Math', property: 'random', message: 'flight takes a seeded generator (seededRandom)' },
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
    // The browser tests start intake and planner in-process, as the main job does; the app itself never imports them.
    files: ['apps/console/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/intake/**', '**/planner/**', '**/gateway/**', 'apps/*'],
              message: 'apps never import apps: the console calls the public APIs over HTTP',
            },
          ],
        },
      ],
    },
  },
  {
    // The browser bundle: DOM, Leaflet and gcoord only; no server code, no other app, no Node.
    files: ['apps/console/web/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@rd/*', '@nestjs/*', 'node:*', '**/src/**', ...appImports],
              message: 'the browser bundle imports no server code',
            },
            { group: frameworkAndIo, message: 'the browser bundle imports no server code' },
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
  {
    // One data-access style (issue 13): SQL runs through @rd/database's sqlRows/sqlRow/sqlExec with a
    // typed row interface and one mapper per query shape; no untyped rows, no entity repositories.
    files: ['apps/*/src/**/*.ts', 'libs/database/src/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*-spec.ts', 'libs/database/src/sql.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSAsExpression > TSNeverKeyword',
          message: '`as never` hides a type error: type the value instead',
        },
        {
          selector: "CallExpression[callee.property.name='query']",
          message: 'run SQL through sqlRows/sqlRow/sqlExec from @rd/database with a typed row interface',
        },
        {
          selector: "CallExpression[callee.property.name='getRepository']",
          message: 'apps do not query through entity repositories: use sqlRows/sqlRow/sqlExec',
        },
      ],
    },
  },
);
