import { InvalidSecretReferenceError } from '../errors/invalid-secret-reference.error.js';

/** A parsed secret reference: which secret, optionally which JSON key and which version. */
export interface SecretRef {
  /** Secret name or ARN, as Secrets Manager accepts it in `SecretId`. */
  readonly secretId: string;
  /** A top-level key of the secret's JSON value. */
  readonly jsonKey?: string;
  /** Version stage (AWSCURRENT when absent). */
  readonly versionStage?: string;
  /** Exact version id. */
  readonly versionId?: string;
}

/** Object form of a reference; `name` and `arn` are aliases of `secretId`. */
export interface SecretRefInput {
  secretId?: string;
  name?: string;
  arn?: string;
  jsonKey?: string;
  versionStage?: string;
  versionId?: string;
}

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+)$/;
const VERSION_ID = /^[A-Za-z0-9-]{32,64}$/;
const STAGE = /^[A-Za-z0-9_+=.@-]{1,256}$/;
const JSON_KEY = /^[^\s:]{1,256}$/;

function invalid(input: string, reason: string): InvalidSecretReferenceError {
  // A reference is configuration, not a value; still, keep long inputs short in the message.
  const shown = input.length > 120 ? `${input.slice(0, 117)}...` : input;
  return new InvalidSecretReferenceError(`Invalid secret reference "${shown}": ${reason}. Expected a name, an ARN, or "name:json-key:version-stage:version-id".`, {
    code: 'InvalidSecretReference',
    hint: 'the secret reference',
  });
}

/** Whether `id` looks like a Secrets Manager ARN. */
export const isSecretArn = (id: string): boolean => ARN.test(id);

function validated(raw: string, ref: { secretId?: string; jsonKey?: string; versionStage?: string; versionId?: string }): SecretRef {
  const { secretId, jsonKey, versionStage, versionId } = ref;
  if (!secretId) throw invalid(raw, 'the secret name is empty');
  if (secretId.startsWith('arn:')) {
    if (!ARN.test(secretId)) throw invalid(raw, 'not a Secrets Manager ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)');
  } else if (!NAME.test(secretId)) {
    throw invalid(raw, 'a secret name has 1-512 characters from A-Z a-z 0-9 / _ + = . @ -');
  }
  if (jsonKey !== undefined && !JSON_KEY.test(jsonKey)) throw invalid(raw, 'the JSON key must be 1-256 characters without spaces or colons');
  if (versionStage !== undefined && !STAGE.test(versionStage)) throw invalid(raw, 'the version stage must be 1-256 characters without spaces');
  if (versionId !== undefined && !VERSION_ID.test(versionId)) throw invalid(raw, 'the version id must be 32-64 letters, digits or hyphens');
  const out: { -readonly [K in keyof SecretRef]: SecretRef[K] } = { secretId };
  if (jsonKey !== undefined) out.jsonKey = jsonKey;
  if (versionStage !== undefined) out.versionStage = versionStage;
  if (versionId !== undefined) out.versionId = versionId;
  return Object.freeze(out);
}

const orUndefined = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

/**
 * Parses a secret reference: a name (`app/db`), an ARN, either followed by the ECS suffix
 * `:json-key:version-stage:version-id` (empty parts allowed), or an object.
 * @throws InvalidSecretReferenceError when the reference is malformed.
 * @example parseSecretRef('app/db:password:AWSPREVIOUS:') // { secretId: 'app/db', jsonKey: 'password', versionStage: 'AWSPREVIOUS' }
 */
export function parseSecretRef(input: string | SecretRefInput | SecretRef): SecretRef {
  if (typeof input === 'object' && input !== null) {
    const o = input as SecretRefInput;
    const ids = [o.secretId, o.name, o.arn].filter((x) => x !== undefined);
    const shown = String(ids[0] ?? '');
    if (ids.length > 1 && new Set(ids).size > 1) throw invalid(shown, 'give only one of secretId, name and arn');
    for (const [k, v] of Object.entries({ secretId: o.secretId, name: o.name, arn: o.arn, jsonKey: o.jsonKey, versionStage: o.versionStage, versionId: o.versionId })) {
      if (v !== undefined && typeof v !== 'string') throw invalid(shown, `${k} must be a string`);
    }
    return validated(shown, { secretId: ids[0], jsonKey: orUndefined(o.jsonKey), versionStage: orUndefined(o.versionStage), versionId: orUndefined(o.versionId) });
  }
  if (typeof input !== 'string') throw invalid(String(input), 'a reference must be a string or an object');
  const raw = input;
  if (raw.trim() !== raw || raw === '') throw invalid(raw, raw === '' ? 'the reference is empty' : 'leading or trailing whitespace');
  const parts = raw.split(':');
  let head: string;
  let rest: string[];
  if (raw.startsWith('arn:')) {
    if (parts.length < 7) throw invalid(raw, 'an ARN has the form arn:<partition>:secretsmanager:<region>:<account>:secret:<name>');
    head = parts.slice(0, 7).join(':');
    rest = parts.slice(7);
  } else {
    head = parts[0];
    rest = parts.slice(1);
  }
  if (rest.length > 3) throw invalid(raw, 'too many ":" separated parts');
  return validated(raw, { secretId: head, jsonKey: orUndefined(rest[0]), versionStage: orUndefined(rest[1]), versionId: orUndefined(rest[2]) });
}

/** The canonical string form of a reference (the ECS form, trailing empty parts dropped). */
export function formatSecretRef(ref: SecretRef): string {
  const parts = [ref.secretId, ref.jsonKey ?? '', ref.versionStage ?? '', ref.versionId ?? ''];
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.join(':');
}
