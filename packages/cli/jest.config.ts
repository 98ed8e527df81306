export default {
  ...require('../../jest.preset.js'),
  displayName: 'unit:cli',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
