/**
 * What the fleet bus carries: which secret has which new version. Never a value: a message names
 * the secret and its version, and every instance that receives it reads the value itself from
 * Secrets Manager with its own credentials.
 */
export interface InvalidationMessage {
  /** The secret's name or ARN (as the instances register it). */
  secretId: string;
  /** The AWSCURRENT version the sender saw. */
  versionId: string;
  /** The AWS region the sender read it in, when it knows. */
  region?: string;
  /** Instance id of the publisher (an instance ignores its own messages). */
  origin?: string;
}

/** Largest message accepted or sent, in bytes (an ARN of 2048 characters and a version id fit). */
export const MAX_INVALIDATION_MESSAGE_BYTES = 4096;

// Secrets Manager's own limits: SecretId 1..2048 characters (a name uses ASCII letters, digits and
// /_+=.@-; an ARN adds ':'); VersionId 32..64 characters (a UUID, or the ClientRequestToken given).
const SECRET_ID = /^[A-Za-z0-9/_+=.@:-]{1,2048}$/;
const VERSION_ID = /^[A-Za-z0-9_-]{32,64}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ORIGIN = /^[A-Za-z0-9._:@/-]{1,128}$/;
const FIELDS: Record<keyof InvalidationMessage, RegExp> = { secretId: SECRET_ID, versionId: VERSION_ID, region: REGION, origin: ORIGIN };
const REQUIRED = ['secretId', 'versionId'] as const;

/** Why a message was refused (names the rule broken, never the message's content). */
export type InvalidMessageReason = 'too-large' | 'not-json' | 'not-an-object' | 'unknown-field' | 'missing-field' | 'bad-field';

/** The outcome of {@link parseInvalidationMessage}. */
export type ParsedInvalidationMessage = { ok: true; message: InvalidationMessage } | { ok: false; reason: InvalidMessageReason; field?: string };

/**
 * Checks a received message strictly: at most {@link MAX_INVALIDATION_MESSAGE_BYTES}, a JSON object
 * with exactly the fields of {@link InvalidationMessage} (anything else, a value for instance, is
 * refused), each a string within Secrets Manager's syntax and length limits.
 */
export function parseInvalidationMessage(raw: string | Buffer): ParsedInvalidationMessage {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > MAX_INVALIDATION_MESSAGE_BYTES) return { ok: false, reason: 'too-large' };
  let data: unknown;
  try {
    data = JSON.parse(raw.toString());
  } catch {
    return { ok: false, reason: 'not-json' };
  }
  return checkMessage(data);
}

/** The checks of {@link parseInvalidationMessage} on an object. */
function checkMessage(data: unknown): ParsedInvalidationMessage {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: 'not-an-object' };
  const fields = Object.keys(data);
  for (const field of fields) {
    if (!Object.prototype.hasOwnProperty.call(FIELDS, field)) return { ok: false, reason: 'unknown-field', field: field.length <= 64 && /^\w+$/.test(field) ? field : undefined };
  }
  for (const field of REQUIRED) if (!fields.includes(field)) return { ok: false, reason: 'missing-field', field };
  const record = data as Record<string, unknown>;
  const message = {} as InvalidationMessage;
  for (const field of fields as (keyof InvalidationMessage)[]) {
    const v = record[field];
    if (typeof v !== 'string' || !FIELDS[field].test(v)) return { ok: false, reason: 'bad-field', field };
    message[field] = v;
  }
  return { ok: true, message };
}

/**
 * The wire form of a message (JSON with the known fields only).
 * @throws TypeError naming the field when the message would be refused by its receivers
 */
export function encodeInvalidationMessage(message: InvalidationMessage): string {
  const plain: Record<string, string> = { secretId: message.secretId, versionId: message.versionId };
  if (message.region !== undefined) plain.region = message.region;
  if (message.origin !== undefined) plain.origin = message.origin;
  const checked = checkMessage(plain);
  if (!checked.ok) throw new TypeError(`invalidation message for secret ${SECRET_ID.test(message.secretId) ? `"${message.secretId}"` : '(invalid id)'} refused: ${checked.reason}${checked.field ? ` (${checked.field})` : ''}`);
  const text = JSON.stringify(plain);
  if (Buffer.byteLength(text) > MAX_INVALIDATION_MESSAGE_BYTES) throw new TypeError(`invalidation message for secret "${message.secretId}" refused: too-large`);
  return text;
}
