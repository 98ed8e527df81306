export default {
  ...require('../../jest.preset.js'),
  displayName: 'e2e:cli',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/../../tools/testing/jest-e2e-setup.ts'],
};
