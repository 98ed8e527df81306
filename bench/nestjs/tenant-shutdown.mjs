#!/usr/bin/env node
// Shutting down a NestJS application holding 10,000 tenant secrets (SecretsModule with `tenants`,
// an LRU as large as the tenant count): wall time of app.close(), min / median / max over
// rounds. Loads go through SecretsService.forTenant (all requested in the same tick).
// Run by hand after `npm run build`: node bench/nestjs/tenant-shutdown.mjs [--tenants 10000] [--rounds 3]
// Never part of the test suite.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { MemorySource } from '@keyturn/core';
import { SecretsModule, SecretsService } from '@keyturn/nestjs';
import { arg, interleaved, printTable } from '../lib/harness.mjs';

const TENANTS = arg('tenants', 10_000);
const ROUNDS = arg('rounds', 3);

async function main() {
  const ids = Array.from({ length: TENANTS }, (_, i) => `t${i}`);
  const secrets = Object.fromEntries(ids.map((id) => [`tenants/${id}`, { clientId: id }]));
  const contenders = [
    {
      name: `Keyturn SecretsModule, ${TENANTS.toLocaleString('en')} tenants: app.close()`,
      run: async () => {
        const app = await NestFactory.createApplicationContext(
          SecretsModule.forRoot({
            sources: [new MemorySource({ secrets })],
            logger: false,
            metrics: { openTelemetry: false },
            tenants: { template: 'tenants/{tenant}', maxEntries: TENANTS },
          }),
          { logger: false },
        );
        await app.init();
        const service = app.get(SecretsService);
        const t0 = performance.now();
        const values = await Promise.all(ids.map((id) => service.forTenant(id)));
        const loadMs = performance.now() - t0;
        const t = performance.now();
        await app.close();
        const ms = performance.now() - t;
        return { value: ms, detail: `loading them took ${loadMs.toFixed(0)} ms`, sink: values.length };
      },
    },
  ];
  printTable(`Shutdown of an application holding ${TENANTS.toLocaleString('en')} tenant secrets`, 'ms', await interleaved(contenders, ROUNDS), 1);
  console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} CPUs`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
