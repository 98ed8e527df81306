import { randomInt } from 'node:crypto';
import type { Persistence } from '../persistence/persistence.js';
import { cloneSecret, type SecretRecord } from './secret-record.js';

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The region named in a secret's ARN (`arn:aws:secretsmanager:<region>:...`). */
export function regionOfArn(arn: string): string {
  return arn.split(':')[3] ?? '';
}

/**
 * Every secret of the emulator, in every region, over one {@link Persistence}: indexed by ARN
 * and by region and name. Regions read and write it through {@link SecretRepository} views.
 */
export class SecretStore {
  private readonly byArn = new Map<string, SecretRecord>();
  private readonly byName = new Map<string, string>();

  constructor(
    private readonly persistence: Persistence,
    readonly accountId: string,
    readonly clock: () => number = Date.now,
  ) {}

  private static nameKey(region: string, name: string): string {
    return `${region}\n${name}`;
  }

  /** Loads the persisted state; call once before serving. */
  load(): void {
    for (const s of this.persistence.load()) this.index(s);
  }

  private index(s: SecretRecord): void {
    this.byArn.set(s.arn, s);
    this.byName.set(SecretStore.nameKey(regionOfArn(s.arn), s.name), s.arn);
  }

  get(arn: string): SecretRecord | undefined {
    return this.byArn.get(arn);
  }

  arnOf(region: string, name: string): string | undefined {
    return this.byName.get(SecretStore.nameKey(region, name));
  }

  /** Every stored record, in every region (expired ones included; views filter them). */
  all(): SecretRecord[] {
    return [...this.byArn.values()];
  }

  /** Regions that hold at least one secret. */
  regions(): string[] {
    return [...new Set([...this.byArn.keys()].map(regionOfArn))];
  }

  save(secret: SecretRecord, newValueIds: readonly string[]): void {
    const prev = this.byArn.get(secret.arn);
    this.persistence.put(secret, newValueIds, prev);
    if (prev && prev.name !== secret.name) this.byName.delete(SecretStore.nameKey(regionOfArn(prev.arn), prev.name));
    this.index(cloneSecret(secret));
    this.persistence.maybeCompact(() => this.all());
  }

  delete(arn: string): void {
    const prev = this.byArn.get(arn);
    if (!prev) return;
    this.persistence.remove(arn);
    this.byArn.delete(arn);
    const key = SecretStore.nameKey(regionOfArn(arn), prev.name);
    if (this.byName.get(key) === arn) this.byName.delete(key);
    this.persistence.maybeCompact(() => this.all());
  }

  close(): void {
    this.persistence.close(() => this.all());
  }
}

/**
 * The secrets of one region (or, without a region, of all regions, looked up by ARN), indexed
 * by ARN and name. Callers read copies and write whole records back with `save`, which makes the
 * change durable before it returns; a failed operation therefore never leaves a half-applied
 * change behind.
 */
export class SecretRepository {
  constructor(
    private readonly store: SecretStore,
    /** The region of this view; undefined: every region (secrets found by ARN only). */
    readonly region: string,
    private readonly allRegions = false,
  ) {}

  get accountId(): string {
    return this.store.accountId;
  }

  private get clock(): () => number {
    return this.store.clock;
  }

  get arnPrefix(): string {
    return `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:`;
  }

  newArn(name: string): string {
    let suffix = '';
    for (let i = 0; i < 6; i++) suffix += SUFFIX_CHARS[randomInt(SUFFIX_CHARS.length)];
    return `${this.arnPrefix}${name}-${suffix}`;
  }

  /** Drops a secret whose recovery window has passed. */
  private expire(s: SecretRecord): boolean {
    if (s.deletionDate !== undefined && s.deletionDate <= this.clock()) {
      this.store.delete(s.arn);
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
      const region = regionOfArn(secretId);
      if (!this.allRegions && region !== this.region) arn = undefined;
      else if (this.store.get(secretId)) arn = secretId;
      else {
        const prefix = `arn:aws:secretsmanager:${region}:${this.accountId}:secret:`;
        if (secretId.startsWith(prefix)) arn = this.store.arnOf(region, secretId.slice(prefix.length));
      }
    } else if (!this.allRegions) {
      arn = this.store.arnOf(this.region, secretId);
    }
    const s = arn ? this.store.get(arn) : undefined;
    if (!s || this.expire(s)) return undefined;
    return s;
  }

  /** Live records (read-only views; clone before changing). */
  list(): readonly SecretRecord[] {
    const out: SecretRecord[] = [];
    for (const s of this.store.all()) {
      if (!this.allRegions && regionOfArn(s.arn) !== this.region) continue;
      if (!this.expire(s)) out.push(s);
    }
    return out;
  }

  /** Stores `secret` (new or changed) durably; `newValueIds` are the versions whose value is new. */
  save(secret: SecretRecord, newValueIds: readonly string[] = []): void {
    this.store.save(secret, newValueIds);
  }

  /** Removes a secret for good (forced delete or expired recovery window). */
  delete(arn: string): void {
    this.store.delete(arn);
  }

  /** Updates access times without journalling them (they are saved with the next snapshot). */
  touch(arn: string, versionId: string, at: number): void {
    const s = this.store.get(arn);
    if (!s) return;
    const day = Math.floor(at / 86_400_000) * 86_400_000;
    s.lastAccessed = day;
    const v = s.versions.find((x) => x.id === versionId);
    if (v) v.lastAccessed = day;
  }
}
