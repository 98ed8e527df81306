import type * as Pg from 'pg';
import type * as IoRedis from 'ioredis';
import { MissingDriverError } from './errors/missing-driver.error.js';

/** The `pg` module (node-postgres). */
export type PgModule = typeof Pg;

/** The `ioredis` module, or the parts of a compatible build the Redis helpers use. */
export interface IoRedisModule {
  Redis: new (options: IoRedis.RedisOptions) => IoRedis.Redis;
}

// The only places in Keyturn that load the optional drivers. They are imported on first use, so
// importing `@keyturn/core` (or any entry point that does not open a connection) never needs them.

/**
 * Loads `pg` on first use. Fails with {@link MissingDriverError} when it is not installed.
 * @example const { Client } = await loadPg();
 */
export async function loadPg(): Promise<PgModule> {
  let mod: PgModule & { default?: PgModule };
  try {
    mod = (await import('pg')) as PgModule & { default?: PgModule };
  } catch (error) {
    throw new MissingDriverError('pg', error);
  }
  // Under ESM interop the CommonJS module object is the default export.
  return typeof mod.Client === 'function' ? mod : (mod.default as PgModule);
}

/**
 * Loads `ioredis` on first use. Fails with {@link MissingDriverError} when it is not installed.
 * @example const { Redis } = await loadIoRedis();
 */
export async function loadIoRedis(): Promise<IoRedisModule> {
  let mod: Partial<IoRedisModule> & { default?: IoRedisModule | IoRedisModule['Redis'] };
  try {
    mod = (await import('ioredis')) as Partial<IoRedisModule> & { default?: IoRedisModule | IoRedisModule['Redis'] };
  } catch (error) {
    throw new MissingDriverError('ioredis', error);
  }
  if (typeof mod.Redis === 'function') return mod as IoRedisModule;
  const d = mod.default as (IoRedisModule & IoRedisModule['Redis']) | undefined;
  if (d && typeof d.Redis === 'function') return d;
  return { Redis: d as IoRedisModule['Redis'] };
}
