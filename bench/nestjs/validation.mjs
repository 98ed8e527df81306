#!/usr/bin/env node
// Validation of a 60 KB secret whose ~4,000 array items all fail a constraint: Keyturn's
// SecretValueTransformer (parse, freeze, class-transformer, class-validator, issues built from
// metadata) vs plain class-validator on the same input (JSON.parse, plainToInstance, validate()).
// Interleaved rounds (the order alternates), results consumed. Goal: Keyturn under 50 ms.
// Run by hand after `npm run build`: node bench/nestjs/validation.mjs [--items 4000] [--rounds 30]
// Never part of the test suite.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { plainToInstance, Type } from 'class-transformer';
import { MinLength, ValidateNested, validate } from 'class-validator';
import { SecretValidationError, SecretValue } from '@keyturn/core';
import { createRequire } from 'node:module';
import { defineSecret } from '@keyturn/nestjs';

// The transformer is internal to @keyturn/nestjs (not exported): load it from the built package.
const { SecretValueTransformer } = createRequire(import.meta.url)('../../packages/nestjs/dist/cjs/lib/secret-value.transformer.js');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ITEMS = arg('items', 4000);
const ROUNDS = arg('rounds', 30);
const WARMUP = 5;
const TARGET_BYTES = 60_000;

// class Item { @MinLength(12) key } / class Keys { @ValidateNested({ each: true }) @Type(() => Item) keys }
class Item {}
MinLength(12)(Item.prototype, 'key');
class Keys {}
ValidateNested({ each: true })(Keys.prototype, 'keys');
Type(() => Item)(Keys.prototype, 'keys');
Reflect.defineMetadata('design:type', Array, Keys.prototype, 'keys');

// ~4,000 items with a too-short key each, padded to 60 KB (under Secrets Manager's 64 KiB).
const keys = Array.from({ length: ITEMS }, (_, i) => ({ key: String(i) }));
const bare = JSON.stringify({ keys, pad: '' });
const secretString = JSON.stringify({ keys, pad: 'x'.repeat(Math.max(0, TARGET_BYTES - bare.length)) });

const def = defineSecret('bench/keys', { schema: Keys });
const transformer = new SecretValueTransformer();

async function keyturn() {
  // A new SecretValue each time: its JSON is parsed once per version, so parsing is included.
  const value = new SecretValue({ secretId: 'bench/keys', versionId: 'v1', source: 'memory', secretString });
  try {
    await transformer.transform(def, value);
  } catch (e) {
    if (!(e instanceof SecretValidationError)) throw e;
    return e.issues.length;
  }
  throw new Error('expected a validation failure');
}

async function plain() {
  const errors = await validate(plainToInstance(Keys, JSON.parse(secretString)), { forbidUnknownValues: true });
  let failing = 0;
  for (const e of errors) for (const c of e.children ?? []) failing += c.children?.length ?? 0;
  return failing;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
const ms = (x) => `${x.toFixed(1)} ms`.padStart(9);

async function main() {
  const runs = { keyturn: [], plain: [] };
  const fns = { keyturn, plain };
  let consumed = 0;
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    const order = r % 2 === 0 ? ['keyturn', 'plain'] : ['plain', 'keyturn'];
    for (const name of order) {
      const t = performance.now();
      const n = await fns[name]();
      const elapsed = performance.now() - t;
      if (n !== ITEMS) throw new Error(`${name} reported ${n} failing items, expected ${ITEMS}`);
      consumed += n;
      if (r >= WARMUP) runs[name].push(elapsed);
    }
  }
  const k = stats(runs.keyturn);
  const p = stats(runs.plain);
  console.log(`secret: ${secretString.length} bytes, ${ITEMS} failing items; ${ROUNDS} interleaved rounds after ${WARMUP} warm-up (${consumed} issues consumed)`);
  console.log('                                                  min     median        max');
  console.log(`Keyturn SecretValueTransformer.transform()   ${ms(k.min)}  ${ms(k.median)}  ${ms(k.max)}`);
  console.log(`class-validator plainToInstance + validate() ${ms(p.min)}  ${ms(p.median)}  ${ms(p.max)}`);
  console.log(`ratio Keyturn / plain                         ${(k.min / p.min).toFixed(2).padStart(7)}x  ${(k.median / p.median).toFixed(2).padStart(8)}x  ${(k.max / p.max).toFixed(2).padStart(8)}x`);
  console.log(`goal: Keyturn median under 50 ms: ${k.median < 50 ? 'met' : 'NOT met'}`);
}

await main();
