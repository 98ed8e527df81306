import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { fromIni } from '@aws-sdk/credential-providers';
import type { CliIo } from './cli-io.js';
import { UsageError } from './errors/usage-error.js';
import type { GlobalOptions } from './global-options.js';

/** The region from `--region`, $AWS_REGION or $AWS_DEFAULT_REGION, if any. */
export function resolveRegion(opts: GlobalOptions, io: CliIo): string | undefined {
  const env = io.env ?? process.env;
  return opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

/**
 * Builds the Secrets Manager client for one command run. Credentials: `--profile` (shared
 * config files) or the SDK's default chain; endpoint: `--endpoint-url`, else the SDK honours
 * $AWS_ENDPOINT_URL_SECRETS_MANAGER / $AWS_ENDPOINT_URL.
 */
export function createSecretsClient(opts: GlobalOptions, io: CliIo): SecretsManagerClient {
  const config: SecretsManagerClientConfig = {};
  if (opts.endpointUrl) {
    try {
      new URL(opts.endpointUrl);
    } catch {
      throw new UsageError(`--endpoint-url "${opts.endpointUrl}" is not a URL (example: http://127.0.0.1:4566)`);
    }
    config.endpoint = opts.endpointUrl;
  }
  // With a profile, let the profile supply the region unless one is given explicitly.
  const region = resolveRegion(opts, io);
  if (region) config.region = region;
  if (opts.profile) {
    config.credentials = fromIni({ profile: opts.profile });
    if (!region) config.profile = opts.profile;
  }
  const client = new SecretsManagerClient({ ...config, ...io.clientConfig });
  io.onClient?.(client);
  return client;
}
