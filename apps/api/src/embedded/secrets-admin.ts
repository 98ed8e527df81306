import { CreateSecretCommand, GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LaunchError } from './launch-error.js';

/** Creates each secret that does not exist yet; returns the names it created. Existing secrets are left alone. */
export async function ensureSecrets(client: SecretsManagerClient, seeds: Record<string, Record<string, unknown>>): Promise<string[]> {
  const created: string[] = [];
  for (const [name, value] of Object.entries(seeds)) {
    try {
      await client.send(new GetSecretValueCommand({ SecretId: name }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException) && (err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
      await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value), Description: 'Seeded by the Keyturn sample API' }));
      created.push(name);
    }
  }
  return created;
}

/** The JSON of one version stage of a secret; undefined when that stage does not exist. */
export async function readSecretJson<T>(client: SecretsManagerClient, secretId: string, stage = 'AWSCURRENT'): Promise<T | undefined> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
    return JSON.parse(out.SecretString ?? 'null') as T;
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** Like {@link readSecretJson} for AWSCURRENT, failing with a message that names the secret and what to do. */
export async function requireSecretJson<T>(client: SecretsManagerClient, secretId: string): Promise<T> {
  let value: T | undefined;
  try {
    value = await readSecretJson<T>(client, secretId);
  } catch (err) {
    throw new LaunchError(`Cannot read secret ${secretId} (secretsmanager:GetSecretValue): ${(err as Error).name}. Check the endpoint and credentials.`, { cause: err });
  }
  if (value === undefined) throw new LaunchError(`Secret ${secretId} does not exist: create it (see apps/api/README.md for its JSON keys) or delete .keyturn/ to reseed the demo.`);
  return value;
}

/**
 * Passwords of a secret's AWSCURRENT, AWSPENDING and AWSPREVIOUS versions: what a service that
 * trusts Secrets Manager accepts during a rotation window. Cached for `ttlMs`; while Secrets
 * Manager cannot be reached the last list read stays in force (the service does not go down with it).
 */
export function passwordsOfSecret(client: SecretsManagerClient, secretId: string, ttlMs = 250): () => Promise<string[]> {
  let cached: { at: number; passwords: string[] } | undefined;
  let inflight: Promise<string[]> | undefined;
  const load = async () => {
    const stages = await Promise.all(['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS'].map((s) => readSecretJson<{ password?: string }>(client, secretId, s)));
    return stages.map((v) => v?.password).filter((p): p is string => typeof p === 'string');
  };
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.passwords;
    inflight ??= load().finally(() => (inflight = undefined));
    try {
      const passwords = await inflight;
      cached = { at: Date.now(), passwords };
      return passwords;
    } catch (err) {
      if (cached) return cached.passwords;
      throw err;
    }
  };
}
