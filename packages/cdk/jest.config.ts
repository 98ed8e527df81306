// Unit tests (`src/**/*.spec.ts`) of cdk; settings from the shared preset. No `require` or `__dirname` here: the file
// loads both through ts-node (Node 20) and as native TypeScript (Node 22.18+, 24).
export default {
  displayName: 'unit:cdk',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
