import { join } from 'node:path';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { CONFIG_PREFIX_SEPARATOR, getHomeDir, loadConfig, loadSharedConfigFiles, type SharedConfigFiles } from '@smithy/core/config';
import type { CliIo } from './cli-io.js';
import { CliError } from './errors/cli-error.js';
import { UsageError } from './errors/usage-error.js';
import { ExitCode } from './exit-codes.js';
import type { GlobalOptions } from './global-options.js';
import { DEFAULT_TIMEOUTS } from './timeouts.js';

/** The region from `--region`, $AWS_REGION or $AWS_DEFAULT_REGION, if any. */
export function resolveRegion(opts: GlobalOptions, io: CliIo): string | undefined {
  const env = io.env ?? process.env;
  return opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

/** Paths of the shared config and credentials files, as the SDK finds them. */
export function sharedFilePaths(): { configFile: string; credentialsFile: string } {
  return {
    configFile: process.env.AWS_CONFIG_FILE || join(getHomeDir(), '.aws', 'config'),
    credentialsFile: process.env.AWS_SHARED_CREDENTIALS_FILE || join(getHomeDir(), '.aws', 'credentials'),
  };
}

/** Profile names defined in either file (other sections such as `[services x]` and `[sso-session x]` excluded). */
function profileNames(files: SharedConfigFiles): string[] {
  const names = [...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)].filter((n) => !n.includes(CONFIG_PREFIX_SEPARATOR));
  return [...new Set(names)].sort();
}

/**
 * Loads a named profile from the shared files (through the SDK's own loader) and fails with
 * the profile name and the files checked when neither file defines it.
 */
export async function loadProfile(name: string): Promise<{ config: Record<string, string | undefined>; credentials: Record<string, string | undefined> }> {
  const files = await loadSharedConfigFiles({ ignoreCache: true });
  const config = files.configFile[name];
  const credentials = files.credentialsFile[name];
  if (!config && !credentials) {
    const { configFile, credentialsFile } = sharedFilePaths();
    const known = profileNames(files);
    throw new CliError(
      `Profile "${name}" was not found in ${configFile} ([profile ${name}]) or ${credentialsFile} ([${name}]). ` +
        (known.length ? `Profiles found: ${known.join(', ')}. ` : 'No profiles are defined there. ') +
        `Create it with \`aws configure --profile ${name}\`, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at the files that define it.`,
      ExitCode.Usage,
      { code: 'ProfileNotFound' },
    );
  }
  return { config: config ?? {}, credentials: credentials ?? {} };
}

const SERVICE_ENV = 'AWS_ENDPOINT_URL_SECRETS_MANAGER';
const SERVICE_KEY = `secrets_manager${CONFIG_PREFIX_SEPARATOR}endpoint_url`;

/**
 * The endpoint configured for Secrets Manager with `profile`, in the order the AWS CLI and SDKs
 * use: $AWS_ENDPOINT_URL_SECRETS_MANAGER, $AWS_ENDPOINT_URL, the `secrets_manager` key of the
 * profile's `services` section, the profile's `endpoint_url`; nothing when
 * `ignore_configured_endpoint_urls` (or $AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) is true.
 *
 * The SDK resolves these itself only for $AWS_PROFILE, not for a client's `profile` option,
 * so `--profile` needs them resolved here.
 */
export async function configuredEndpoint(profile: string): Promise<string | undefined> {
  const ignore = await loadConfig<boolean>(
    {
      environmentVariableSelector: (env) => (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === undefined ? undefined : env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true'),
      configFileSelector: (p) => (p.ignore_configured_endpoint_urls === undefined ? undefined : p.ignore_configured_endpoint_urls === 'true'),
      default: false,
    },
    { profile },
  )();
  if (ignore) return undefined;
  return loadConfig<string | undefined>(
    {
      environmentVariableSelector: (env) => env[SERVICE_ENV] || env.AWS_ENDPOINT_URL || undefined,
      configFileSelector: (p, files) => {
        const services = p.services ? files?.[['services', p.services].join(CONFIG_PREFIX_SEPARATOR)] : undefined;
        return services?.[SERVICE_KEY] || p.endpoint_url || undefined;
      },
      default: undefined,
    },
    { profile },
  )();
}

/** A Secrets Manager client and the endpoint it was given, if any (for messages). */
export interface SecretsClientHandle {
  client: SecretsManagerClient;
  endpoint?: string;
}

/**
 * Builds the Secrets Manager client for one command run.
 *
 * - `--profile` behaves as `AWS_PROFILE=<name>`: region, credentials (the SDK's default chain
 *   for that profile: keys, assume-role, SSO, credential_process, web identity) and the
 *   configured endpoint all come from it; `--region` and `--endpoint-url` still win.
 * - Every request has a connect timeout and a read timeout (`--cli-connect-timeout`,
 *   `--cli-read-timeout`, 60 s each, as the AWS CLI), so a silent endpoint cannot hang a command.
 */
export async function createSecretsClient(opts: GlobalOptions, io: CliIo): Promise<SecretsClientHandle> {
  const connect = opts.cliConnectTimeout ?? DEFAULT_TIMEOUTS.connectSeconds;
  const read = opts.cliReadTimeout ?? DEFAULT_TIMEOUTS.readSeconds;
  const config: SecretsManagerClientConfig = {
    // `socketTimeout` is the SDK's idle timeout while waiting for the response, which is what the
    // AWS CLI's read timeout means; `requestTimeout` would only log a warning by default.
    requestHandler: { connectionTimeout: Math.round(connect * 1000), socketTimeout: Math.round(read * 1000) },
  };
  let endpoint = opts.endpointUrl;
  if (endpoint) {
    try {
      new URL(endpoint);
    } catch {
      throw new UsageError(`--endpoint-url "${endpoint}" is not a URL (example: http://127.0.0.1:4566)`);
    }
  }
  const region = resolveRegion(opts, io);
  if (region) config.region = region;
  if (opts.profile) {
    const profile = await loadProfile(opts.profile);
    config.profile = opts.profile;
    endpoint ??= await configuredEndpoint(opts.profile);
    if (!region && !profile.config.region && !profile.credentials.region) {
      throw new CliError(
        `No AWS region configured: profile "${opts.profile}" in ${sharedFilePaths().configFile} has no region. Pass --region <region>, set AWS_REGION, or add \`region = <region>\` to [profile ${opts.profile}].`,
        ExitCode.Usage,
        { code: 'RegionMissing' },
      );
    }
  }
  if (endpoint) config.endpoint = endpoint;
  // Without an endpoint of its own, a --profile run must not pick up the one of $AWS_PROFILE.
  else if (opts.profile) config.ignoreConfiguredEndpointUrls = true;
  const client = new SecretsManagerClient({ ...config, ...io.clientConfig });
  io.onClient?.(client);
  return { client, endpoint };
}
