export default {
  ...require('../../jest.preset.js'),
  displayName: 'unit:nestjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
