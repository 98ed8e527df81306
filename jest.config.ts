// Every project's unit (`src/**/*.spec.ts`) and e2e (`test/**/*.e2e-spec.ts`) suites.
export default {
  projects: [
    '<rootDir>/packages/*/jest.config.ts',
    '<rootDir>/packages/*/jest.e2e.config.ts',
    '<rootDir>/apps/*/jest.config.ts',
    '<rootDir>/apps/*/jest.e2e.config.ts',
  ],
  maxWorkers: 2,
};
