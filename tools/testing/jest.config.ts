// Tests of the test support itself (servers started and always stopped); settings from the shared preset.
export default {
  displayName: 'e2e:testing',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testEnvironment: '<rootDir>/e2e-environment.ts',
  setupFilesAfterEnv: ['<rootDir>/jest-e2e-setup.ts'],
};
