import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { SecretValue } from '@keyturn/core';
import type { SecretClassSchema, SecretDefinition } from './interfaces/secret-definition.interface.js';
import { secretValidationError, type SecretValidationIssue } from './secret-validation-issues.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '[redacted]';

/**
 * Turns a raw `SecretValue` into the typed value of a definition: picks the JSON key,
 * validates with the class (class-validator) or Standard Schema, and makes the result print
 * without its content. Throws `SecretValidationError` with key paths and constraints, never values.
 */
export class SecretValueTransformer {
  async transform<T>(def: SecretDefinition<T>, value: SecretValue): Promise<T> {
    const input: unknown = def.key !== undefined ? value.field(def.key) : def.schema !== undefined ? value.json() : value.text();
    const prefix = def.key ?? '';
    let output: unknown;
    if (def.schema === undefined) {
      if (typeof input !== 'string') {
        throw secretValidationError(def.secretId, [{ path: prefix || '(value)', constraints: ['must be a string (give defineSecret a schema for other types)'] }]);
      }
      output = input;
    } else if (typeof def.schema === 'function') {
      output = await this.validateClass(def.secretId, def.schema, input, prefix);
    } else {
      output = await this.validateStandard(def.secretId, def.schema, input, prefix);
    }
    return redactPrinting(output, def.secretId) as T;
  }

  private async validateClass(secretId: string, schema: SecretClassSchema, input: unknown, prefix: string): Promise<unknown> {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw secretValidationError(secretId, [{ path: prefix || '(value)', constraints: [`must be a JSON object to validate with ${schema.name}`] }]);
    }
    const [transformer, validator] = await loadClassTools();
    const plainToInstance = transformer.plainToInstance as (cls: SecretClassSchema, plain: unknown) => object;
    const validate = validator.validate as (obj: object, opts: object) => Promise<ClassValidationError[]>;
    const instance = plainToInstance(schema, input);
    const errors = await validate(instance, { validationError: { target: false, value: false }, forbidUnknownValues: true });
    if (errors.length > 0) throw secretValidationError(secretId, scrub(flattenClassErrors(errors, prefix), input));
    return instance;
  }

  private async validateStandard(secretId: string, schema: StandardSchemaV1, input: unknown, prefix: string): Promise<unknown> {
    const result = await schema['~standard'].validate(input);
    if (result.issues !== undefined) {
      const issues = result.issues.map((issue) => ({
        path: joinPath(prefix, (issue.path ?? []).map((seg) => String(typeof seg === 'object' ? seg.key : seg))),
        constraints: [issue.message],
      }));
      throw secretValidationError(secretId, scrub(mergeByPath(issues), input));
    }
    return result.value;
  }
}

interface ClassValidationError {
  property: string;
  constraints?: Record<string, string>;
  children?: ClassValidationError[];
}

function joinPath(prefix: string, segments: readonly string[]): string {
  const parts = prefix ? [prefix, ...segments] : [...segments];
  return parts.length === 0 ? '(value)' : parts.join('.');
}

function flattenClassErrors(errors: readonly ClassValidationError[], prefix: string): SecretValidationIssue[] {
  const out: SecretValidationIssue[] = [];
  const walk = (list: readonly ClassValidationError[], base: string[]) => {
    for (const e of list) {
      const path = [...base, e.property];
      if (e.constraints && Object.keys(e.constraints).length > 0) {
        out.push({ path: joinPath(prefix, path), constraints: Object.entries(e.constraints).map(([name, msg]) => `${name}: ${msg}`) });
      }
      if (e.children?.length) walk(e.children, path);
    }
  };
  walk(errors, []);
  return out;
}

function mergeByPath(issues: SecretValidationIssue[]): SecretValidationIssue[] {
  const byPath = new Map<string, string[]>();
  for (const i of issues) byPath.set(i.path, [...(byPath.get(i.path) ?? []), ...i.constraints]);
  return [...byPath].map(([path, constraints]) => ({ path, constraints }));
}

/** Messages are written by validators, some of which quote the input; remove anything the input contains. */
function scrub(issues: SecretValidationIssue[], input: unknown): SecretValidationIssue[] {
  const leaves = new Set<string>();
  const collect = (v: unknown, depth: number) => {
    if (depth > 8) return;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') {
      const s = String(v);
      if (s.length >= 3) leaves.add(s);
    } else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) collect(x, depth + 1);
  };
  collect(input, 0);
  const sorted = [...leaves].sort((a, b) => b.length - a.length);
  const clean = (msg: string) => sorted.reduce((m, leaf) => m.split(leaf).join(REDACTED), msg);
  return issues.map((i) => ({ path: i.path, constraints: i.constraints.map(clean) }));
}

/** Objects handed out print as their key names only: `util.inspect` / `JSON.stringify` never show values. */
function redactPrinting(value: unknown, secretId: string): unknown {
  if (value === null || typeof value !== 'object' || !Object.isExtensible(value)) return value;
  const describe = () => {
    const keys = Object.keys(value as object);
    return Object.fromEntries(keys.map((k) => [k, REDACTED]));
  };
  Object.defineProperty(value, 'toJSON', { value: describe, enumerable: false, configurable: true });
  Object.defineProperty(value, INSPECT, {
    value: () => `${(value as object).constructor?.name ?? 'Object'} <secret ${secretId}> ${JSON.stringify(describe())}`,
    enumerable: false,
    configurable: true,
  });
  return value;
}

const PEER_HINT = 'validating secrets with a class needs class-validator and class-transformer: npm install class-validator class-transformer';

/** Optional peers, imported when a class schema is first used (literal specifiers keep bundlers informed). */
async function loadClassTools(): Promise<[Record<string, unknown>, Record<string, unknown>]> {
  try {
    const [transformer, validator] = await Promise.all([import('class-transformer'), import('class-validator')]);
    return [interop(transformer, 'plainToInstance'), interop(validator, 'validate')];
  } catch (cause) {
    throw new Error(PEER_HINT, { cause });
  }
}

/** CommonJS peers imported from ES modules may come as `{ default: exports }`. */
function interop(mod: object, member: string): Record<string, unknown> {
  const m = mod as Record<string, unknown> & { default?: Record<string, unknown> };
  return typeof m[member] === 'function' ? m : (m.default ?? m);
}
