import { wrapHookFailure } from '../errors/hook-failure.js';
import type { KeyturnError } from '../errors/keyturn.error.js';
import type { SecretRef } from '../refs/secret-ref.js';
import type { SecretValue } from '../values/secret-value.js';
import type { RotationEvent, SecretDefinitionInput } from './store.types.js';

const isPromise = <T>(x: unknown): x is Promise<T> => typeof (x as { then?: unknown } | null)?.then === 'function';

/**
 * One definition's view of a record: its hook and the value it computed for the record's current
 * version. Definitions with the same reference, `required` flag and hooks share one binding.
 */
export interface Binding<T = unknown> {
  readonly ref: SecretRef;
  readonly required: boolean;
  readonly validate?: SecretDefinitionInput<T>['validate'];
  readonly transform?: SecretDefinitionInput<T>['transform'];
  readonly compute: (value: SecretValue) => T | Promise<T>;
  /** Version id `value` was computed from (undefined until ready). */
  versionId?: string;
  value?: T;
  /** Set when this binding's hook failed on the current version (late registration only). */
  error?: KeyturnError;
  ready?: Promise<void>;
  readonly listeners: Set<(event: RotationEvent<T>) => void>;
  /** The entry handed out for this binding (one per binding, however often it is registered). */
  entry?: unknown;
}

/** Whether a definition is the one a binding was made for (same key, flag and hook functions). */
export function bindingMatches(b: Binding, ref: SecretRef, def: SecretDefinitionInput<unknown>, required: boolean): boolean {
  return b.required === required && b.ref.jsonKey === ref.jsonKey && b.validate === def.validate && b.transform === def.transform;
}

export function createBinding<T>(ref: SecretRef, def: SecretDefinitionInput<T>, required: boolean): Binding<T> {
  const { validate, transform } = def;
  const key = ref.jsonKey;
  const compute = (value: SecretValue): T | Promise<T> => {
    if (key !== undefined) value.field(key);
    if (!validate && !transform) return value as unknown as T;
    // A validator written in plain JavaScript may return nothing: serve the SecretValue then.
    const finish = (validated: T | undefined): T | Promise<T> => (transform ? transform(value) : validated === undefined ? (value as unknown as T) : validated);
    if (!validate) return finish(undefined);
    const out = validate(value);
    return isPromise<T>(out) ? out.then(finish) : finish(out);
  };
  return { ref, required, validate, transform, compute, listeners: new Set() };
}

/** A binding's hook failure as a KeyturnError, at the reference's JSON key when it has one. */
export const hookFailure = (secretId: string, b: Binding, err: unknown): KeyturnError => wrapHookFailure(secretId, err, { path: b.ref.jsonKey });

/** Runs a binding registered after the record loaded on the record's current version. */
export function initBinding(secretId: string, b: Binding, value: SecretValue, stillCurrent: () => boolean): void {
  let out: unknown;
  try {
    out = b.compute(value);
  } catch (err) {
    b.error = hookFailure(secretId, b, err);
    return;
  }
  if (isPromise(out)) {
    b.ready = out.then(
      (v) => {
        if (stillCurrent()) {
          b.value = v;
          b.versionId = value.versionId;
        }
      },
      (err) => {
        b.error = hookFailure(secretId, b, err);
      },
    );
  } else {
    b.value = out;
    b.versionId = value.versionId;
  }
}

/** Every binding's hook on a new version: all values, or the first failure. */
export async function computeAll(bindings: readonly Binding[], value: SecretValue): Promise<{ ok: true; values: unknown[] } | { ok: false; binding: Binding; reason: unknown }> {
  const settled = await Promise.allSettled(bindings.map(async (b) => b.compute(value)));
  const failedAt = settled.findIndex((s) => s.status === 'rejected');
  if (failedAt >= 0) return { ok: false, binding: bindings[failedAt], reason: (settled[failedAt] as PromiseRejectedResult).reason };
  return { ok: true, values: settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) };
}
