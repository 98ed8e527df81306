export default {
  ...require('../../jest.preset.js'),
  displayName: 'unit:rotation',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
