import { randomUUID } from 'node:crypto';
import { Errors, ServiceError } from '../errors/service-error.js';
import {
  AWSCURRENT,
  AWSPENDING,
  cloneSecret,
  type ReplicaRecord,
  type RotationRules,
  type SecretRecord,
  type Tag,
  type VersionRecord,
} from '../model/secret-record.js';
import type { SecretRepository } from '../model/secret-repository.js';
import { attachLabel, findVersion, holderOf, pruneVersions, removeLabel, versionStagesMap } from '../model/staging-labels.js';
import type { RotationController } from '../rotation/rotation.types.js';
import { nextRotationDate, validateScheduleExpression } from '../rotation/rotation-schedule.js';
import { Input } from './input.js';
import { decodeToken, encodeToken, matchesFilters, readFilters } from './list-filters.js';
import { randomPassword } from './random-password.js';

type Output = Record<string, unknown> | undefined;
type Handler = (input: Input) => Output;

const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
const MAX_VALUE = 65_536;
const DAY_MS = 86_400_000;
const MAX_TAGS = 50;
const MAX_POLICY = 20_480;

/** True when a policy Principal admits everyone (`"*"`, `{"AWS": "*"}` or a list holding `"*"`). */
function grantsEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (Array.isArray(principal)) return principal.some(grantsEveryone);
  if (principal !== null && typeof principal === 'object') return Object.values(principal).some(grantsEveryone);
  return false;
}

/** The ARN of the replica of `arn` in `region` (same name and suffix). */
function replicaArn(arn: string, region: string): string {
  const parts = arn.split(':');
  parts[3] = region;
  return parts.join(':');
}

/** Epoch seconds as Secrets Manager sends them. */
const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

/** Drops undefined members so the JSON carries only members with a value. */
function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

interface NewValue {
  string?: string;
  binary?: string;
}

/** Options of the operation layer. */
export interface SecretsManagerServiceOptions {
  repository: SecretRepository;
  /** The secrets of another region (for replication), or undefined when it is not served. */
  regionRepository?: (region: string) => SecretRepository | undefined;
  rotation: RotationController;
  /** Rotation clock speed-up: schedule intervals are divided by this. */
  rotationTimeScale?: number;
  clock?: () => number;
}

/**
 * The Secrets Manager operations over a {@link SecretRepository}: input checks, staging-label
 * rules, idempotency and the error each situation gets. Each handler takes the request body
 * and returns the response body (undefined for an empty body).
 */
export class SecretsManagerService {
  private readonly repo: SecretRepository;
  private readonly clock: () => number;
  readonly operations: Readonly<Record<string, Handler>>;

  constructor(private readonly options: SecretsManagerServiceOptions) {
    this.repo = options.repository;
    this.clock = options.clock ?? Date.now;
    this.operations = {
      CreateSecret: (i) => this.createSecret(i),
      GetSecretValue: (i) => this.getSecretValue(i),
      BatchGetSecretValue: (i) => this.batchGetSecretValue(i),
      DescribeSecret: (i) => this.describeSecret(i),
      ListSecrets: (i) => this.listSecrets(i),
      ListSecretVersionIds: (i) => this.listSecretVersionIds(i),
      PutSecretValue: (i) => this.putSecretValue(i),
      UpdateSecret: (i) => this.updateSecret(i),
      UpdateSecretVersionStage: (i) => this.updateSecretVersionStage(i),
      RotateSecret: (i) => this.rotateSecret(i),
      CancelRotateSecret: (i) => this.cancelRotateSecret(i),
      DeleteSecret: (i) => this.deleteSecret(i),
      RestoreSecret: (i) => this.restoreSecret(i),
      TagResource: (i) => this.tagResource(i),
      UntagResource: (i) => this.untagResource(i),
      GetRandomPassword: (i) => this.getRandomPassword(i),
      PutResourcePolicy: (i) => this.putResourcePolicy(i),
      GetResourcePolicy: (i) => this.getResourcePolicy(i),
      DeleteResourcePolicy: (i) => this.deleteResourcePolicy(i),
      ValidateResourcePolicy: (i) => this.validateResourcePolicy(i),
      ReplicateSecretToRegions: (i) => this.replicateSecretToRegions(i),
      RemoveRegionsFromReplication: (i) => this.removeRegionsFromReplication(i),
      StopReplicationToReplica: (i) => this.stopReplicationToReplica(i),
    };
  }

  // ---------------------------------------------------------------- helpers

  private secretId(input: Input): string {
    return input.string('SecretId', { required: true, min: 1, max: 2048 });
  }

  private token(input: Input): string | undefined {
    const t = input.string('ClientRequestToken');
    if (t !== undefined && (t.length < 32 || t.length > 64)) {
      throw Errors.invalidParameter('ClientRequestToken must be 32-64 characters long.');
    }
    return t;
  }

  /** A copy of the secret to change and save, or ResourceNotFoundException; replicas are read-only. */
  private load(secretId: string, allowReplica = false): SecretRecord {
    const s = this.repo.find(secretId);
    if (!s) throw Errors.notFound();
    if (!allowReplica && this.isReplica(s)) {
      throw Errors.invalidParameter(
        `Operation not permitted on a replica secret. Call must be made in primary secret's region (${s.primaryRegion}), or promote this replica with StopReplicationToReplica.`,
      );
    }
    return s;
  }

  private isReplica(s: Readonly<SecretRecord>): boolean {
    return s.primaryRegion !== undefined && s.primaryRegion !== this.repo.region;
  }

  /** Saves a change and copies it to the secret's replicas. */
  private commit(secret: SecretRecord, newValueIds: readonly string[] = []): void {
    this.repo.save(secret, newValueIds);
    for (const r of secret.replicas ?? []) {
      if (r.status === 'Failed') continue;
      const target = this.options.regionRepository?.(r.region);
      if (!target) continue;
      const existing = target.peek(replicaArn(secret.arn, r.region));
      target.save(this.replicaOf(secret, r, existing), existing ? newValueIds : secret.versions.map((v) => v.id));
    }
  }

  /** The replica of `primary` in region `r` (access times kept from the existing replica). */
  private replicaOf(primary: SecretRecord, r: ReplicaRecord, existing?: Readonly<SecretRecord>): SecretRecord {
    const copy = cloneSecret(primary);
    delete copy.replicas;
    delete copy.rotationEnabled;
    delete copy.nextRotation;
    copy.arn = replicaArn(primary.arn, r.region);
    copy.primaryRegion = this.repo.region;
    copy.kmsKeyId = r.kmsKeyId;
    if (existing?.lastAccessed !== undefined) copy.lastAccessed = existing.lastAccessed;
    return compact(copy as unknown as Record<string, unknown>) as unknown as SecretRecord;
  }

  private replicationStatus(secret: Readonly<SecretRecord>): Record<string, unknown>[] | undefined {
    if (!secret.replicas || secret.replicas.length === 0) return undefined;
    return secret.replicas.map((r) => {
      const replica = r.status === 'Failed' ? undefined : this.options.regionRepository?.(r.region)?.peek(replicaArn(secret.arn, r.region));
      return compact({ Region: r.region, KmsKeyId: r.kmsKeyId, Status: r.status, StatusMessage: r.statusMessage, LastAccessedDate: seconds(replica?.lastAccessed) });
    });
  }

  /** The stored secret for reading only, or ResourceNotFoundException. */
  private read(secretId: string): SecretRecord {
    const s = this.repo.peek(secretId) as SecretRecord | undefined;
    if (!s) throw Errors.notFound();
    return s;
  }

  /** The secret, refusing one scheduled for deletion (InvalidRequestException). */
  private loadLive(secretId: string, action: string, forRead = false): SecretRecord {
    const s = forRead ? this.read(secretId) : this.load(secretId);
    if (s.deletedDate !== undefined) {
      throw Errors.invalidRequest(`You can't perform this operation on the secret because it was marked for deletion. (${action})`);
    }
    return s;
  }

  private value(input: Input): NewValue | undefined {
    const str = input.string('SecretString');
    const bin = input.blob('SecretBinary');
    if (str !== undefined && bin !== undefined) {
      throw Errors.invalidParameter('You must provide either SecretString or SecretBinary, but not both.');
    }
    if (str !== undefined) {
      if (str.length < 1 || str.length > MAX_VALUE) {
        throw Errors.validation(`1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length between 1 and ${MAX_VALUE}`);
      }
      return { string: str };
    }
    if (bin !== undefined) {
      const bytes = Buffer.from(bin, 'base64').length;
      if (bytes < 1 || bytes > MAX_VALUE) {
        throw Errors.validation(`1 validation error detected: Value at 'secretBinary' failed to satisfy constraint: Member must have length between 1 and ${MAX_VALUE}`);
      }
      return { binary: bin };
    }
    return undefined;
  }

  private tags(input: Input, name: string, required: boolean, max?: number): Tag[] | undefined {
    // The count is checked before any tag is read or merged, so a huge list costs nothing.
    const list = input.structList(name, { required, max });
    return list?.map((t) => {
      const Key = t.string('Key', { required: true, min: 1, max: 128 });
      const Value = t.string('Value', { required: true, max: 256 });
      return { Key, Value };
    });
  }

  private sameValue(v: VersionRecord, value: NewValue | undefined): boolean {
    return v.string === value?.string && v.binary === value?.binary;
  }

  private hasValue(v: VersionRecord): boolean {
    return v.string !== undefined || v.binary !== undefined;
  }

  /**
   * Adds a version carrying `value` (or fills the empty version with that token), moving the
   * requested labels to it. Returns the version and whether the secret changed.
   */
  private addVersion(secret: SecretRecord, token: string, value: NewValue, stages: string[] | undefined): { version: VersionRecord; changed: boolean } {
    const existing = findVersion(secret, token);
    if (existing) {
      if (this.hasValue(existing)) {
        if (!this.sameValue(existing, value)) {
          throw Errors.exists(`A version with VersionId ${token} already exists with a different value; versions can't be changed.`);
        }
        return { version: existing, changed: false };
      }
      // The empty AWSPENDING version that RotateSecret created: its value arrives now.
      Object.assign(existing, value);
      for (const label of stages ?? []) attachLabel(secret, label, existing);
      if (!holderOf(secret, AWSCURRENT)) attachLabel(secret, AWSCURRENT, existing);
      return { version: existing, changed: true };
    }
    const now = this.clock();
    const version: VersionRecord = { id: token, created: now, stages: [], ...value };
    secret.versions.push(version);
    const labels = stages ?? [AWSCURRENT];
    for (const label of labels) attachLabel(secret, label, version);
    if (!holderOf(secret, AWSCURRENT)) attachLabel(secret, AWSCURRENT, version);
    if (version.stages.includes(AWSCURRENT) && secret.rotationEnabled && secret.rotationRules) {
      // A manual change of AWSCURRENT counts as a rotation for AutomaticallyAfterDays.
      secret.nextRotation = nextRotationDate(secret.rotationRules, now, this.options.rotationTimeScale) ?? secret.nextRotation;
    }
    pruneVersions(secret, now);
    return { version, changed: true };
  }

  private describe(secret: SecretRecord, mapName: 'VersionIdsToStages' | 'SecretVersionsToStages'): Record<string, unknown> {
    return compact({
      ARN: secret.arn,
      Name: secret.name,
      Type: secret.type,
      Description: secret.description,
      KmsKeyId: secret.kmsKeyId,
      RotationEnabled: secret.rotationEnabled,
      RotationLambdaARN: secret.rotationLambdaArn,
      RotationRules: secret.rotationRules ? { ...secret.rotationRules } : undefined,
      LastRotatedDate: secret.rotationEnabled ? seconds(secret.lastRotated) : undefined,
      LastChangedDate: seconds(secret.lastChanged),
      LastAccessedDate: seconds(secret.lastAccessed),
      DeletedDate: seconds(secret.deletedDate),
      NextRotationDate: secret.rotationEnabled ? seconds(secret.nextRotation) : undefined,
      Tags: secret.tags.length > 0 ? secret.tags.map((t) => ({ ...t })) : undefined,
      [mapName]: versionStagesMap(secret),
      CreatedDate: seconds(secret.created),
      PrimaryRegion: secret.primaryRegion,
      ReplicationStatus: this.replicationStatus(secret),
    });
  }

  private valueOutput(secret: SecretRecord, v: VersionRecord): Record<string, unknown> {
    return compact({
      ARN: secret.arn,
      Name: secret.name,
      VersionId: v.id,
      SecretString: v.string,
      SecretBinary: v.binary,
      VersionStages: [...v.stages],
      CreatedDate: seconds(v.created),
    });
  }

  // ---------------------------------------------------------------- operations

  createSecret(input: Input): Output {
    const name = input.string('Name', { required: true, min: 1, max: 512 });
    if (!NAME_PATTERN.test(name)) {
      throw Errors.invalidParameter('Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
    }
    const token = this.token(input) ?? randomUUID();
    const description = input.string('Description', { max: 2048 });
    const kmsKeyId = input.string('KmsKeyId', { max: 2048 });
    const type = input.string('Type', { max: 256 });
    const value = this.value(input);
    const tags = this.tags(input, 'Tags', false, MAX_TAGS) ?? [];
    const keys = new Set<string>();
    for (const t of tags) {
      if (keys.has(t.Key)) throw Errors.invalidParameter(`The tag key ${t.Key} is given more than once; tag keys must be unique.`);
      keys.add(t.Key);
    }
    const force = input.boolean('ForceOverwriteReplicaSecret') ?? false;
    const replicaRegions = this.replicaRegions(input, 'AddReplicaRegions');
    const existing = this.repo.find(name);
    if (existing) {
      const v = findVersion(existing, token);
      if (existing.deletedDate === undefined && v && this.sameValue(v, value)) {
        return { ARN: existing.arn, Name: existing.name, VersionId: v.id }; // idempotent retry
      }
      if (existing.deletedDate !== undefined) {
        throw Errors.invalidRequest(`You can't create this secret because a secret with this name is already scheduled for deletion.`);
      }
      throw Errors.exists(`The operation failed because the secret ${name} already exists.`);
    }
    const now = this.clock();
    const secret: SecretRecord = compact({
      arn: this.repo.newArn(name),
      name,
      description,
      kmsKeyId,
      type,
      tags,
      created: now,
      lastChanged: now,
      versions: [],
    });
    if (value) this.addVersion(secret, token, value, undefined);
    this.repo.save(secret, value ? [token] : []);
    const ReplicationStatus = replicaRegions && replicaRegions.length > 0 ? this.replicate(secret, replicaRegions, force) : undefined;
    return compact({ ARN: secret.arn, Name: secret.name, VersionId: value ? token : undefined, ReplicationStatus });
  }

  getSecretValue(input: Input): Output {
    const id = this.secretId(input);
    const versionId = input.string('VersionId', { min: 32, max: 64 });
    const stage = input.string('VersionStage', { min: 1, max: 256 });
    const secret = this.loadLive(id, 'GetSecretValue', true);
    let v: VersionRecord | undefined;
    if (versionId !== undefined) {
      v = findVersion(secret, versionId);
      if (!v) throw Errors.notFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
      if (stage !== undefined && !v.stages.includes(stage)) {
        throw Errors.invalidRequest(`You provided a VersionStage that is not associated to the provided VersionId.`);
      }
    } else {
      const label = stage ?? AWSCURRENT;
      v = holderOf(secret, label);
      if (!v) throw Errors.notFound(`Secrets Manager can't find the specified secret value for staging label: ${label}`);
    }
    if (!this.hasValue(v)) {
      throw Errors.notFound(`Secrets Manager can't find the specified secret value for ${versionId ? `VersionId: ${versionId}` : `staging label: ${stage ?? AWSCURRENT}`}`);
    }
    this.repo.touch(secret.arn, v.id, this.clock());
    return this.valueOutput(secret, v);
  }

  batchGetSecretValue(input: Input): Output {
    const ids = input.stringList('SecretIdList', { min: 1, max: 20, item: { min: 1, max: 2048 } });
    const filters = readFilters(input);
    const maxResults = input.integer('MaxResults', { min: 1, max: 20 });
    const nextToken = input.string('NextToken', { min: 1, max: 4096 });
    if (ids && filters) throw Errors.invalidParameter('Either SecretIdList or Filters must be provided, but not both.');
    if (!ids && !filters) throw Errors.invalidParameter('Either SecretIdList or Filters must be provided.');
    if (maxResults !== undefined && !filters) throw Errors.invalidParameter('MaxResults can only be used with Filters.');
    const SecretValues: Record<string, unknown>[] = [];
    const errors: Record<string, unknown>[] = [];
    if (ids) {
      if (nextToken !== undefined) decodeToken(nextToken);
      for (const id of ids) {
        try {
          const out = this.getSecretValue(Input.of({ SecretId: id }));
          if (out) SecretValues.push(out);
        } catch (e) {
          if (!(e instanceof ServiceError) || e.status >= 500) throw e;
          errors.push({ SecretId: id, ErrorCode: e.code, Message: e.message });
        }
      }
      return { SecretValues, Errors: errors };
    }
    const matching = this.sorted(this.repo.list().filter((s) => s.deletedDate === undefined && matchesFilters(s, filters!, this.repo.region)), 'created-date', 'asc');
    const offset = decodeToken(nextToken);
    const page = matching.slice(offset, offset + (maxResults ?? 20));
    for (const s of page) {
      const v = holderOf(s, AWSCURRENT);
      if (!v || !this.hasValue(v)) {
        errors.push({ SecretId: s.arn, ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT" });
        continue;
      }
      this.repo.touch(s.arn, v.id, this.clock());
      SecretValues.push(this.valueOutput(s, v));
    }
    const next = offset + page.length < matching.length ? encodeToken(offset + page.length) : undefined;
    return compact({ SecretValues, NextToken: next, Errors: errors });
  }

  describeSecret(input: Input): Output {
    return this.describe(this.read(this.secretId(input)), 'VersionIdsToStages');
  }

  private sorted(list: readonly SecretRecord[], by: string, order: string): SecretRecord[] {
    const key = (s: SecretRecord): number | string =>
      by === 'name' ? s.name : by === 'last-accessed-date' ? (s.lastAccessed ?? 0) : by === 'last-changed-date' ? s.lastChanged : s.created;
    const dir = order === 'desc' ? -1 : 1;
    return [...list].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka < kb) return -dir;
      if (ka > kb) return dir;
      return a.arn < b.arn ? -dir : a.arn > b.arn ? dir : 0;
    });
  }

  listSecrets(input: Input): Output {
    const includeDeleted = input.boolean('IncludePlannedDeletion') ?? false;
    const maxResults = input.integer('MaxResults', { min: 1, max: 100 });
    const nextToken = input.string('NextToken', { min: 1, max: 4096 });
    const filters = readFilters(input) ?? [];
    const order = input.string('SortOrder');
    if (order !== undefined && order !== 'asc' && order !== 'desc') {
      throw Errors.validation(`1 validation error detected: Value '${order}' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]`);
    }
    const by = input.string('SortBy');
    if (by !== undefined && !['created-date', 'last-accessed-date', 'last-changed-date', 'name'].includes(by)) {
      throw Errors.validation(`1 validation error detected: Value '${by}' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [created-date, last-accessed-date, last-changed-date, name]`);
    }
    const matching = this.sorted(
      this.repo.list().filter((s) => (includeDeleted || s.deletedDate === undefined) && matchesFilters(s, filters, this.repo.region)),
      by ?? 'created-date',
      order ?? 'asc',
    );
    const offset = decodeToken(nextToken);
    const page = matching.slice(offset, offset + (maxResults ?? 100));
    const next = offset + page.length < matching.length ? encodeToken(offset + page.length) : undefined;
    return compact({ SecretList: page.map((s) => this.describe(s, 'SecretVersionsToStages')), NextToken: next });
  }

  listSecretVersionIds(input: Input): Output {
    const id = this.secretId(input);
    const maxResults = input.integer('MaxResults', { min: 1, max: 100 });
    const nextToken = input.string('NextToken', { min: 1, max: 4096 });
    const includeDeprecated = input.boolean('IncludeDeprecated') ?? false;
    const secret = this.read(id);
    const versions = [...secret.versions].reverse().filter((v) => includeDeprecated || v.stages.length > 0);
    const offset = decodeToken(nextToken);
    const page = versions.slice(offset, offset + (maxResults ?? 100));
    const next = offset + page.length < versions.length ? encodeToken(offset + page.length) : undefined;
    return compact({
      Versions: page.map((v) =>
        compact({ VersionId: v.id, VersionStages: v.stages.length > 0 ? [...v.stages] : undefined, LastAccessedDate: seconds(v.lastAccessed), CreatedDate: seconds(v.created) }),
      ),
      NextToken: next,
      ARN: secret.arn,
      Name: secret.name,
    });
  }

  putSecretValue(input: Input): Output {
    const id = this.secretId(input);
    const token = this.token(input) ?? randomUUID();
    const value = this.value(input);
    const stages = input.stringList('VersionStages', { min: 1, max: 20, item: { min: 1, max: 256 } });
    const rotationToken = input.string('RotationToken', { min: 36, max: 256 });
    if (rotationToken !== undefined && !/^[a-zA-Z0-9-]+$/.test(rotationToken)) throw Errors.invalidParameter('RotationToken has an invalid format.');
    if (!value) throw Errors.invalidRequest('You must provide either SecretString or SecretBinary.');
    const secret = this.loadLive(id, 'PutSecretValue');
    const { version, changed } = this.addVersion(secret, token, value, stages ? [...new Set(stages)] : undefined);
    if (changed) {
      secret.lastChanged = this.clock();
      this.commit(secret, [version.id]);
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  }

  updateSecret(input: Input): Output {
    const id = this.secretId(input);
    const token = this.token(input) ?? randomUUID();
    const description = input.string('Description', { max: 2048 });
    const kmsKeyId = input.string('KmsKeyId', { max: 2048 });
    const type = input.string('Type', { max: 256 });
    const value = this.value(input);
    const secret = this.loadLive(id, 'UpdateSecret');
    let version: VersionRecord | undefined;
    let changed = false;
    if (description !== undefined && description !== secret.description) {
      secret.description = description;
      changed = true;
    }
    if (kmsKeyId !== undefined && kmsKeyId !== secret.kmsKeyId) {
      secret.kmsKeyId = kmsKeyId;
      changed = true;
    }
    if (type !== undefined && type !== secret.type) {
      secret.type = type;
      changed = true;
    }
    if (value) {
      const added = this.addVersion(secret, token, value, undefined);
      version = added.version;
      changed ||= added.changed;
    }
    if (changed) {
      secret.lastChanged = this.clock();
      this.commit(secret, version ? [version.id] : []);
    }
    return compact({ ARN: secret.arn, Name: secret.name, VersionId: version?.id });
  }

  updateSecretVersionStage(input: Input): Output {
    const id = this.secretId(input);
    const stage = input.string('VersionStage', { required: true, min: 1, max: 256 });
    const moveTo = input.string('MoveToVersionId', { min: 32, max: 64 });
    const removeFrom = input.string('RemoveFromVersionId', { min: 32, max: 64 });
    const secret = this.loadLive(id, 'UpdateSecretVersionStage');
    const holder = holderOf(secret, stage);
    if (removeFrom !== undefined) {
      const from = findVersion(secret, removeFrom);
      if (!from) throw Errors.invalidParameter(`The version ${removeFrom} doesn't exist for this secret.`);
      if (holder !== from) throw Errors.invalidParameter(`The staging label ${stage} is not attached to version ${removeFrom}.`);
    }
    if (moveTo === undefined) {
      if (removeFrom === undefined) throw Errors.invalidParameter('You must specify MoveToVersionId, RemoveFromVersionId or both.');
      if (stage === AWSCURRENT) {
        throw Errors.invalidParameter('You can only move staging label AWSCURRENT to a different secret version. It can’t be completely removed.');
      }
      removeLabel(holder!, stage);
    } else {
      const target = findVersion(secret, moveTo);
      if (!target) throw Errors.invalidParameter(`The version ${moveTo} doesn't exist for this secret.`);
      if (holder && holder !== target && removeFrom === undefined) {
        throw Errors.invalidParameter(
          `The staging label ${stage} is currently attached to version ${holder.id}; to move it, specify that version in RemoveFromVersionId.`,
        );
      }
      if (stage === AWSCURRENT && !this.hasValue(target)) {
        throw Errors.invalidRequest(`The version ${moveTo} has no value and can't be made AWSCURRENT.`);
      }
      attachLabel(secret, stage, target);
    }
    secret.lastChanged = this.clock();
    pruneVersions(secret, this.clock());
    this.commit(secret);
    return { ARN: secret.arn, Name: secret.name };
  }

  private rotationRules(input: Input): RotationRules | undefined {
    const r = input.struct('RotationRules');
    if (!r) return undefined;
    const days = r.integer('AutomaticallyAfterDays', { min: 1, max: 1000 });
    const duration = r.string('Duration', { min: 2, max: 3 });
    const expr = r.string('ScheduleExpression', { min: 1, max: 256 });
    if (duration !== undefined && !/^[0-9]+h$/.test(duration)) throw Errors.invalidParameter('Duration must be a number of hours such as 3h.');
    if (days !== undefined && expr !== undefined) throw Errors.invalidParameter('You can use either AutomaticallyAfterDays or ScheduleExpression, but not both.');
    if (expr !== undefined) validateScheduleExpression(expr);
    return compact({ AutomaticallyAfterDays: days, Duration: duration, ScheduleExpression: expr });
  }

  rotateSecret(input: Input): Output {
    const id = this.secretId(input);
    const token = this.token(input) ?? randomUUID();
    const lambdaArn = input.string('RotationLambdaARN', { max: 2048 });
    const rules = this.rotationRules(input);
    const immediately = input.boolean('RotateImmediately') ?? true;
    input.structList('ExternalSecretRotationMetadata');
    input.string('ExternalSecretRotationRoleArn', { min: 20, max: 2048 });
    const secret = this.loadLive(id, 'RotateSecret');
    const fn = lambdaArn ?? secret.rotationLambdaArn;
    if (!fn) throw Errors.invalidRequest('No Lambda rotation function ARN is associated with this secret.');
    const pending = holderOf(secret, AWSPENDING);
    const current = holderOf(secret, AWSCURRENT);
    // AWSPENDING on a version that is not AWSCURRENT: a rotation is unfinished. Only a request
    // carrying that rotation's own token (its version id) may go on: it runs the same rotation
    // again instead of starting another one that would orphan the pending credentials.
    const resuming = pending !== undefined && pending !== current && token === pending.id;
    if (pending && pending !== current && !resuming) {
      throw Errors.invalidRequest('A previous rotation isn’t complete. That rotation will be reattempted.');
    }
    if (!this.options.rotation.canInvoke(fn)) {
      throw Errors.accessDenied(
        'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
      );
    }
    if (resuming) {
      secret.rotationLambdaArn = fn;
      if (rules) secret.rotationRules = rules;
      secret.rotationEnabled = true;
      secret.lastChanged = this.clock();
      this.repo.save(secret);
      this.options.rotation.resume(secret.arn, fn, token);
      return { ARN: secret.arn, Name: secret.name, VersionId: token };
    }
    if (findVersion(secret, token)) throw Errors.exists(`A version with VersionId ${token} already exists; use a new ClientRequestToken.`);
    const now = this.clock();
    secret.rotationLambdaArn = fn;
    if (rules) secret.rotationRules = rules;
    secret.rotationEnabled = true;
    const next = secret.rotationRules ? nextRotationDate(secret.rotationRules, now, this.options.rotationTimeScale) : undefined;
    if (next !== undefined) secret.nextRotation = next;
    const version: VersionRecord = { id: token, created: now, stages: [] };
    secret.versions.push(version);
    attachLabel(secret, AWSPENDING, version);
    secret.lastChanged = now;
    this.repo.save(secret);
    this.options.rotation.start(secret.arn, fn, token, immediately ? 'full' : 'test');
    return { ARN: secret.arn, Name: secret.name, VersionId: token };
  }

  cancelRotateSecret(input: Input): Output {
    const secret = this.loadLive(this.secretId(input), 'CancelRotateSecret');
    this.options.rotation.cancel(secret.arn);
    const pending = holderOf(secret, AWSPENDING);
    if (secret.rotationEnabled) {
      secret.rotationEnabled = false;
      delete secret.nextRotation;
      secret.lastChanged = this.clock();
      this.commit(secret);
    }
    return compact({ ARN: secret.arn, Name: secret.name, VersionId: pending?.id });
  }

  deleteSecret(input: Input): Output {
    const id = this.secretId(input);
    const window = input.integer('RecoveryWindowInDays');
    const force = input.boolean('ForceDeleteWithoutRecovery') ?? false;
    if (window !== undefined && force) {
      throw Errors.invalidParameter('You can’t use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.');
    }
    if (window !== undefined && (window < 7 || window > 30)) {
      throw Errors.invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    const now = this.clock();
    const secret = this.repo.find(id);
    if (!secret) {
      if (force) return compact({ Name: id.startsWith('arn:') ? undefined : id, ARN: id.startsWith('arn:') ? id : undefined, DeletionDate: seconds(now) });
      throw Errors.notFound();
    }
    if (this.isReplica(secret)) this.load(id); // refuses with the replica message
    if ((secret.replicas?.length ?? 0) > 0) {
      throw Errors.invalidParameter(
        `You can't delete secret ${secret.name} that still has replica regions [${secret.replicas!.map((r) => r.region).join(', ')}]; remove them with RemoveRegionsFromReplication first.`,
      );
    }
    if (force) {
      this.options.rotation.cancel(secret.arn);
      this.repo.delete(secret.arn);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(now) };
    }
    if (secret.deletedDate !== undefined) {
      throw Errors.invalidRequest('You can’t perform this operation on the secret because it was already scheduled for deletion.');
    }
    secret.deletedDate = now;
    secret.deletionDate = now + (window ?? 30) * DAY_MS;
    this.commit(secret);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(secret.deletionDate) };
  }

  restoreSecret(input: Input): Output {
    const secret = this.load(this.secretId(input));
    if (secret.deletedDate !== undefined) {
      delete secret.deletedDate;
      delete secret.deletionDate;
      secret.lastChanged = this.clock();
      this.commit(secret);
    }
    return { ARN: secret.arn, Name: secret.name };
  }

  tagResource(input: Input): Output {
    const id = this.secretId(input);
    const raw = input.structList('Tags', { required: true })!;
    // More distinct new keys than the limit can never fit: refuse before reading them.
    if (raw.length > MAX_TAGS * 2) throw Errors.validation(`1 validation error detected: a secret can have at most ${MAX_TAGS} tags.`);
    const tags = this.tags(input, 'Tags', true)!;
    const secret = this.loadLive(id, 'TagResource');
    const merged = new Map(secret.tags.map((t) => [t.Key, t]));
    for (const t of tags) {
      merged.set(t.Key, { Key: t.Key, Value: t.Value });
      if (merged.size > MAX_TAGS) throw Errors.validation(`1 validation error detected: a secret can have at most ${MAX_TAGS} tags.`);
    }
    secret.tags = [...merged.values()];
    secret.lastChanged = this.clock();
    this.commit(secret);
    return undefined;
  }

  untagResource(input: Input): Output {
    const id = this.secretId(input);
    const keys = input.stringList('TagKeys', { required: true, item: { min: 1, max: 128 } })!;
    const secret = this.loadLive(id, 'UntagResource');
    const drop = new Set(keys);
    secret.tags = secret.tags.filter((t) => !drop.has(t.Key));
    secret.lastChanged = this.clock();
    this.commit(secret);
    return undefined;
  }

  /** Moves NextRotationDate past a rotation window that closed unseen (the scheduler's hook). */
  skipMissedRotationWindow(arn: string): void {
    const secret = this.repo.find(arn);
    if (!secret?.rotationEnabled || !secret.rotationRules) return;
    const next = nextRotationDate(secret.rotationRules, this.clock(), this.options.rotationTimeScale);
    if (next === undefined) return;
    secret.nextRotation = next;
    this.repo.save(secret);
  }

  // ---------------------------------------------------------------- resource policies

  /** Parses a policy document: MalformedPolicyDocumentException when it is not a JSON policy. */
  private policyFindings(text: string): { CheckName: string; ErrorMessage: string }[] {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new ServiceError('MalformedPolicyDocumentException', 'This resource policy contains a syntax error: it is not valid JSON.');
    }
    const findings: { CheckName: string; ErrorMessage: string }[] = [];
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      return [{ CheckName: 'SYNTAX', ErrorMessage: 'The policy document must be a JSON object.' }];
    }
    const d = doc as Record<string, unknown>;
    const statements = Array.isArray(d.Statement) ? d.Statement : d.Statement !== undefined ? [d.Statement] : [];
    if (statements.length === 0) findings.push({ CheckName: 'SYNTAX', ErrorMessage: 'The policy document must contain a Statement.' });
    statements.forEach((st: unknown, i) => {
      const where = `Statement ${i + 1}`;
      if (st === null || typeof st !== 'object' || Array.isArray(st)) {
        findings.push({ CheckName: 'SYNTAX', ErrorMessage: `${where} must be a JSON object.` });
        return;
      }
      const x = st as Record<string, unknown>;
      if (x.Effect !== 'Allow' && x.Effect !== 'Deny') findings.push({ CheckName: 'SYNTAX', ErrorMessage: `${where}: Effect must be Allow or Deny.` });
      if (x.Action === undefined && x.NotAction === undefined) findings.push({ CheckName: 'SYNTAX', ErrorMessage: `${where}: Action or NotAction is required.` });
      if (x.Principal === undefined && x.NotPrincipal === undefined) findings.push({ CheckName: 'SYNTAX', ErrorMessage: `${where}: a resource policy names a Principal.` });
      if (x.Effect === 'Allow' && x.Condition === undefined && grantsEveryone(x.Principal)) {
        findings.push({ CheckName: 'PUBLIC_ACCESS', ErrorMessage: `${where} grants access to every principal (Principal "*") without a Condition.` });
      }
    });
    return findings;
  }

  putResourcePolicy(input: Input): Output {
    const id = this.secretId(input);
    const policy = input.string('ResourcePolicy', { required: true, min: 1, max: MAX_POLICY });
    const block = input.boolean('BlockPublicPolicy') ?? false;
    const secret = this.loadLive(id, 'PutResourcePolicy');
    const findings = this.policyFindings(policy);
    const syntax = findings.find((f) => f.CheckName === 'SYNTAX');
    if (syntax) throw new ServiceError('MalformedPolicyDocumentException', `This resource policy contains a syntax error: ${syntax.ErrorMessage}`);
    if (block && findings.some((f) => f.CheckName === 'PUBLIC_ACCESS')) {
      throw new ServiceError('PublicPolicyException', 'The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.');
    }
    secret.resourcePolicy = policy;
    this.commit(secret);
    return { ARN: secret.arn, Name: secret.name };
  }

  getResourcePolicy(input: Input): Output {
    const secret = this.read(this.secretId(input));
    return compact({ ARN: secret.arn, Name: secret.name, ResourcePolicy: secret.resourcePolicy });
  }

  deleteResourcePolicy(input: Input): Output {
    const secret = this.loadLive(this.secretId(input), 'DeleteResourcePolicy');
    if (secret.resourcePolicy !== undefined) {
      delete secret.resourcePolicy;
      this.commit(secret);
    }
    return { ARN: secret.arn, Name: secret.name };
  }

  validateResourcePolicy(input: Input): Output {
    const id = input.string('SecretId', { min: 1, max: 2048 });
    const policy = input.string('ResourcePolicy', { required: true, min: 1, max: MAX_POLICY });
    if (id !== undefined) this.read(id);
    const findings = this.policyFindings(policy);
    return { PolicyValidationPassed: findings.length === 0, ValidationErrors: findings };
  }

  // ---------------------------------------------------------------- replication

  private replicaRegions(input: Input, name: string, required = false): { region: string; kmsKeyId?: string }[] | undefined {
    const list = input.structList(name, { required, min: required ? 1 : undefined });
    if (!list) return undefined;
    const seen = new Set<string>();
    return list.map((r) => {
      const region = r.string('Region', { min: 1, max: 128 });
      const kmsKeyId = r.string('KmsKeyId', { max: 2048 });
      if (region === undefined) throw Errors.invalidParameter('Each replica region needs a Region.');
      if (region === this.repo.region) throw Errors.invalidParameter(`Invalid replica region: ${region} is the region of the primary secret.`);
      if (seen.has(region)) throw Errors.invalidParameter(`The replica region ${region} is given more than once.`);
      if (!this.options.regionRepository?.(region)) throw Errors.invalidParameter(`Invalid replica region: ${region} is not a region this endpoint serves.`);
      seen.add(region);
      return compact({ region, kmsKeyId });
    });
  }

  /** Creates (or refreshes) replicas of a saved primary; returns the ReplicationStatus of those regions. */
  private replicate(secret: SecretRecord, regions: { region: string; kmsKeyId?: string }[], force: boolean): Record<string, unknown>[] {
    const replicas = new Map((secret.replicas ?? []).map((r) => [r.region, r]));
    for (const { region, kmsKeyId } of regions) {
      const target = this.options.regionRepository!(region)!;
      const arn = replicaArn(secret.arn, region);
      const clash = target.peek(secret.name);
      let rec: ReplicaRecord = compact({ region, kmsKeyId, status: 'InSync' as const, statusMessage: 'Replication succeeded' });
      if (clash && clash.arn !== arn) {
        if (force && clash.primaryRegion === undefined && !(clash.replicas?.length)) target.delete(clash.arn);
        else rec = compact({ region, kmsKeyId, status: 'Failed' as const, statusMessage: `Replication failed: Secret name already exists in the destination region (${region}).` });
      }
      replicas.set(region, rec);
    }
    secret.replicas = [...replicas.values()];
    secret.primaryRegion = this.repo.region;
    this.repo.save(secret);
    for (const r of secret.replicas) {
      if (r.status === 'Failed' || !regions.some((x) => x.region === r.region)) continue;
      const target = this.options.regionRepository!(r.region)!;
      target.save(this.replicaOf(secret, r, target.peek(replicaArn(secret.arn, r.region))), secret.versions.map((v) => v.id));
    }
    return this.replicationStatus(secret)!.filter((r) => regions.some((x) => x.region === r.Region));
  }

  replicateSecretToRegions(input: Input): Output {
    const id = this.secretId(input);
    const regions = this.replicaRegions(input, 'AddReplicaRegions', true)!;
    const force = input.boolean('ForceOverwriteReplicaSecret') ?? false;
    const secret = this.loadLive(id, 'ReplicateSecretToRegions');
    const ReplicationStatus = this.replicate(secret, regions, force);
    return { ARN: secret.arn, ReplicationStatus };
  }

  removeRegionsFromReplication(input: Input): Output {
    const id = this.secretId(input);
    const regions = input.stringList('RemoveReplicaRegions', { required: true, min: 1, item: { min: 1, max: 128 } })!;
    const secret = this.loadLive(id, 'RemoveRegionsFromReplication');
    const known = new Set((secret.replicas ?? []).map((r) => r.region));
    const missing = regions.filter((r) => !known.has(r));
    if (missing.length > 0) throw Errors.invalidParameter(`The secret is not replicated to ${missing.join(', ')}.`);
    for (const region of regions) {
      const target = this.options.regionRepository?.(region);
      const arn = replicaArn(secret.arn, region);
      if (target?.peek(arn)) target.delete(arn);
    }
    secret.replicas = (secret.replicas ?? []).filter((r) => !regions.includes(r.region));
    if (secret.replicas.length === 0) {
      delete secret.replicas;
      delete secret.primaryRegion;
    }
    this.repo.save(secret);
    return { ARN: secret.arn, ReplicationStatus: this.replicationStatus(secret) ?? [] };
  }

  stopReplicationToReplica(input: Input): Output {
    const id = this.secretId(input);
    const replica = this.load(id, true);
    if (!this.isReplica(replica)) throw Errors.invalidRequest(`${replica.name} is not a replica secret; StopReplicationToReplica is called in the replica's region.`);
    const primaryRepo = this.options.regionRepository?.(replica.primaryRegion!);
    const primary = primaryRepo?.find(replicaArn(replica.arn, replica.primaryRegion!));
    if (primary) {
      primary.replicas = (primary.replicas ?? []).filter((r) => r.region !== this.repo.region);
      if (primary.replicas.length === 0) {
        delete primary.replicas;
        delete primary.primaryRegion;
      }
      primaryRepo!.save(primary);
    }
    // Promoted: a standalone secret of this region from now on.
    delete replica.primaryRegion;
    replica.lastChanged = this.clock();
    this.repo.save(replica);
    return { ARN: replica.arn };
  }

  getRandomPassword(input: Input): Output {
    const password = randomPassword({
      // Unset parameters take GetRandomPassword's defaults (PASSWORD_DEFAULTS of the generator).
      passwordLength: input.integer('PasswordLength', { min: 1, max: 4096 }),
      excludeCharacters: input.string('ExcludeCharacters', { max: 4096 }),
      excludeNumbers: input.boolean('ExcludeNumbers'),
      excludePunctuation: input.boolean('ExcludePunctuation'),
      excludeUppercase: input.boolean('ExcludeUppercase'),
      excludeLowercase: input.boolean('ExcludeLowercase'),
      includeSpace: input.boolean('IncludeSpace'),
      requireEachIncludedType: input.boolean('RequireEachIncludedType'),
    });
    return { RandomPassword: password };
  }
}
