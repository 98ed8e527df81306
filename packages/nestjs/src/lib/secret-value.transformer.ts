import { inspect } from 'node:util';
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
        constraints: [describeStandardIssue(issue)],
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

/** Details of an issue that come from the schema (what was expected), never from the input. */
const SCHEMA_DETAILS = ['expected', 'minimum', 'maximum', 'format'] as const;

/**
 * A Standard Schema issue as a constraint. The spec only guarantees `message`, which validators
 * may write with the input quoted (valibot: `... but received "<value>"`); when the vendor names
 * the failed check (valibot `kind` + `type`, zod `code`), the constraint is built from that name
 * and the schema's expectation instead, and the message is dropped.
 */
function describeStandardIssue(issue: StandardSchemaV1.Issue): string {
  const fields = issue as unknown as Record<string, unknown>;
  const name = typeof fields['kind'] === 'string' && typeof fields['type'] === 'string' ? fields['type'] : typeof fields['code'] === 'string' ? fields['code'] : undefined;
  if (name === undefined || name === 'custom') return name === undefined ? issue.message : `${name}: ${issue.message}`;
  const details = SCHEMA_DETAILS.flatMap((key) => {
    const v = fields[key];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? [`${key} ${String(v)}`] : [];
  });
  return details.length > 0 ? `${name} (${details.join(', ')})` : name;
}

/** Every form in which a message could quote a value of the input: raw, JSON-quoted (with and without quotes), util.inspect-escaped. */
function quotedForms(input: unknown): string[] {
  const forms = new Set<string>();
  const add = (s: string) => {
    if (s.length >= 3) forms.add(s);
  };
  const addString = (s: string) => {
    add(s);
    const json = JSON.stringify(s);
    add(json);
    add(json.slice(1, -1));
    add(inspect(s).slice(1, -1));
  };
  const collect = (v: unknown, depth: number) => {
    if (depth > 8) return;
    if (typeof v === 'string') addString(v);
    else if (typeof v === 'number' || typeof v === 'bigint') add(String(v));
    else if (v !== null && typeof v === 'object') {
      try {
        add(JSON.stringify(v));
      } catch {
        // Not serialisable: its leaves are still collected below.
      }
      for (const x of Object.values(v)) collect(x, depth + 1);
    }
  };
  collect(input, 0);
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Messages are written by validators, some of which quote the input; remove every form of every value the input contains. */
function scrub(issues: SecretValidationIssue[], input: unknown): SecretValidationIssue[] {
  const forms = quotedForms(input);
  const clean = (msg: string) => forms.reduce((m, form) => m.split(form).join(REDACTED), msg);
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
