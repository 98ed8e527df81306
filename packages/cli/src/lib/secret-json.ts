import { CliError } from './errors/cli-error.js';
import { UsageError } from './errors/usage-error.js';
import { ExitCode } from './exit-codes.js';

/**
 * Parses JSON without ever echoing the input: V8's own messages quote the text around the
 * error, which would print part of a secret. Only the position is kept.
 */
export function parseJsonSafely(text: string): { ok: true; value: unknown } | { ok: false; position?: number } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    return { ok: false, position: m ? Number(m[1]) : undefined };
  }
}

export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON object stored in a secret; a clear error (no value) when it is not one. */
export function secretJsonObject(secretId: string, secretString: string | undefined): Record<string, unknown> {
  if (secretString === undefined) {
    throw new CliError(`Secret "${secretId}" holds a binary value, not JSON; key access needs a JSON object.`, ExitCode.Failed, { code: 'SecretNotJson' });
  }
  const parsed = parseJsonSafely(secretString);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    const where = !parsed.ok && parsed.position !== undefined ? ` (parse error at character ${parsed.position})` : '';
    throw new CliError(
      `Secret "${secretId}" is not a JSON object${where}; key access needs {"key": "value", ...}. Omit the key to work with the whole value.`,
      ExitCode.Failed,
      { code: 'SecretNotJson' },
    );
  }
  return parsed.value;
}

/** Reads a JSON object from a file the operator named, with usage errors that quote no content. */
export function jsonObjectFromFileText(path: string, text: string): Record<string, unknown> {
  const parsed = parseJsonSafely(text);
  if (!parsed.ok) {
    const where = parsed.position !== undefined ? ` at character ${parsed.position}` : '';
    throw new UsageError(`${path} is not valid JSON (parse error${where}). Fix the file and run the command again.`);
  }
  if (!isJsonObject(parsed.value)) throw new UsageError(`${path} must hold a JSON object ({"key": "value", ...}).`);
  return parsed.value;
}

/** A JSON value as the text stored for a key (strings as-is, others as JSON). */
export function fieldText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
