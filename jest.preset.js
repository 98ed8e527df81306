// Shared Jest settings: TypeScript through SWC (with decorator metadata for Nest DI),
// workspace packages resolved to their sources, and `.js` import suffixes stripped.
const path = require('node:path');

const root = __dirname;
const src = (p) => path.join(root, p);

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@keyturn/core$': src('packages/core/src/index.ts'),
    '^@keyturn/core/connections$': src('packages/core/src/connections/index.ts'),
    '^@keyturn/emulator$': src('packages/emulator/src/index.ts'),
    '^@keyturn/rotation$': src('packages/rotation/src/index.ts'),
    '^@keyturn/rotation/lambda/(.*)$': src('packages/rotation/src/lambda/$1.ts'),
    '^@keyturn/cdk$': src('packages/cdk/src/index.ts'),
    '^@keyturn/nestjs$': src('packages/nestjs/src/index.ts'),
    '^@keyturn/nestjs/(typeorm|ioredis|terminus|config)$': src('packages/nestjs/src/$1/index.ts'),
    '^@keyturn/cli$': src('packages/cli/src/index.ts'),
    '^@keyturn/testing$': src('tools/testing/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
