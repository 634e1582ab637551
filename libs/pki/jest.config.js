const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'pki',
  rootDir: __dirname,
  // jose 6 ships only ES modules; swc turns them into CommonJS for jest the way it does our own sources.
  transform: { ...preset.transform, '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
