// Every project's unit (`src/**/*.spec.ts`) and e2e (`test/**/*.e2e-spec.ts`) suites. The preset's
// transform also compiles the global setup, which sweeps servers left by an earlier, killed run.
export default {
  preset: './jest.preset.js',
  globalSetup: '<rootDir>/tools/testing/global-setup.ts',
  projects: [
    '<rootDir>/packages/*/jest.config.ts',
    '<rootDir>/packages/*/jest.e2e.config.ts',
    '<rootDir>/apps/*/jest.config.ts',
    '<rootDir>/apps/*/jest.e2e.config.ts',
    '<rootDir>/tools/testing/jest.config.ts',
  ],
  maxWorkers: 2,
};
