import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { errorCode } from '@keyturn/core';
import { toCliError } from './aws-errors.js';
import { CliError } from './errors/cli-error.js';
import { ExitCode } from './exit-codes.js';
import { requestToken } from './request-token.js';
import { secretJsonObject } from './secret-json.js';

/** Outcome of {@link updateJsonKey}. */
export interface JsonKeyUpdateResult {
  secretId: string;
  key: string;
  outcome: 'updated' | 'unchanged';
  /** The AWSCURRENT version the change was based on (now AWSPREVIOUS when updated). */
  previousVersionId: string;
  /** The AWSCURRENT version afterwards. */
  versionId: string;
  /** True when the key did not exist before. */
  added: boolean;
}

function currentOf(stages: Record<string, string[]> | undefined): string | undefined {
  return Object.entries(stages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
}

/**
 * Read-modify-write of one key of a JSON secret that cannot lose a concurrent update.
 *
 * 1. GetSecretValue (AWSCURRENT) → base version V0 and its JSON.
 * 2. PutSecretValue of the new JSON with a private staging label only (`keyturn-update-…`), so
 *    the new version V1 exists but is not current yet. Its ClientRequestToken is derived from
 *    (secret, V0, content), so a retried command does not create a second version.
 * 3. UpdateSecretVersionStage(AWSCURRENT, MoveToVersionId=V1, RemoveFromVersionId=V0): a
 *    compare-and-swap. Secrets Manager refuses it when AWSCURRENT is no longer on V0, i.e.
 *    somebody else wrote in between; then the private label is removed (V1 becomes an
 *    unlabelled, deprecated version that nobody reads) and a conflict (exit 5) is reported.
 * 4. The private label is removed from V1; AWSPREVIOUS now marks V0, as after any write.
 */
export async function updateJsonKey(client: SecretsManagerClient, secretId: string, key: string, value: string, endpoint?: string): Promise<JsonKeyUpdateResult> {
  const wrap = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toCliError(err, { action, secretId, endpoint });
    }
  };
  const base = await wrap('secretsmanager:GetSecretValue', () => client.send(new GetSecretValueCommand({ SecretId: secretId })));
  const baseVersion = base.VersionId as string;
  const obj = secretJsonObject(secretId, base.SecretString);
  const added = !(key in obj);
  if (!added && obj[key] === value) {
    return { secretId, key, outcome: 'unchanged', previousVersionId: baseVersion, versionId: baseVersion, added };
  }
  const content = JSON.stringify({ ...obj, [key]: value });
  const newVersion = await putIfCurrent(client, { secretId, arn: base.ARN, baseVersionId: baseVersion, content, endpoint, what: `key "${key}"` });
  return { secretId, key, outcome: 'updated', previousVersionId: baseVersion, versionId: newVersion, added };
}

/**
 * Writes `content` as the new AWSCURRENT version only if AWSCURRENT is still `baseVersionId`
 * (steps 2–4 of {@link updateJsonKey}); returns the new version id or throws a conflict (exit 5).
 */
export async function putIfCurrent(
  client: SecretsManagerClient,
  p: { secretId: string; arn?: string; baseVersionId: string; content: string; endpoint?: string; what?: string },
): Promise<string> {
  const { secretId, baseVersionId, content, endpoint } = p;
  const wrap = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toCliError(err, { action, secretId, endpoint });
    }
  };
  const token = requestToken(p.arn ?? secretId, baseVersionId, content);
  const label = `keyturn-update-${token.slice(0, 8)}`;
  const put = await wrap('secretsmanager:PutSecretValue', () =>
    client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: content, VersionStages: [label] })),
  );
  const newVersion = put.VersionId ?? token;
  const dropLabel = async () => {
    try {
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: label, RemoveFromVersionId: newVersion }));
    } catch {
      // Best effort: a stray private label on an unread version is harmless.
    }
  };
  try {
    await client.send(
      new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: newVersion, RemoveFromVersionId: baseVersionId }),
    );
  } catch (err) {
    await dropLabel();
    const name = errorCode(err);
    if (name === 'InvalidParameterException' || name === 'InvalidRequestException') {
      let now: string | undefined;
      try {
        now = currentOf((await client.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages);
      } catch {
        now = undefined;
      }
      if (now !== undefined && now !== baseVersionId) {
        throw new CliError(
          `Secret "${secretId}" changed while ${p.what ?? 'it'} was being updated: AWSCURRENT moved from version ${baseVersionId} to ${now}. Nothing was changed; run the command again to apply it on top of the new value.`,
          ExitCode.Conflict,
          { cause: err, code: 'ConcurrentUpdate' },
        );
      }
    }
    throw toCliError(err, { action: 'secretsmanager:UpdateSecretVersionStage', secretId, endpoint });
  }
  await dropLabel();
  return newVersion;
}
