import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { RotationHandler } from '@keyturn/emulator';

/** A rotation function for the emulator whose new version is a copy of the current value (the four steps, no credentials). */
export const copyValueRotation =
  (sm: SecretsManagerClient): RotationHandler =>
  async (e) => {
    if (e.Step === 'createSecret') {
      const current = await sm.send(new GetSecretValueCommand({ SecretId: e.SecretId }));
      await sm.send(new PutSecretValueCommand({ SecretId: e.SecretId, ClientRequestToken: e.ClientRequestToken, SecretString: current.SecretString, VersionStages: ['AWSPENDING'] }));
    } else if (e.Step === 'finishSecret') {
      const described = await sm.send(new DescribeSecretCommand({ SecretId: e.SecretId }));
      const from = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))![0];
      if (from === e.ClientRequestToken) return;
      await sm.send(new UpdateSecretVersionStageCommand({ SecretId: e.SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: e.ClientRequestToken, RemoveFromVersionId: from }));
    }
  };
