/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // One real database engine for the whole run (see test/support/global-setup.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Refuses any connection that leaves the machine before a test can make one.
  setupFiles: ['<rootDir>/test/support/network-guard.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
