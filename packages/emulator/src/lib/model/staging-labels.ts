import { AWSCURRENT, AWSPREVIOUS, type SecretRecord, type VersionRecord } from './secret-record.js';

/** The version holding `label`, if any. */
export function holderOf(secret: SecretRecord, label: string): VersionRecord | undefined {
  return secret.versions.find((v) => v.stages.includes(label));
}

export function findVersion(secret: SecretRecord, versionId: string): VersionRecord | undefined {
  return secret.versions.find((v) => v.id === versionId);
}

function detach(secret: SecretRecord, label: string): void {
  for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== label);
}

/**
 * Puts `label` on `target`, removing it from whichever version held it. Moving AWSCURRENT drags
 * AWSPREVIOUS to the version AWSCURRENT left, as Secrets Manager does.
 */
export function attachLabel(secret: SecretRecord, label: string, target: VersionRecord): void {
  const holder = holderOf(secret, label);
  if (holder === target) return;
  detach(secret, label);
  if (!target.stages.includes(label)) target.stages.push(label);
  if (label === AWSCURRENT && holder) {
    detach(secret, AWSPREVIOUS);
    holder.stages.push(AWSPREVIOUS);
  }
}

/** Removes `label` from `version` (the version becomes deprecated when it loses its last label). */
export function removeLabel(version: VersionRecord, label: string): void {
  version.stages = version.stages.filter((s) => s !== label);
}

/** `{versionId: labels}` for labelled versions only (deprecated versions are hidden). */
export function versionStagesMap(secret: SecretRecord): Record<string, string[]> | undefined {
  const map: Record<string, string[]> = {};
  for (const v of secret.versions) if (v.stages.length > 0) map[v.id] = [...v.stages];
  return Object.keys(map).length > 0 ? map : undefined;
}

const KEEP_VERSIONS = 100;
const KEEP_RECENT_MS = 24 * 60 * 60 * 1000;

/**
 * Drops deprecated versions beyond the 100 most recent that are older than 24 hours, as the
 * service's version clean-up does. Returns true when something was removed.
 */
export function pruneVersions(secret: SecretRecord, now: number): boolean {
  if (secret.versions.length <= KEEP_VERSIONS) return false;
  const keepFrom = secret.versions.length - KEEP_VERSIONS;
  const before = secret.versions.length;
  secret.versions = secret.versions.filter((v, i) => i >= keepFrom || v.stages.length > 0 || now - v.created < KEEP_RECENT_MS);
  return secret.versions.length !== before;
}
