import { SecretShapeError } from './errors/secret-shape-error.js';
import type { SecretVersion } from './secret-version.js';

/** A required string member of a JSON secret; the error names the secret, stage and key. */
export function requireString(json: Record<string, unknown>, key: string, version: SecretVersion, step?: string): string {
  const v = json[key];
  if (typeof v !== 'string' || v === '') {
    throw new SecretShapeError(`Secret ${version.secretId} (${version.stage}) must have a non-empty string "${key}".`, { secretId: version.secretId, key, step });
  }
  return v;
}

/** An optional string member (undefined when absent or empty). */
export function optionalString(json: Record<string, unknown>, key: string, version: SecretVersion, step?: string): string | undefined {
  const v = json[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    throw new SecretShapeError(`Secret ${version.secretId} (${version.stage}): "${key}" must be a string.`, { secretId: version.secretId, key, step });
  }
  return v;
}

/** An optional port (number or numeric string), else `fallback`. */
export function portOf(json: Record<string, unknown>, version: SecretVersion, fallback: number, step?: string): number {
  const v = json.port;
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new SecretShapeError(`Secret ${version.secretId} (${version.stage}): "port" must be a TCP port number.`, { secretId: version.secretId, key: 'port', step });
  }
  return n;
}
