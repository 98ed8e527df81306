// Tests over real services (`test/**/*.e2e-spec.ts`) of cdk; settings from the shared preset. No `require` or `__dirname` here: the file
// loads both through ts-node (Node 20) and as native TypeScript (Node 22.18+, 24).
export default {
  displayName: 'e2e:cdk',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testEnvironment: '<rootDir>/../../tools/testing/e2e-environment.ts',
  setupFilesAfterEnv: ['<rootDir>/../../tools/testing/jest-e2e-setup.ts'],
};
