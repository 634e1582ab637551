// Shared jest settings: tests run from TypeScript sources through swc; @skiff/* imports map to sources.
const path = require('path');
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  moduleNameMapper: { '^@skiff/([^/]+)$': path.join(__dirname, 'libs/$1/src/index.ts') },
  testMatch: ['**/src/**/*.test.ts', '**/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
