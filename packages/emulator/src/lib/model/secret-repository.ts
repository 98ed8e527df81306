import { randomInt } from 'node:crypto';
import type { Persistence } from '../persistence/persistence.js';
import { cloneSecret, type SecretRecord } from './secret-record.js';

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The secrets of one emulator (one region and account), indexed by ARN and name. Callers read
 * copies and write whole records back with `save`, which makes the change durable before it
 * returns; a failed operation therefore never leaves a half-applied change behind.
 */
export class SecretRepository {
  private readonly byArn = new Map<string, SecretRecord>();
  private readonly byName = new Map<string, string>();

  constructor(
    private readonly persistence: Persistence,
    readonly region: string,
    readonly accountId: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Loads the persisted state; call once before serving. */
  load(): void {
    for (const s of this.persistence.load()) this.index(s);
  }

  get arnPrefix(): string {
    return `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:`;
  }

  newArn(name: string): string {
    let suffix = '';
    for (let i = 0; i < 6; i++) suffix += SUFFIX_CHARS[randomInt(SUFFIX_CHARS.length)];
    return `${this.arnPrefix}${name}-${suffix}`;
  }

  private index(s: SecretRecord): void {
    this.byArn.set(s.arn, s);
    this.byName.set(s.name, s.arn);
  }

  /** Drops a secret whose recovery window has passed. */
  private expire(s: SecretRecord): boolean {
    if (s.deletionDate !== undefined && s.deletionDate <= this.clock()) {
      this.delete(s.arn);
      return true;
    }
    return false;
  }

  /** The secret named by a name, a full ARN or a partial ARN (without the 6-character suffix); a copy to change and save. */
  find(secretId: string): SecretRecord | undefined {
    const s = this.peek(secretId);
    return s ? cloneSecret(s) : undefined;
  }

  /** As {@link find}, but the stored record itself: for reading only. */
  peek(secretId: string): Readonly<SecretRecord> | undefined {
    let arn: string | undefined;
    if (secretId.startsWith('arn:')) {
      if (this.byArn.has(secretId)) arn = secretId;
      else if (secretId.startsWith(this.arnPrefix)) arn = this.byName.get(secretId.slice(this.arnPrefix.length));
    } else {
      arn = this.byName.get(secretId);
    }
    const s = arn ? this.byArn.get(arn) : undefined;
    if (!s || this.expire(s)) return undefined;
    return s;
  }

  /** Live records (read-only views; clone before changing). */
  list(): readonly SecretRecord[] {
    const out: SecretRecord[] = [];
    for (const s of [...this.byArn.values()]) if (!this.expire(s)) out.push(s);
    return out;
  }

  /** Stores `secret` (new or changed) durably; `newValueIds` are the versions whose value is new. */
  save(secret: SecretRecord, newValueIds: readonly string[] = []): void {
    const prev = this.byArn.get(secret.arn);
    this.persistence.put(secret, newValueIds);
    if (prev && prev.name !== secret.name) this.byName.delete(prev.name);
    this.index(cloneSecret(secret));
    this.persistence.maybeCompact(() => [...this.byArn.values()]);
  }

  /** Removes a secret for good (forced delete or expired recovery window). */
  delete(arn: string): void {
    const prev = this.byArn.get(arn);
    if (!prev) return;
    this.persistence.remove(arn);
    this.byArn.delete(arn);
    if (this.byName.get(prev.name) === arn) this.byName.delete(prev.name);
    this.persistence.maybeCompact(() => [...this.byArn.values()]);
  }

  /** Updates access times without journalling them (they are saved with the next snapshot). */
  touch(arn: string, versionId: string, at: number): void {
    const s = this.byArn.get(arn);
    if (!s) return;
    const day = Math.floor(at / 86_400_000) * 86_400_000;
    s.lastAccessed = day;
    const v = s.versions.find((x) => x.id === versionId);
    if (v) v.lastAccessed = day;
  }

  close(): void {
    this.persistence.close(() => [...this.byArn.values()]);
  }
}
