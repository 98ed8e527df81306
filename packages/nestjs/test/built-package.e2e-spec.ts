// The BUILT package (dist/) loads in plain Node programs, as ESM and as CommonJS, and runs a tiny
// app. Needs `npm run build` first (the root `npm test` builds before Jest).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve(__dirname, '../../..');
const pkg = resolve(__dirname, '..');

const APP = (imports: string) => `${imports}
const def = defineSecret('app/api-key', { key: 'apiKey' });
class ApiKey {}
IsString()(ApiKey.prototype, 'apiKey');
MinLength(8)(ApiKey.prototype, 'apiKey');
const typed = defineSecret('app/api-key', { schema: ApiKey });
class AppModule {}
Module({
  imports: [SecretsModule.forRoot({ sources: [new MemorySource({ secrets: { 'app/api-key': { apiKey: 'built-key-1' } } })], logger: false }), SecretsModule.forFeature(def)],
})(AppModule);
const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
const handle = app.get(getSecretToken(def));
const viaService = await app.get(SecretsService).get(def);
const instance = await app.get(SecretsService).get(typed);
await app.close();
const loaded = typeof require === 'function' ? Object.keys(require.cache).filter((p) => /node_modules[\\\\/](@nestjs[\\\\/](terminus|config|typeorm)|typeorm|ioredis)[\\\\/]/.test(p)) : [];
console.log(JSON.stringify({ value: handle.get(), viaService, typed: instance instanceof ApiKey && instance.apiKey, state: handle.state().state, optionalPeersLoaded: loaded }));
`;

const ESM = APP(`import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MemorySource } from '@keyturn/core';
import { IsString, MinLength } from 'class-validator';
import { SecretsModule, SecretsService, defineSecret, getSecretToken } from '@keyturn/nestjs';
const require = undefined;`);

const CJS = `(async () => {
${APP(`require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { MemorySource } = require('@keyturn/core');
const { IsString, MinLength } = require('class-validator');
const { SecretsModule, SecretsService, defineSecret, getSecretToken } = require('@keyturn/nestjs');`)}
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('built @keyturn/nestjs', () => {
  let dir: string;
  beforeAll(() => {
    const missing = ['dist/cjs/index.js', 'dist/esm/index.mjs'].filter((f) => !existsSync(join(pkg, f)));
    if (!existsSync(join(repo, 'packages/core/dist/esm/index.mjs'))) missing.push('packages/core/dist');
    if (missing.length > 0) {
      throw new Error(`@keyturn/nestjs is not built (missing ${missing.join(', ')}): run \`npm run build\` at the repository root first`);
    }
    // Inside the repository, so that Node resolves the workspace packages from its node_modules.
    dir = mkdtempSync(join(repo, '.keyturn-built-test-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['ESM', 'app.mjs', ESM],
    ['CommonJS', 'app.cjs', CJS],
  ])('loads and runs a tiny app as %s', async (_kind, file, source) => {
    writeFileSync(join(dir, file), source);
    const { stdout } = await run(process.execPath, [join(dir, file)], { cwd: dir, timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop() as string);
    expect(result).toEqual({ value: 'built-key-1', viaService: 'built-key-1', typed: 'built-key-1', state: 'fresh', optionalPeersLoaded: [] });
  });

  it('ships source maps that carry their sources', () => {
    const maps = readdirSync(join(pkg, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(20);
    const withoutSources = maps.filter((f) => {
      const map = JSON.parse(readFileSync(join(pkg, 'dist', f), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      return map.sourcesContent?.length !== map.sources.length || map.sourcesContent.some((c) => typeof c !== 'string' || c.length === 0);
    });
    expect(withoutSources).toEqual([]);
  });
});
