// Lint: TypeScript rules, Nx module boundaries (tags in each package.json under "nx"), and
// import-cycle / undeclared-dependency guards.
import nx from '@nx/eslint-plugin';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'bench/**/*.mjs', '**/*.js', '**/jest*.config.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx, 'import-x': importX },
    languageOptions: { parser: tseslint.parser },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: ['@keyturn/testing'],
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:emulator', onlyDependOnLibsWithTags: ['scope:emulator', 'scope:core'] },
            { sourceTag: 'scope:rotation', onlyDependOnLibsWithTags: ['scope:core', 'scope:emulator'] },
            { sourceTag: 'scope:cdk', onlyDependOnLibsWithTags: ['scope:cdk'] },
            { sourceTag: 'scope:nestjs', onlyDependOnLibsWithTags: ['scope:core', 'scope:emulator'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:core', 'scope:emulator', 'scope:rotation', 'scope:cdk'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:nestjs', 'scope:core', 'scope:emulator', 'scope:rotation'] },
          ],
        },
      ],
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts', 'tools/testing/**/*.ts', 'bench/**/*.ts'],
    // Tests exercise packages through their public entry points, by package name.
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off', '@nx/enforce-module-boundaries': 'off' },
  },
];
