import type { SecretRecord } from '../model/secret-record.js';

/**
 * Where acknowledged writes go. Every method is synchronous: when `put`/`remove` return, the
 * change is durable (or, for the in-memory variant, simply accepted), so the caller may answer.
 */
export interface Persistence {
  /** Reads the stored state (empty for a new store). */
  load(): SecretRecord[];
  /**
   * Records the new state of `secret`; values are written only for `newValueIds`. With
   * `previous` (the stored state before this write), only the change needs to be recorded.
   */
  put(secret: SecretRecord, newValueIds: readonly string[], previous?: Readonly<SecretRecord>): void;
  /** Records that the secret with this ARN no longer exists. */
  remove(arn: string): void;
  /** Folds the journal into a snapshot when it has grown; `state` gives the full current state. */
  maybeCompact(state: () => SecretRecord[]): void;
  /** Compacts and releases files. */
  close(state: () => SecretRecord[]): void;
}

/** Keeps nothing: the emulator's state lives in memory only. */
export class MemoryPersistence implements Persistence {
  load(): SecretRecord[] {
    return [];
  }
  put(): void {}
  remove(): void {}
  maybeCompact(): void {}
  close(): void {}
}
