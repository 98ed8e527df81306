export default {
  ...require('../../jest.preset.js'),
  displayName: 'unit:emulator',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
