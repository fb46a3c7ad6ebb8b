// One Jest run for the whole monorepo: unit specs beside the code, e2e specs under apps/*/test.
const aliases = [
  'domain',
  'routing',
  'road-router',
  'planning',
  'flight',
  'config',
  'auth',
  'database',
  'queue',
  'http',
  'telemetry',
  'testing',
];
const moduleNameMapper = {};
for (const name of aliases) {
  moduleNameMapper[`^@rd/${name}$`] = `<rootDir>/libs/${name}/src`;
  moduleNameMapper[`^@rd/${name}/(.*)$`] = `<rootDir>/libs/${name}/src/$1`;
}
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    swcrc: false,
  },
];
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/bench', '<rootDir>/scripts', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  moduleNameMapper,
  // kdbush, flatbush, pbf and friends ship ES modules only: let swc turn them into CommonJS.
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|kdbush|flatbush|flatqueue|pbf|resolve-protobuf-schema|tinyqueue|aedes)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 60000,
  maxWorkers: 2,
};
