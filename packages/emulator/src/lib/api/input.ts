import { Errors } from '../errors/service-error.js';

type Json = unknown;

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
}

interface NumberRule {
  required?: boolean;
  min?: number;
  max?: number;
}

/** lowerCamel member path as AWS names it in validation messages (`secretId`). */
function memberPath(name: string): string {
  return name
    .split('.')
    .map((p) => p.charAt(0).toLowerCase() + p.slice(1))
    .join('.');
}

/**
 * Typed, constraint-checked access to a request body. A member of the wrong JSON type is a
 * SerializationException (the service cannot deserialize it); a member that breaks a model
 * constraint (required, length, range) is a ValidationException, as AWS reports both.
 */
export class Input {
  private constructor(
    private readonly body: Record<string, Json>,
    private readonly prefix: string,
  ) {}

  static of(body: unknown, prefix = ''): Input {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw Errors.serialization('Start of structure or map found where not expected.');
    }
    return new Input(body as Record<string, Json>, prefix);
  }

  private path(name: string): string {
    return memberPath(this.prefix ? `${this.prefix}.${name}` : name);
  }

  has(name: string): boolean {
    const v = this.body[name];
    return v !== undefined && v !== null;
  }

  private missing(name: string): never {
    throw Errors.validation(`1 validation error detected: Value null at '${this.path(name)}' failed to satisfy constraint: Member must not be null`);
  }

  private checkLength(name: string, value: string | unknown[], rule: StringRule, what = 'length'): void {
    if (rule.min !== undefined && value.length < rule.min) {
      throw Errors.validation(`1 validation error detected: Value at '${this.path(name)}' failed to satisfy constraint: Member must have ${what} greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value.length > rule.max) {
      throw Errors.validation(`1 validation error detected: Value at '${this.path(name)}' failed to satisfy constraint: Member must have ${what} less than or equal to ${rule.max}`);
    }
  }

  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return rule.required ? this.missing(name) : undefined;
    if (typeof v !== 'string') throw Errors.serialization(`Value for '${this.path(name)}' must be a string.`);
    this.checkLength(name, v, rule);
    return v;
  }

  integer(name: string, rule: NumberRule = {}): number | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return rule.required ? this.missing(name) : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw Errors.serialization(`Value for '${this.path(name)}' must be a number.`);
    if (!Number.isInteger(v)) throw Errors.serialization(`Value for '${this.path(name)}' must be an integer.`);
    if (rule.min !== undefined && v < rule.min) {
      throw Errors.validation(`1 validation error detected: Value '${v}' at '${this.path(name)}' failed to satisfy constraint: Member must have value greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && v > rule.max) {
      throw Errors.validation(`1 validation error detected: Value '${v}' at '${this.path(name)}' failed to satisfy constraint: Member must have value less than or equal to ${rule.max}`);
    }
    return v;
  }

  boolean(name: string): boolean | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw Errors.serialization(`Value for '${this.path(name)}' must be a boolean.`);
    return v;
  }

  /** A base64 blob member, returned as canonical base64 text (length checks are the caller's). */
  blob(name: string): string | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 === 1) throw Errors.serialization(`Value for '${this.path(name)}' is not valid base64.`);
    return Buffer.from(v, 'base64').toString('base64');
  }

  stringList(name: string, rule: StringRule & { item?: StringRule } = {}): string[] | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return rule.required ? this.missing(name) : undefined;
    if (!Array.isArray(v)) throw Errors.serialization(`Value for '${this.path(name)}' must be a list.`);
    this.checkLength(name, v, rule, 'length');
    return v.map((item, i) => {
      if (typeof item !== 'string') throw Errors.serialization(`Value for '${this.path(name)}[${i}]' must be a string.`);
      if (rule.item) this.checkLength(`${name}.member`, item, rule.item);
      return item;
    });
  }

  structList(name: string, rule: { required?: boolean; min?: number; max?: number } = {}): Input[] | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return rule.required ? this.missing(name) : undefined;
    if (!Array.isArray(v)) throw Errors.serialization(`Value for '${this.path(name)}' must be a list.`);
    this.checkLength(name, v, rule, 'length');
    return v.map((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw Errors.serialization(`Value for '${this.path(name)}[${i}]' must be a structure.`);
      }
      return new Input(item as Record<string, Json>, `${this.prefix ? `${this.prefix}.` : ''}${name}.${i + 1}.member`);
    });
  }

  struct(name: string): Input | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw Errors.serialization(`Value for '${this.path(name)}' must be a structure.`);
    return new Input(v as Record<string, Json>, this.prefix ? `${this.prefix}.${name}` : name);
  }
}
