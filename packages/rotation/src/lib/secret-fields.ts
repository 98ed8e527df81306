import { SecretShapeError } from './errors/secret-shape-error.js';
import type { SecretVersion } from './secret-version.js';

/** An optional string member (undefined when absent or empty). */
export function optionalString(json: Record<string, unknown>, key: string, version: SecretVersion, step?: string): string | undefined {
  const v = json[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    throw new SecretShapeError(`Secret ${version.secretId} (${version.stage}): "${key}" must be a string.`, { secretId: version.secretId, key, step });
  }
  return v;
}
