import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import type { SecretStore } from '../store/secret-store.js';
import type { SecretValue } from '../values/secret-value.js';
import type { ConnectionEvent, CredentialsSource, CredentialsVersion } from './credentials-source.js';

/** The parts of a `SecretHandle` (from `@InjectSecret` / `SecretsService.handle`) the adapter uses. */
export interface SecretHandleLike<T> {
  readonly secretId: string;
  get(): T;
  state(): { versionId?: string };
  refresh(opts?: { force?: boolean }): Promise<{ changed: boolean }>;
  fetchVersion(stage: 'AWSPENDING'): Promise<T>;
  reportRotationUnfinished?(): void;
  reportConnectionEvent?(event: ConnectionEvent): void;
  readonly changes$: { subscribe(next: (event: { versionId: string }) => void): { unsubscribe(): void } };
}

/**
 * A {@link CredentialsSource} over a `SecretHandle` of `@keyturn/nestjs`. The handle's value
 * (validated and transformed as its definition says) is what the connection parses, so define
 * the secret without a `key` (the whole JSON) or with a schema giving host/username/password.
 *
 * `fetchVersion` returns no VersionId, so each AWSPENDING read is told apart by a local counter.
 *
 * @example createRotatingClient(credentialsFromSecretHandle(await secrets.handle(StripeSecret)), { create: (v) => new Stripe(v.apiKey) })
 */
export function credentialsFromSecretHandle<T>(handle: SecretHandleLike<T>): CredentialsSource<T> {
  let pendingReads = 0;
  return {
    secretId: handle.secretId,
    current: () => ({ versionId: handle.state().versionId ?? 'current', stage: 'AWSCURRENT', value: handle.get() }),
    refresh: async () => (await handle.refresh({ force: true })).changed,
    pending: async () => {
      const value = await handle.fetchVersion('AWSPENDING').catch((error: unknown) => {
        if ((error as { code?: unknown; name?: unknown }).code === 'ResourceNotFoundException' || error instanceof SecretNotFoundError) return undefined;
        throw error;
      });
      if (value === undefined) return undefined;
      pendingReads += 1;
      return { versionId: `AWSPENDING#${pendingReads}`, stage: 'AWSPENDING', value };
    },
    onChange: (listener) => {
      const subscription = handle.changes$.subscribe(() => listener({ versionId: handle.state().versionId ?? 'current', stage: 'AWSCURRENT', value: handle.get() }));
      return () => subscription.unsubscribe();
    },
    pendingInUse: () => handle.reportRotationUnfinished?.(),
    connectionEvent: (event) => handle.reportConnectionEvent?.(event),
  };
}

/**
 * A {@link CredentialsSource} over a secret of a `SecretStore` (in a Nest application, inject it
 * with `SECRET_STORE` of `@keyturn/nestjs`, or use `SecretsService#store`). Loads the secret on demand (sharing the cache
 * entry and refresh loop if it is already registered); values are the secret's text (JSON).
 *
 * @example
 * const { Pool } = await createRotatingPgDriver(await credentialsFromSecretStore(store, 'prod/db'));
 */
export async function credentialsFromSecretStore(store: SecretStore, secretId: string): Promise<CredentialsSource<string>> {
  const entry = await store.load({ ref: secretId });
  const id = entry.secretId;
  const toVersion = (value: SecretValue, stage: string): CredentialsVersion<string> => ({ versionId: value.versionId, stage, value: value.text() });
  const current = () => {
    const value = entry.current();
    if (!value) entry.get(); // throws the store's error naming the secret (not loaded / failed)
    return toVersion(value as SecretValue, 'AWSCURRENT');
  };
  return {
    secretId: id,
    current,
    refresh: async () => (await store.refresh(id, { force: true })).changed,
    pending: async () => {
      try {
        return toVersion(await store.fetchVersion(id, { versionStage: 'AWSPENDING' }), 'AWSPENDING');
      } catch (error) {
        if (error instanceof SecretNotFoundError) return undefined;
        throw error;
      }
    },
    onChange: (listener) => entry.subscribe(() => listener(current())),
    pendingInUse: () => store.reportRotationUnfinished(id),
    connectionEvent: (event) => store.reportConnectionEvent({ ...event, secretId: id }),
  };
}

/** A secret as the connection helpers accept it: a {@link CredentialsSource} or a `SecretHandle`. */
export type SecretInput<T = unknown> = CredentialsSource<T> | SecretHandleLike<T>;

/** Returns `input` as a {@link CredentialsSource}, adapting a `SecretHandle`. */
export function toCredentialsSource<T>(input: SecretInput<T>): CredentialsSource<T> {
  return 'changes$' in input && typeof input.fetchVersion === 'function' ? credentialsFromSecretHandle(input) : (input as CredentialsSource<T>);
}
