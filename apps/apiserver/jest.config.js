const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'apiserver',
  rootDir: __dirname,
  // jose 6 (ServiceAccount tokens) ships only ES modules; swc turns them into CommonJS for jest.
  transform: { ...preset.transform, '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
