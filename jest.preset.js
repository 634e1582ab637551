// Shared jest settings: tests run from TypeScript sources through swc; @skiff/* imports map to sources.
const path = require('path');
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
    // jose 6 (ServiceAccount tokens, cluster-info signatures in @skiff/pki) ships only ES modules: swc makes them CommonJS.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: { '^@skiff/([^/]+)$': path.join(__dirname, 'libs/$1/src/index.ts') },
  testMatch: ['**/src/**/*.test.ts', '**/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
