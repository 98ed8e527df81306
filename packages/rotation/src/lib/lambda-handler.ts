import { RotationError } from './errors/rotation-error.js';
import { createRotationHandler } from './rotation-handler.js';
import type { RotationEvent, RotationHandler, RotationStrategy } from './rotation.types.js';

/**
 * A Lambda handler whose strategy is built from the environment on the first invocation and then
 * reused with its Secrets Manager client (warm invocations make no new client).
 */
export function lambdaHandler(build: (env: Record<string, string | undefined>) => RotationStrategy): RotationHandler {
  let handler: RotationHandler | undefined;
  return (event: RotationEvent) => {
    handler ??= createRotationHandler(build(process.env));
    return handler(event);
  };
}

/** A boolean environment variable (`true`/`false`), else `fallback`. */
export function envFlag(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new RotationError(`Environment variable ${name} must be true or false.`, { code: 'ConfigurationError' });
}

/** An integer environment variable, else undefined. */
export function envInteger(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new RotationError(`Environment variable ${name} must be an integer.`, { code: 'ConfigurationError' });
  return n;
}
