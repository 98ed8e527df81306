import type { MismatchSummary } from '../migration/secret-mismatch.js';

/** A structured record of a load, refresh, rotation, rejection or error. Never carries a value. */
export interface AuditEvent {
  type: 'load' | 'refresh' | 'rotation' | 'rejected' | 'error' | 'mismatch' | 'rotation-unfinished';
  secretId: string;
  versionId?: string;
  stage?: string;
  /** The source that answered (or failed): `aws`, `env`, ... */
  source: string;
  /** The AWS region that answered, when the source is regional (replica-region failover). */
  region?: string;
  outcome: 'success' | 'failure' | 'unchanged';
  latencyMs: number;
  errorCode?: string;
  /** For `mismatch` (migration mode): the key paths that differ and both sides' versions, never values. */
  mismatch?: MismatchSummary;
  at: Date;
}

/** Where audit events go (a log shipper, CloudWatch, a test array). */
export interface AuditSink {
  record(event: AuditEvent): void;
}

/** Logger shape compatible with NestJS's `LoggerService` (and `console`). */
export interface KeyturnLogger {
  log(message: string, context?: Record<string, unknown> | string): void;
  warn(message: string, context?: Record<string, unknown> | string): void;
  error(message: string, context?: Record<string, unknown> | string): void;
  debug?(message: string, context?: Record<string, unknown> | string): void;
}
