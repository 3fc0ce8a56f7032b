// One jest run for the whole workspace: each package is a project, tests run on the TypeScript
// sources (no build needed), and workspace imports resolve to those sources.
const path = require('node:path');

const moduleNameMapper = {
  '^@asynchat/streams$': '<rootDir>/packages/streams/src/index.ts',
  '^@asynchat/shim$': '<rootDir>/packages/shim/src/index.ts',
  '^@asynchat/shim/(asynchat|asyncore)$': '<rootDir>/packages/shim/src/$1.ts',
  '^@asynchat/codemod$': '<rootDir>/packages/codemod/src/index.ts',
  '^@asynchat/codemod/rules$': '<rootDir>/packages/codemod/src/rules.ts',
};

const transform = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};

const project = (name) => ({
  displayName: name,
  rootDir: path.resolve(__dirname),
  testMatch: [`<rootDir>/packages/${name}/test/**/*.test.ts`],
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  // The shim's DeprecationWarning, once per handler class, would be noise in every run (see the file).
  setupFiles: ['<rootDir>/scripts/jest/quiet-shim-deprecation.ts'],
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    ...['streams', 'shim', 'codemod', 'eslint-plugin'].map(project),
    // The legacy app's end-to-end tests (APP_DIR picks the app: the legacy one or a migrated copy)
    // and the executed examples of docs/api.
    {
      ...project('e2e'),
      testMatch: ['<rootDir>/fixtures/legacy-app/e2e/**/*.test.ts', '<rootDir>/docs/api/**/*.test.ts', '<rootDir>/fixtures/real/**/*.test.ts'],
    },
  ],
  testTimeout: 30000,
};
