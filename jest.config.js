/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // tsconfig's isolatedModules makes ts-jest transpile only; `npm run typecheck` checks types once.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // One real database engine for the whole run (see test/support/global-setup.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Refuses any connection that leaves the machine before a test can make one.
  setupFiles: ['<rootDir>/test/support/network-guard.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
