export default {
  ...require('../../jest.preset.js'),
  displayName: 'unit:core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
