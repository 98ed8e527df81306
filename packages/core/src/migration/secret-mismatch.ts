import { INSPECT } from '../values/redaction.js';
import { WHOLE_VALUE, type KeyMismatch } from './keyed-digest.js';

/**
 * The old and the new source disagree about a secret, reported by secret, key path and version,
 * never by value. Built by {@link SideBySideSource}; the store turns it into an event, a log line,
 * an audit record and a metric.
 */
export interface SecretMismatch {
  secretId: string;
  /** The stage compared (side-by-side reads compare the current version). */
  stage: string;
  /** The key paths that differ (`''` is the whole value of a non-JSON secret); empty when a side could not be read. */
  keys: readonly KeyMismatch[];
  oldSource: string;
  newSource: string;
  /** Version of the old source's value (an HMAC-derived id for env, .env and table sources). */
  oldVersionId?: string;
  /** Version of the new source's value (the Secrets Manager VersionId). */
  newVersionId?: string;
  /** Error code when the old source could not serve the secret (`ResourceNotFoundException` when it does not have it). */
  oldErrorCode?: string;
  /** Error code when the new source could not serve the secret (`ResourceNotFoundException`: not migrated yet). */
  newErrorCode?: string;
  /** Which side was served. */
  served: 'old' | 'new';
  at: Date;
}

/** A key path for people: the whole value of a non-JSON secret has no path. */
export const describeKeyPath = (path: string): string => (path === WHOLE_VALUE ? '(whole value)' : path);

/** A mismatch as audit records and health payloads carry it: key paths, sources, versions and error codes; never a value. */
export interface MismatchSummary {
  keyPaths: string[];
  oldSource: string;
  oldVersionId?: string;
  oldErrorCode?: string;
  newSource: string;
  newVersionId?: string;
  newErrorCode?: string;
}

/** The {@link MismatchSummary} of `m`, without the members that are not set. */
export function summarizeMismatch(m: SecretMismatch): MismatchSummary {
  const { oldSource, oldVersionId, oldErrorCode, newSource, newVersionId, newErrorCode } = m;
  const summary: MismatchSummary = { keyPaths: m.keys.map((k) => k.path), oldSource, oldVersionId, oldErrorCode, newSource, newVersionId, newErrorCode };
  for (const k of Object.keys(summary) as (keyof MismatchSummary)[]) if (summary[k] === undefined) delete summary[k];
  return summary;
}

/** One line naming the secret, the key paths, the sources and the versions; never a value. */
export function describeMismatch(m: SecretMismatch): string {
  const side = (source: string, versionId: string | undefined, code: string | undefined) =>
    code ? `${source} (${code === 'ResourceNotFoundException' ? 'missing' : `unreadable: ${code}`})` : `${source} (version ${versionId ?? 'unknown'})`;
  const keys = m.keys.length ? `: ${m.keys.map((k) => `${describeKeyPath(k.path)} ${k.kind}`).join(', ')}` : '';
  return `Secret "${m.secretId}" differs between ${side(m.oldSource, m.oldVersionId, m.oldErrorCode)} and ${side(m.newSource, m.newVersionId, m.newErrorCode)}${keys}; serving ${m.served === 'old' ? m.oldSource : m.newSource}`;
}

/** A mismatch with a readable `toString` and `util.inspect`; its fields are the report. */
export class SecretMismatchReport implements SecretMismatch {
  readonly secretId: string;
  readonly stage: string;
  readonly keys: readonly KeyMismatch[];
  readonly oldSource: string;
  readonly newSource: string;
  readonly oldVersionId?: string;
  readonly newVersionId?: string;
  readonly oldErrorCode?: string;
  readonly newErrorCode?: string;
  readonly served: 'old' | 'new';
  readonly at: Date;

  constructor(m: SecretMismatch) {
    this.secretId = m.secretId;
    this.stage = m.stage;
    this.keys = Object.freeze(m.keys.map((k) => Object.freeze({ ...k })));
    this.oldSource = m.oldSource;
    this.newSource = m.newSource;
    if (m.oldVersionId !== undefined) this.oldVersionId = m.oldVersionId;
    if (m.newVersionId !== undefined) this.newVersionId = m.newVersionId;
    if (m.oldErrorCode !== undefined) this.oldErrorCode = m.oldErrorCode;
    if (m.newErrorCode !== undefined) this.newErrorCode = m.newErrorCode;
    this.served = m.served;
    this.at = m.at;
    Object.freeze(this);
  }

  /** The key paths, for metric-free summaries and audit records. */
  get keyPaths(): string[] {
    return this.keys.map((k) => k.path);
  }

  toString(): string {
    return describeMismatch(this);
  }

  [INSPECT](): string {
    return `SecretMismatch(${describeMismatch(this)})`;
  }
}
