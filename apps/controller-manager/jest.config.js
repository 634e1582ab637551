const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'controller-manager',
  rootDir: __dirname,
  // jose 6 ships only ES modules (cluster-info signatures in @skiff/pki); swc makes them CommonJS for jest.
  transform: { ...preset.transform, '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
