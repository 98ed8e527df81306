import { InvalidConnectionSecretError } from './errors/invalid-connection-secret.error.js';

/** A secret value as a JSON object: accepts an object, or a string holding JSON (never echoed in errors). */
export function secretObject(value: unknown, secretId: string, service: string): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new InvalidConnectionSecretError(secretId, service, `the value is not JSON (${error instanceof Error ? error.name : 'parse error'})`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidConnectionSecretError(secretId, service, 'the value is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Reads a string key; numbers are accepted and turned into strings. */
export function optionalString(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** Reads a port, as number or numeric string. */
export function optionalPort(obj: Record<string, unknown>, key: string): number | undefined | null {
  const v = obj[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : null;
}

/** Reads RDS-style `ssl`: `true`/`"true"` → true, `false`/`"false"` → false, anything else → undefined. */
export function optionalBoolean(obj: Record<string, unknown>, key: string): boolean | undefined {
  const v = obj[key];
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** Freezes `credentials` with `password` non-enumerable: kept out of `JSON.stringify`, `util.inspect` and spreads. */
export function hidePassword<T extends { password?: string }>(credentials: T): T {
  const { password, ...rest } = credentials;
  const out = { ...rest } as T;
  if (password !== undefined) Object.defineProperty(out, 'password', { value: password, enumerable: false });
  return Object.freeze(out);
}
