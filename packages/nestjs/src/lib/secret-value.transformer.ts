import type { StandardSchemaV1 } from '@standard-schema/spec';
import { KeyturnError, SecretKindError, wrapHookFailure, type SecretValue } from '@keyturn/core';
import type { SecretClassSchema, SecretDefinition } from './interfaces/secret-definition.interface.js';
import { secretValidationError, type SecretValidationIssue } from './secret-validation-issues.js';
import { redactPrinting } from './redact-printing.js';

/**
 * Nesting a class schema accepts: class-transformer converts nested objects recursively, and a
 * deeper value would overflow the stack inside it. JSON secrets rarely nest past a handful.
 */
export const MAX_CLASS_SCHEMA_DEPTH = 128;

/**
 * Turns a raw `SecretValue` into the typed value of a definition: picks the JSON key, validates
 * with the class (class-validator) or Standard Schema, and makes the result print without its
 * content. Validation issues are built from metadata (key path, constraint name, the constraint's
 * own arguments), never from a validator's formatted message or from the value, so there is
 * nothing to clean afterwards. Any other error is reported by class name only.
 * @throws SecretValidationError with key paths and constraints; SecretKindError for a binary
 *   secret read as text that is not UTF-8; SecretParseError / SecretKeyMissingError from the value
 */
export class SecretValueTransformer {
  async transform<T>(def: SecretDefinition<T>, value: SecretValue): Promise<T> {
    try {
      if (def.binary) return redactPrinting(value.kind === 'binary' ? value.reveal() : new TextEncoder().encode(value.text()), def.secretId) as T;
      const prefix = def.key ?? '';
      const input: unknown = def.key !== undefined ? value.field(def.key) : def.schema !== undefined ? value.json() : value.text();
      let output: unknown;
      if (def.schema === undefined) {
        if (typeof input !== 'string') {
          throw secretValidationError(def.secretId, [{ path: prefix || '(value)', constraints: ['isString (give defineSecret a schema for other types)'] }]);
        }
        output = input;
      } else if (typeof def.schema === 'function') {
        output = await validateClass(def.secretId, def.schema, input, prefix);
      } else {
        output = await validateStandard(def.secretId, def.schema, input, prefix);
      }
      return redactPrinting(output, def.secretId) as T;
    } catch (error) {
      if (error instanceof SecretKindError && error.code === 'InvalidUtf8') throw binaryAsText(def.secretId, value.versionId);
      throw wrapHookFailure(def.secretId, error, { path: def.key });
    }
  }
}

function binaryAsText(secretId: string, versionId: string): SecretKindError {
  return new SecretKindError(`Secret "${secretId}" (version ${versionId}) is binary (SecretBinary) and not valid UTF-8 text; defineSecret('${secretId}', { binary: true }) serves its bytes`, {
    secretId,
    code: 'InvalidUtf8',
    hint: `the secret value encoding, or define the secret with { binary: true }`,
  });
}

// ---------------------------------------------------------------- class schemas

/** The parts of class-validator's `ValidationError` read here (never `value`, never the messages). */
interface ClassValidationError {
  target?: object;
  property?: string;
  constraints?: Record<string, string>;
  children?: ClassValidationError[];
}

/** The parts of class-validator's `ValidationMetadata` read here. */
interface ConstraintMetadata {
  type: string;
  propertyName: string;
  constraintCls?: unknown;
  constraints?: unknown[];
  message?: unknown;
}

interface ClassTools {
  plainToInstance: (cls: SecretClassSchema, plain: unknown) => object;
  validate: (obj: object, opts: object) => Promise<ClassValidationError[]>;
  storage: {
    getTargetValidationMetadatas(target: unknown, schema: string, always: boolean, strictGroups: boolean): ConstraintMetadata[];
    getTargetValidatorConstraints(cls: unknown): { name?: string }[];
  };
}

async function validateClass(secretId: string, schema: SecretClassSchema, input: unknown, prefix: string): Promise<unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw secretValidationError(secretId, [{ path: prefix || '(value)', constraints: [`isObject (a JSON object to validate with ${schema.name})`] }]);
  }
  const shape = scanShape(input);
  if (shape.tooDeep) {
    throw secretValidationError(secretId, [{ path: joinPath(prefix, shape.tooDeep), constraints: [`maxDepth ${MAX_CLASS_SCHEMA_DEPTH} (nesting a class schema converts)`] }]);
  }
  const tools = await loadClassTools();
  let instance: object;
  try {
    instance = tools.plainToInstance(schema, input);
  } catch (error) {
    // class-transformer fails on some keys (a nested "constructor"): name the first such key.
    throw wrapHookFailure(secretId, error, { path: joinPath(prefix, shape.unusualKey ?? []), by: 'class-transformer' });
  }
  // `target` is kept so that each error leads to its class's metadata; dismissDefaultMessages
  // spares building messages that are never read.
  const errors = await tools.validate(instance, { validationError: { target: true, value: false }, forbidUnknownValues: true, dismissDefaultMessages: true });
  if (errors.length > 0) throw secretValidationError(secretId, issuesFromClassErrors(errors, prefix, new ConstraintDescriber(tools.storage)));
  return instance;
}

/** How the input is shaped, found without recursion: where it nests too deep, where it has a key class-transformer mishandles. */
function scanShape(input: object): { tooDeep?: string[]; unusualKey?: string[] } {
  interface Node {
    value: object;
    depth: number;
    parent?: Node;
    key?: string;
  }
  const pathOf = (n: Node): string[] => {
    const out: string[] = [];
    for (let at: Node | undefined = n; at?.key !== undefined; at = at.parent) out.push(at.key);
    return out.reverse();
  };
  let unusualKey: string[] | undefined;
  const todo: Node[] = [{ value: input, depth: 0 }];
  while (todo.length > 0) {
    const node = todo.pop() as Node;
    for (const key of Object.keys(node.value)) {
      const child = (node.value as Record<string, unknown>)[key];
      if (unusualKey === undefined && node.depth > 0 && (key === 'constructor' || key === '__proto__')) unusualKey = [...pathOf(node), key];
      if (typeof child !== 'object' || child === null) continue;
      const next: Node = { value: child, depth: node.depth + 1, parent: node, key };
      if (next.depth > MAX_CLASS_SCHEMA_DEPTH) return { tooDeep: pathOf(next) };
      todo.push(next);
    }
  }
  return unusualKey ? { unusualKey } : {};
}

/** Where a class-validator error's constraints were declared: a class and one of its properties. */
interface Owner {
  cls?: unknown;
  property?: string;
}

function issuesFromClassErrors(errors: readonly ClassValidationError[], prefix: string, describer: ConstraintDescriber): SecretValidationIssue[] {
  const byPath = new Map<string, string[]>();
  const todo: { error: ClassValidationError; base: readonly string[]; parent: Owner }[] = errors.map((error) => ({ error, base: [], parent: {} })).reverse();
  while (todo.length > 0) {
    const { error, base, parent } = todo.pop() as (typeof todo)[number];
    const segments = error.property === undefined ? base : [...base, String(error.property)];
    // An array item is validated against the metadata of the property holding the array.
    const inCollection = Array.isArray(error.target) || error.target instanceof Set || error.target instanceof Map;
    const owner: Owner = inCollection ? parent : { cls: classOf(error.target), property: error.property };
    const names = Object.keys(error.constraints ?? {});
    if (names.length > 0) {
      const path = joinPath(prefix, segments);
      const list = byPath.get(path) ?? [];
      for (const name of names) list.push(describer.describe(owner, name));
      byPath.set(path, list);
    }
    const children = error.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) todo.push({ error: children[i], base: segments, parent: owner });
  }
  return [...byPath].map(([path, constraints]) => ({ path, constraints }));
}

/** The class an object was made from (its prototype's constructor: an own `constructor` key is data). */
function classOf(target: unknown): unknown {
  if (target === null || typeof target !== 'object') return undefined;
  const ctor = (Object.getPrototypeOf(target) as { constructor?: unknown } | null)?.constructor;
  return typeof ctor === 'function' ? ctor : undefined;
}

const ARGS_MAX_CHARS = 200;

/**
 * A failed constraint as text: `minLength 12`, `matches /^tok_/i`, or `name: <custom message>` for a
 * custom message that cannot show a value (a string without `$value`; message functions receive
 * the value, so they are never called for this).
 */
class ConstraintDescriber {
  readonly #byClass = new Map<unknown, Map<string, ConstraintMetadata[]>>();

  constructor(private readonly storage: ClassTools['storage']) {}

  describe(owner: Owner, name: string): string {
    const meta = owner.property === undefined ? undefined : this.#metadata(owner.cls).get(owner.property)?.find((m) => this.#nameOf(m) === name);
    const args = meta?.constraints ?? [];
    if (meta && typeof meta.message === 'string' && meta.message !== '' && !meta.message.includes('$value')) {
      const className = typeof owner.cls === 'function' ? owner.cls.name : '';
      const message = meta.message.replace(/\$constraint(\d+)|\$property|\$target/g, (token: string, n?: string) =>
        n !== undefined ? formatArg(args[Number(n) - 1]) ?? '' : token === '$property' ? String(owner.property) : className,
      );
      return `${name}: ${message}`;
    }
    const shown = args.map(formatArg).filter((a): a is string => a !== undefined).join(' ');
    if (shown === '') return name;
    return `${name} ${shown.length > ARGS_MAX_CHARS ? `${shown.slice(0, ARGS_MAX_CHARS)}…` : shown}`;
  }

  /** The constraint name class-validator reports for a metadata entry. */
  #nameOf(meta: ConstraintMetadata): string {
    if (meta.type !== 'customValidation' || meta.constraintCls === undefined) return meta.type;
    return this.storage.getTargetValidatorConstraints(meta.constraintCls)[0]?.name ?? meta.type;
  }

  /** A class's validation metadata by property (inherited included), read once per class. */
  #metadata(cls: unknown): Map<string, ConstraintMetadata[]> {
    let byProperty = this.#byClass.get(cls);
    if (!byProperty) {
      byProperty = new Map();
      if (typeof cls === 'function') {
        for (const m of this.storage.getTargetValidationMetadatas(cls, '', false, false)) {
          byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
        }
      }
      this.#byClass.set(cls, byProperty);
    }
    return byProperty;
  }
}

/** A constraint argument written by the schema's author: numbers, strings, patterns, lists, small option objects. */
function formatArg(arg: unknown): string | undefined {
  if (arg === undefined || typeof arg === 'function' || typeof arg === 'symbol') return undefined;
  if (typeof arg === 'string') return JSON.stringify(arg);
  if (arg === null || typeof arg !== 'object') return String(arg);
  if (arg instanceof RegExp) return String(arg);
  if (arg instanceof Date) return Number.isNaN(arg.getTime()) ? undefined : arg.toISOString();
  if (Array.isArray(arg)) return `[${arg.map((x) => formatArg(x) ?? '?').join(',')}]`;
  if (Object.getPrototypeOf(arg) !== Object.prototype && Object.getPrototypeOf(arg) !== null) return undefined;
  try {
    return JSON.stringify(arg);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- Standard Schema

async function validateStandard(secretId: string, schema: StandardSchemaV1, input: unknown, prefix: string): Promise<unknown> {
  const result = await schema['~standard'].validate(input);
  if (result.issues === undefined) return result.value;
  const vendor = schema['~standard'].vendor;
  const byPath = new Map<string, string[]>();
  for (const issue of result.issues) {
    const path = joinPath(prefix, (issue.path ?? []).map((seg) => String(typeof seg === 'object' && seg !== null ? seg.key : seg)));
    byPath.set(path, [...(byPath.get(path) ?? []), describeStandardIssue(issue, vendor)]);
  }
  throw secretValidationError(secretId, [...byPath].map(([path, constraints]) => ({ path, constraints })));
}

/** Details of an issue that come from the schema (what was expected), never from the input. */
const SCHEMA_DETAILS = ['expected', 'minimum', 'maximum', 'format'] as const;

/**
 * A Standard Schema issue as a constraint. The spec only guarantees `message`, which validators
 * may write with the input quoted (valibot: `... but received "<value>"`), and custom checks may
 * put anything in it: it is never shown. When the vendor names the failed check (valibot `kind` +
 * `type`, zod `code`), the constraint is that name and the schema's expectation.
 */
function describeStandardIssue(issue: StandardSchemaV1.Issue, vendor: string): string {
  const fields = issue as unknown as Record<string, unknown>;
  const name = typeof fields['kind'] === 'string' && typeof fields['type'] === 'string' ? fields['type'] : typeof fields['code'] === 'string' ? fields['code'] : undefined;
  if (name === undefined) return `invalid (${vendor} gave no check name; its message is withheld as it may quote the value)`;
  if (name === 'custom') return name;
  const details = SCHEMA_DETAILS.flatMap((key) => {
    const v = fields[key];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? [`${key} ${String(v)}`] : [];
  });
  return details.length > 0 ? `${name} (${details.join(', ')})` : name;
}

// ---------------------------------------------------------------- shared

function joinPath(prefix: string, segments: readonly string[]): string {
  const parts = prefix ? [prefix, ...segments] : [...segments];
  return parts.length === 0 ? '(value)' : parts.join('.');
}

const PEER_HINT = 'validating secrets with a class needs class-validator and class-transformer: npm install class-validator class-transformer';

/** Optional peers, imported when a class schema is first used (literal specifiers keep bundlers informed). */
async function loadClassTools(): Promise<ClassTools> {
  let transformer: Record<string, unknown>;
  let validator: Record<string, unknown>;
  try {
    const [t, v] = await Promise.all([import('class-transformer'), import('class-validator')]);
    transformer = interop(t, 'plainToInstance');
    validator = interop(v, 'validate');
  } catch (cause) {
    throw new KeyturnError(PEER_HINT, { code: 'PeerDependencyMissing', cause });
  }
  return {
    plainToInstance: transformer.plainToInstance as ClassTools['plainToInstance'],
    validate: validator.validate as ClassTools['validate'],
    storage: (validator.getMetadataStorage as () => ClassTools['storage'])(),
  };
}

/** CommonJS peers imported from ES modules may come as `{ default: exports }`. */
function interop(mod: object, member: string): Record<string, unknown> {
  const m = mod as Record<string, unknown> & { default?: Record<string, unknown> };
  return typeof m[member] === 'function' ? m : (m.default ?? m);
}
