import { SecretMappingError } from '../errors/secret-mapping.error.js';

/** One JSON key path of a secret and the column that fills it. */
export interface ColumnBinding {
  /** Key path segments, e.g. `['db', 'password']` for `db.password`. */
  readonly path: readonly string[];
  readonly column: string;
}

/**
 * JSON key path to column, e.g. `{ 'db.password': 'db_password', 'smtp.user': 'smtp_user' }`, or
 * the same as text: `db.password=db_password,smtp.user=smtp_user`. A key path's dots make nested
 * objects.
 */
export type ColumnMapping = Readonly<Record<string, string>> | string;

/** A row as a database driver returns it: column name to value. */
export type TableRow = Readonly<Record<string, unknown>>;

const SEGMENT = /^[^.\s]+$/;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Parses and checks a column mapping: every key path is made of non-empty segments, every column
 * is a plain identifier, and no key path is both a value and the parent of another.
 * @throws SecretMappingError naming the offending key path or column
 */
export function parseColumnMapping(mapping: ColumnMapping): ColumnBinding[] {
  const entries: [string, string][] =
    typeof mapping === 'string'
      ? mapping
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
          .map((part) => {
            const eq = part.indexOf('=');
            if (eq <= 0 || eq === part.length - 1) {
              throw new SecretMappingError(`Column mapping entry "${part}" is not of the form key.path=column`, { code: 'InvalidColumnMapping', hint: 'e.g. db.password=db_password,db.user=db_user' });
            }
            return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
          })
      : Object.entries(mapping);
  if (entries.length === 0) throw new SecretMappingError('The column mapping is empty: map at least one JSON key to a column', { code: 'InvalidColumnMapping', hint: 'e.g. db.password=db_password' });
  const bindings: ColumnBinding[] = [];
  const seen = new Set<string>();
  for (const [key, column] of entries) {
    const path = key.split('.');
    if (!path.every((s) => SEGMENT.test(s))) {
      throw new SecretMappingError(`JSON key path "${key}" has an empty segment or whitespace`, { code: 'InvalidColumnMapping', hint: 'key paths are dot-separated names, e.g. db.password' });
    }
    if (typeof column !== 'string' || !COLUMN.test(column)) {
      throw new SecretMappingError(`JSON key path "${key}" maps to "${String(column)}", which is not a column name`, { code: 'InvalidColumnMapping', hint: 'alias computed columns in the query (SELECT lower(x) AS x_lower)' });
    }
    if (seen.has(key)) throw new SecretMappingError(`JSON key path "${key}" is mapped twice`, { code: 'InvalidColumnMapping' });
    seen.add(key);
    bindings.push({ path, column });
  }
  for (const a of bindings) {
    for (const b of bindings) {
      if (a !== b && b.path.length > a.path.length && a.path.every((s, i) => b.path[i] === s)) {
        throw new SecretMappingError(`JSON key path "${a.path.join('.')}" is both a value and the parent of "${b.path.join('.')}"`, { code: 'InvalidColumnMapping' });
      }
    }
  }
  return bindings;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;
const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** A secret name template such as `app/clients/{slug}`: `{column}` is replaced by the row's column. */
export interface NameTemplate {
  readonly template: string;
  /** The columns the template reads. */
  readonly columns: readonly string[];
  /**
   * The secret name for one row.
   * @throws SecretMappingError naming the row and the column when a part is missing or makes an invalid name
   */
  render(row: TableRow, rowLabel: string): string;
}

/** Compiles a secret name template (`app/clients/{slug}`, `{tenant}/{env}/db`). */
export function compileNameTemplate(template: string): NameTemplate {
  const columns = [...template.matchAll(PLACEHOLDER)].map((m) => m[1].trim());
  if (columns.length === 0) {
    throw new SecretMappingError(`Secret name template "${template}" has no {column} placeholder, so every row would get the same name`, { code: 'InvalidNameTemplate', hint: 'e.g. app/clients/{slug}' });
  }
  for (const c of columns) {
    if (!COLUMN.test(c)) throw new SecretMappingError(`Secret name template "${template}": "{${c}}" is not a column name`, { code: 'InvalidNameTemplate' });
  }
  return {
    template,
    columns,
    render(row, rowLabel) {
      const name = template.replace(PLACEHOLDER, (_, raw: string) => {
        const column = raw.trim();
        if (!Object.prototype.hasOwnProperty.call(row, column)) {
          throw new SecretMappingError(`${rowLabel}: the query returns no column "${column}" (used by the name template ${template})`, { code: 'MissingColumn', hint: `select ${column} in the query` });
        }
        const v = row[column];
        if (v === null || v === undefined || v === '') {
          throw new SecretMappingError(`${rowLabel}: column "${column}" is empty, so the row has no secret name (template ${template})`, { code: 'EmptyNamePart', hint: `filter such rows out in the query (WHERE ${column} IS NOT NULL)` });
        }
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') {
          throw new SecretMappingError(`${rowLabel}: column "${column}" is not text or a number, so it cannot be part of a secret name (template ${template})`, { code: 'InvalidNamePart', hint: `cast it in the query (${column}::text)` });
        }
        return String(v);
      });
      if (!NAME.test(name)) {
        throw new SecretMappingError(`${rowLabel}: the secret name built from template ${template} has characters Secrets Manager refuses (allowed: letters, digits and /_+=.@-)`, { code: 'InvalidSecretName', hint: 'normalise the name columns in the query' });
      }
      return name;
    },
  };
}

/**
 * A row's value for a JSON secret: text, numbers and booleans as they are, null as null, dates as
 * ISO text, 64-bit integers (returned as text or bigint) as text, json/jsonb columns as JSON.
 * @throws SecretMappingError for binary data or values JSON cannot hold (the message names where, not what)
 */
function jsonLeaf(v: unknown, where: () => string): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SecretMappingError(`${where()} is not a finite number`, { code: 'InvalidColumnValue', hint: 'cast it to text in the query' });
    return v;
  }
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new SecretMappingError(`${where()} is an invalid date`, { code: 'InvalidColumnValue' });
    return v.toISOString();
  }
  if (v instanceof Uint8Array) {
    throw new SecretMappingError(`${where()} holds binary data, which a JSON secret cannot hold`, { code: 'BinaryColumn', hint: "encode it in the query, e.g. encode(column, 'base64')" });
  }
  if (typeof v === 'object') {
    try {
      return JSON.parse(JSON.stringify(v));
    } catch (err) {
      throw new SecretMappingError(`${where()} cannot be represented as JSON`, { code: 'InvalidColumnValue', cause: err });
    }
  }
  throw new SecretMappingError(`${where()} has a type JSON cannot hold (${typeof v})`, { code: 'InvalidColumnValue' });
}

/**
 * Builds a secret's JSON object from one row through the column mapping (nested keys allowed).
 * @param rowLabel how errors name the row, e.g. `row 17 (secret app/clients/acme)`
 * @throws SecretMappingError naming the row, the key path and the column
 */
export function rowToSecretObject(row: TableRow, bindings: readonly ColumnBinding[], rowLabel: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { path, column } of bindings) {
    const key = path.join('.');
    if (!Object.prototype.hasOwnProperty.call(row, column)) {
      throw new SecretMappingError(`${rowLabel}: the query returns no column "${column}" (JSON key "${key}")`, { code: 'MissingColumn', hint: `select ${column} in the query` });
    }
    let node = out;
    for (const segment of path.slice(0, -1)) node = (node[segment] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = jsonLeaf(row[column], () => `${rowLabel}: column "${column}" (JSON key "${key}")`);
  }
  return out;
}

/** JSON text with object keys sorted at every depth, so the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
