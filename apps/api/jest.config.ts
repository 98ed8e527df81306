export default {
  ...require('../../jest.preset.js'),
  displayName: 'unit:api',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
