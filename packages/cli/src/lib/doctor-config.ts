import { UsageError } from './errors/usage-error.js';
import { isJsonObject } from './secret-json.js';

/** What `keyturn doctor` expects of one secret. */
export interface DoctorSecretSpec {
  /** Secret name or ARN. */
  id: string;
  /** Keys the JSON object must contain (non-empty). Implies `json`. @default [] */
  requiredKeys: string[];
  /** The value must be a JSON object. @default true when requiredKeys is non-empty */
  json: boolean;
  /** Rotation must be enabled. @default false */
  rotation: boolean;
}

/**
 * Reads a doctor configuration: `{"secrets": [ "name", "name:jsonKey", {"id": "...",
 * "requiredKeys": [...], "json": true, "rotation": true} ]}`, or a `migrate-env` mapping
 * file (secret id → {key: VARIABLE}; every mapped key is required).
 * `parseRef` turns "name:jsonKey" references into id and key.
 */
export function parseDoctorConfig(
  file: string,
  value: unknown,
  parseRef: (ref: string) => { secretId: string; jsonKey?: string },
): DoctorSecretSpec[] {
  const bad = (why: string) =>
    new UsageError(`${file}: ${why}. Expected {"secrets": ["name", {"id": "name", "requiredKeys": ["k"], "rotation": true}]} or a migrate-env mapping file.`);
  if (!isJsonObject(value)) throw bad('not a JSON object');
  if (!('secrets' in value)) {
    // migrate-env mapping file: { "app/prod/db": { "password": "DB_PASSWORD" } }
    const specs: DoctorSecretSpec[] = [];
    for (const [id, keys] of Object.entries(value)) {
      if (typeof keys === 'string') specs.push({ id, requiredKeys: [], json: false, rotation: false });
      else if (isJsonObject(keys)) specs.push({ id, requiredKeys: Object.keys(keys).sort(), json: true, rotation: false });
      else throw bad(`entry "${id}" is neither a variable name nor {key: VARIABLE}`);
    }
    return specs;
  }
  if (!Array.isArray(value.secrets)) throw bad('"secrets" must be an array');
  const byId = new Map<string, DoctorSecretSpec>();
  for (const entry of value.secrets as unknown[]) {
    let id: string;
    let keys: string[] = [];
    let json: boolean | undefined;
    let rotation = false;
    if (typeof entry === 'string') {
      const ref = parseRef(entry);
      id = ref.secretId;
      if (ref.jsonKey) keys = [ref.jsonKey];
    } else if (isJsonObject(entry)) {
      if (typeof entry.id !== 'string') throw bad('every object entry needs "id"');
      const ref = parseRef(entry.id);
      id = ref.secretId;
      if (ref.jsonKey) keys.push(ref.jsonKey);
      if (entry.requiredKeys !== undefined) {
        if (!Array.isArray(entry.requiredKeys) || !entry.requiredKeys.every((k) => typeof k === 'string')) throw bad(`"requiredKeys" of ${id} must be an array of strings`);
        keys.push(...(entry.requiredKeys as string[]));
      }
      if (entry.json !== undefined && typeof entry.json !== 'boolean') throw bad(`"json" of ${id} must be true or false`);
      if (entry.rotation !== undefined && typeof entry.rotation !== 'boolean') throw bad(`"rotation" of ${id} must be true or false`);
      json = entry.json as boolean | undefined;
      rotation = entry.rotation === true;
    } else throw bad('entries must be strings or objects');
    const prev = byId.get(id);
    const requiredKeys = [...new Set([...(prev?.requiredKeys ?? []), ...keys])].sort();
    byId.set(id, {
      id,
      requiredKeys,
      json: (json ?? prev?.json ?? false) || requiredKeys.length > 0,
      rotation: rotation || (prev?.rotation ?? false),
    });
  }
  return [...byId.values()];
}
