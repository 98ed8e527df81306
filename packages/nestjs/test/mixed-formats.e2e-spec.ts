// One copy of Keyturn in an application that mixes CommonJS and ES modules: a CommonJS Nest app
// whose ES-module library imports @keyturn/nestjs. Runs the BUILT packages in plain Node (outside
// Jest's module mapping); needs `npm run build` first (the root `npm test` builds before Jest).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const repo = resolve(__dirname, '../../..');

/** Runs a Node program; a failure carries the program's stderr (e.g. Nest's "can't resolve dependencies"). */
async function run(file: string, cwd: string): Promise<string> {
  try {
    return (await execFileAsync(process.execPath, [file], { cwd, timeout: 60_000 })).stdout;
  } catch (e) {
    throw new Error(`${file} failed:\n${(e as { stderr?: string }).stderr ?? String(e)}`);
  }
}

// The ES-module library: a Nest module with a provider that injects SecretsService, a secret
// handle and SECRET_STORE, all imported with `import`.
const LIBRARY = `import { Inject, Injectable, Module } from '@nestjs/common';
import { KeyturnError, parseSecretRef } from '@keyturn/core';
import { SECRET_STORE, SecretsModule, SecretsService, defineSecret, getSecretToken } from '@keyturn/nestjs';

export const apiKey = defineSecret('app/api-key', { key: 'apiKey' });

export class LibService {
  constructor(secrets, handle, store) {
    this.secrets = secrets;
    this.handle = handle;
    this.store = store;
  }
  async read() {
    return { viaService: await this.secrets.get(apiKey), viaHandle: this.handle.get(), hasStore: typeof this.store.register === 'function' };
  }
}
Inject(SecretsService)(LibService, undefined, 0);
Inject(getSecretToken(apiKey))(LibService, undefined, 1);
Inject(SECRET_STORE)(LibService, undefined, 2);
Injectable()(LibService);

export class LibModule {}
Module({ imports: [SecretsModule.forFeature(apiKey)], providers: [LibService], exports: [LibService] })(LibModule);

export const fromImport = { SECRET_STORE, SecretsModule, SecretsService, KeyturnError };
export function errorFromImport() {
  try {
    parseSecretRef('');
  } catch (e) {
    return e;
  }
  throw new Error('parseSecretRef accepted an empty reference');
}
`;

// The CommonJS application: SecretsModule.forRoot with `require`, the library with `import()`.
const APP = `require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { KeyturnError, MemorySource, parseSecretRef } = require('@keyturn/core');
const { SECRET_STORE, SecretsModule, SecretsService } = require('@keyturn/nestjs');

(async () => {
  const lib = await import('./lib/index.js');
  class AppModule {}
  Module({
    imports: [SecretsModule.forRoot({ sources: [new MemorySource({ secrets: { 'app/api-key': { apiKey: 'mixed-key-1' } } })], logger: false }), lib.LibModule],
  })(AppModule);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  const read = await app.get(lib.LibService).read();
  await app.close();
  let fromRequire;
  try {
    parseSecretRef('');
  } catch (e) {
    fromRequire = e;
  }
  console.log(JSON.stringify({
    read,
    sameExports: {
      SECRET_STORE: lib.fromImport.SECRET_STORE === SECRET_STORE,
      SecretsModule: lib.fromImport.SecretsModule === SecretsModule,
      SecretsService: lib.fromImport.SecretsService === SecretsService,
      KeyturnError: lib.fromImport.KeyturnError === KeyturnError,
    },
    importedErrorIsRequiredKeyturnError: lib.errorFromImport() instanceof KeyturnError,
    requiredErrorIsImportedKeyturnError: fromRequire instanceof lib.fromImport.KeyturnError,
  }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
`;

type Manifest = { name: string; private?: boolean; exports?: Record<string, { import?: unknown; require?: unknown } | string> };

describe('an application that mixes CommonJS and ES modules', () => {
  let dir: string;
  beforeAll(() => {
    const missing = ['packages/core/dist/esm/index.mjs', 'packages/nestjs/dist/esm/index.mjs'].filter((f) => !existsSync(join(repo, f)));
    if (missing.length > 0) throw new Error(`the packages are not built (missing ${missing.join(', ')}): run \`npm run build\` at the repository root first`);
    // Inside the repository, so that Node resolves the workspace packages from its node_modules.
    dir = mkdtempSync(join(repo, '.keyturn-mixed-test-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts a CommonJS Nest app whose ES-module library injects SecretsService, SECRET_STORE and a secret handle, with one KeyturnError', async () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'mixed-app', private: true, type: 'commonjs' }));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'package.json'), JSON.stringify({ name: 'mixed-lib', private: true, type: 'module' }));
    writeFileSync(join(dir, 'lib', 'index.js'), LIBRARY);
    writeFileSync(join(dir, 'main.js'), APP);

    const stdout = await run(join(dir, 'main.js'), dir);
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({
      read: { viaService: 'mixed-key-1', viaHandle: 'mixed-key-1', hasStore: true },
      sameExports: { SECRET_STORE: true, SecretsModule: true, SecretsService: true, KeyturnError: true },
      importedErrorIsRequiredKeyturnError: true,
      requiredErrorIsImportedKeyturnError: true,
    });
  });

  it('gets from `import` the very values `require` returns, for every entry point of every published package', async () => {
    const { workspaces } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { workspaces: string[] };
    const specifiers = workspaces.flatMap((ws) => {
      const manifest = JSON.parse(readFileSync(join(repo, ws, 'package.json'), 'utf8')) as Manifest;
      if (manifest.private) return [];
      return Object.entries(manifest.exports ?? {})
        .filter(([, target]) => typeof target === 'object' && target.import !== undefined)
        .map(([subpath]) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
    });
    expect(specifiers).toEqual(expect.arrayContaining(['@keyturn/core', '@keyturn/nestjs', '@keyturn/nestjs/typeorm', '@keyturn/nestjs/ioredis', '@keyturn/nestjs/terminus', '@keyturn/nestjs/config', '@keyturn/emulator', '@keyturn/rotation', '@keyturn/cli']));

    const script = `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const report = {};
for (const specifier of ${JSON.stringify(specifiers)}) {
  const imported = await import(specifier);
  const required = require(specifier);
  const requiredNames = Object.keys(required).filter((n) => n !== '__esModule' && n !== 'default').sort();
  const importedNames = Object.keys(imported).sort();
  report[specifier] = {
    sameNames: JSON.stringify(importedNames) === JSON.stringify(requiredNames),
    notShared: importedNames.filter((n) => imported[n] !== required[n]),
    count: importedNames.length,
  };
}
console.log(JSON.stringify(report));
`;
    const file = join(dir, 'identity.mjs');
    writeFileSync(file, script);
    const stdout = await run(file, dir);
    const report = JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, { sameNames: boolean; notShared: string[]; count: number }>;
    for (const specifier of specifiers) {
      expect({ specifier, ...report[specifier], count: report[specifier].count > 0 }).toEqual({ specifier, sameNames: true, notShared: [], count: true });
    }
  });
});
