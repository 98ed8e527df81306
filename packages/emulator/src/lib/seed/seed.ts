import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLError } from 'yaml';
import { SeedParseError } from '../errors/seed-parse-error.js';
import { findJsonSyntaxError, lineAndColumn } from './json-syntax-error.js';

/** One secret in a seed file. Give at most one of `value`, `json`, `binary`. */
export interface SeedSecret {
  name: string;
  description?: string;
  /** A string value. */
  value?: string;
  /** A JSON value, stored as its JSON text. */
  json?: unknown;
  /** A binary value, base64. */
  binary?: string;
  /** Tags as a map or as `[{Key, Value}]`. */
  tags?: Record<string, string> | { Key: string; Value: string }[];
  kmsKeyId?: string;
}

/** A seed document: `{ secrets: [...] }` (a bare list is accepted too). */
export interface SeedDocument {
  secrets: SeedSecret[];
}

/** Reads a JSON or YAML seed file (YAML is a superset of JSON; the extension only picks the parser). */
export function readSeedFile(path: string): SeedDocument {
  const text = readFileSync(path, 'utf8');
  const data = extname(path).toLowerCase() === '.json' ? parseJson(text, path) : parseYamlSeed(text, path);
  return normaliseSeed(data, path);
}

/** JSON.parse, with a syntax error reported by position only (its own message quotes the text). */
function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const problem = locateJsonProblem(text);
    throw new SeedParseError(path, 'JSON', problem?.line, problem?.column, problem?.reason ?? 'syntax error');
  }
}

function locateJsonProblem(text: string): ReturnType<typeof findJsonSyntaxError> {
  try {
    return findJsonSyntaxError(text);
  } catch {
    return undefined; // nested too deeply to walk: report the file only
  }
}

/**
 * YAML parse with errors reported by position and error code only: the parser's messages and
 * warnings show a snippet of the text, so warnings are not logged and messages are not kept.
 */
function parseYamlSeed(text: string, path: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: false, logLevel: 'error' }) as unknown;
  } catch (err) {
    if (!(err instanceof YAMLError)) throw new SeedParseError(path, 'YAML', undefined, undefined, 'syntax error');
    const { line, column } = lineAndColumn(text, err.pos[0]);
    throw new SeedParseError(path, 'YAML', line, column, err.code.toLowerCase().replace(/_/g, ' '));
  }
}

export function normaliseSeed(data: unknown, origin = 'seed'): SeedDocument {
  const list = Array.isArray(data) ? data : (data as { secrets?: unknown } | null)?.secrets;
  if (!Array.isArray(list)) throw new Error(`${origin}: expected { secrets: [...] } or a list of secrets`);
  list.forEach((s: unknown, i) => {
    const e = s as Partial<SeedSecret> | null;
    if (!e || typeof e.name !== 'string') throw new Error(`${origin}: secrets[${i}] needs a string 'name'`);
    const kinds = ['value', 'json', 'binary'].filter((k) => (e as Record<string, unknown>)[k] !== undefined);
    if (kinds.length > 1) throw new Error(`${origin}: secret ${e.name} has ${kinds.join(' and ')}; give only one`);
    if (e.value !== undefined && typeof e.value !== 'string') throw new Error(`${origin}: secret ${e.name}: 'value' must be a string (use 'json' for structured values)`);
  });
  return { secrets: list as SeedSecret[] };
}

/** The CreateSecret request body for a seed entry. */
export function seedToCreateRequest(s: SeedSecret): Record<string, unknown> {
  const tags = Array.isArray(s.tags) ? s.tags : Object.entries(s.tags ?? {}).map(([Key, Value]) => ({ Key, Value: String(Value) }));
  const body: Record<string, unknown> = { Name: s.name };
  if (s.description !== undefined) body.Description = s.description;
  if (s.kmsKeyId !== undefined) body.KmsKeyId = s.kmsKeyId;
  if (tags.length > 0) body.Tags = tags;
  if (s.value !== undefined) body.SecretString = s.value;
  else if (s.json !== undefined) body.SecretString = JSON.stringify(s.json);
  else if (s.binary !== undefined) body.SecretBinary = s.binary;
  return body;
}
