const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '[redacted]';

/**
 * The value a handle hands out, made to print as its key names only: `util.inspect` and
 * `JSON.stringify` show `[redacted]` for every key, bytes are never listed. Property access and
 * spreading are unchanged. An object that cannot take the two printing properties (frozen, sealed:
 * `json()` freezes what it parses, and a Standard Schema may return its input) is copied first,
 * and the copy is frozen, sealed or closed to extension as the original was.
 */
export function redactPrinting<T>(value: T, secretId: string): T {
  if (value === null || typeof value !== 'object') return value;
  const original = value as object;
  const target = Object.isExtensible(original) ? original : copyOf(original);
  const binary = ArrayBuffer.isView(target) || target instanceof ArrayBuffer;
  const keys = (): string[] => (target instanceof Map ? [...target.keys()].map(String) : binary ? [] : Object.keys(target));
  const describe = () => (binary ? REDACTED : Object.fromEntries(keys().map((k) => [k, REDACTED])));
  const label = binary ? `${target.constructor.name}(${(target as ArrayBufferView | ArrayBuffer).byteLength} bytes)` : (target.constructor?.name ?? 'Object');
  Object.defineProperty(target, 'toJSON', { value: describe, enumerable: false, configurable: true });
  Object.defineProperty(target, INSPECT, { value: () => `${label} <secret ${secretId}> ${JSON.stringify(describe())}`, enumerable: false, configurable: true });
  if (target !== original) {
    if (Object.isFrozen(original)) Object.freeze(target);
    else if (Object.isSealed(original)) Object.seal(target);
    else Object.preventExtensions(target);
  }
  return target as T;
}

/** A same-kind copy of an object that cannot be extended. */
function copyOf(value: object): object {
  if (Array.isArray(value)) return [...(value as unknown[])];
  if (value instanceof Map) return new Map(value);
  if (value instanceof Set) return new Set(value);
  if (value instanceof Date) return new Date(value.getTime());
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  return Object.create(Object.getPrototypeOf(value) as object | null, Object.getOwnPropertyDescriptors(value)) as object;
}
