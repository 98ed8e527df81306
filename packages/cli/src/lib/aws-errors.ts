import { classifyError, errorCode, isTransientError, SecretAccessDeniedError, SecretNotFoundError } from '@keyturn/core';
import { CliError } from './errors/cli-error.js';
import { ExitCode } from './exit-codes.js';

/** What the failing call was about, so the message can say what to do. */
export interface AwsCallContext {
  /** The IAM action of the call, e.g. `secretsmanager:GetSecretValue`. */
  action: string;
  secretId?: string;
  /** Endpoint the client talked to, for network errors. */
  endpoint?: string;
}

const CREDENTIAL_ERRORS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);
function awsMessage(err: unknown): string {
  const m = (err as { message?: unknown })?.message;
  return typeof m === 'string' ? m.slice(0, 300) : '';
}

/**
 * Turns an AWS SDK error into a {@link CliError} with an exit code and a message naming the
 * secret, the IAM action and what to try. AWS error messages never contain secret values;
 * the original error stays as `cause`.
 */
export function toCliError(err: unknown, ctx: AwsCallContext): CliError {
  if (err instanceof CliError) return err;
  const name = errorCode(err) ?? 'Error';
  const what = ctx.secretId ? `secret "${ctx.secretId}"` : 'the request';
  const aws = awsMessage(err);
  const detail = aws ? ` (${name}: ${aws})` : ` (${name})`;
  const opts = { cause: err, code: name };
  // The category comes from @keyturn/core's classification; the wording and exit codes are the CLI's.
  const kind = classifyError(err, { secretId: ctx.secretId ?? '-', action: ctx.action });
  if (kind instanceof SecretNotFoundError) {
    return new CliError(
      `${capitalize(what)} was not found${detail}. Check the name or ARN, --region and --endpoint-url; \`keyturn secrets list\` shows what exists.`,
      ExitCode.NotFound,
      opts,
    );
  }
  if (kind instanceof SecretAccessDeniedError || name === 'AccessDenied') {
    return new CliError(
      `Access denied: ${ctx.action} on ${what}${detail}. Grant ${ctx.action} on the secret's ARN to the caller (\`keyturn iam-policy\` prints a least-privilege policy).`,
      ExitCode.AccessDenied,
      opts,
    );
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new CliError(
      `The credentials were rejected while calling ${ctx.action}${detail}. Check --profile or AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, or renew the session (aws sso login).`,
      ExitCode.AccessDenied,
      opts,
    );
  }
  if (name === 'CredentialsProviderError') {
    return new CliError(
      `No usable AWS credentials${detail}. Pass --profile <name>, or set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
      ExitCode.AccessDenied,
      opts,
    );
  }
  if (name === 'DecryptionFailure' || name === 'EncryptionFailure' || name === 'KMSAccessDeniedException') {
    return new CliError(
      `KMS refused to ${name === 'EncryptionFailure' ? 'encrypt' : 'decrypt'} ${what}${detail}. Grant kms:Decrypt (and kms:GenerateDataKey for writes) on the secret's KMS key with the condition kms:ViaService = secretsmanager.<region>.amazonaws.com.`,
      ExitCode.AccessDenied,
      opts,
    );
  }
  if (name === 'ResourceExistsException') {
    return new CliError(`${capitalize(what)} already exists${detail}. Use \`keyturn secrets update-value\` to change it, or pick another name.`, ExitCode.Conflict, opts);
  }
  if (name === 'InvalidRequestException') {
    return new CliError(
      `${capitalize(what)} cannot be changed in its current state${detail}. If it is scheduled for deletion, run \`keyturn secrets restore ${ctx.secretId ?? '<id>'}\`; if a rotation is in progress, wait for it to finish.`,
      ExitCode.Conflict,
      opts,
    );
  }
  if (name === 'InvalidParameterException' || name === 'ValidationException' || name === 'InvalidParameterValue') {
    return new CliError(`The service rejected a parameter of ${ctx.action} for ${what}${detail}.`, ExitCode.Usage, opts);
  }
  if (name === 'LimitExceededException') {
    return new CliError(`A Secrets Manager quota was exceeded for ${what}${detail}. Write values less often (at most about once per 10 minutes per secret).`, ExitCode.Failed, opts);
  }
  if (name === 'TimeoutError') {
    const timeout = timeoutOf(aws);
    if (timeout) {
      const where = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
      const seconds = `${timeout.ms / 1000} s`;
      return new CliError(
        timeout.kind === 'connect'
          ? `Could not connect to Secrets Manager${where} within ${seconds} (--cli-connect-timeout) while calling ${ctx.action}. Check --endpoint-url (or the profile's endpoint_url), the network and any proxy or VPC endpoint, or raise --cli-connect-timeout.`
          : `No response from Secrets Manager${where} within ${seconds} (--cli-read-timeout) while calling ${ctx.action}: the endpoint accepted the connection but sent nothing back. Check that --endpoint-url (or the profile's endpoint_url) points at Secrets Manager, or raise --cli-read-timeout.`,
        ExitCode.Unavailable,
        opts,
      );
    }
  }
  if (isTransientError(err)) {
    const where = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
    return new CliError(
      `Secrets Manager${where} is unavailable or throttling${detail}. Check --endpoint-url and the network, then retry.`,
      ExitCode.Unavailable,
      opts,
    );
  }
  if (/region is missing/i.test(aws)) {
    return new CliError('No AWS region configured. Pass --region <region> or set AWS_REGION.', ExitCode.Usage, opts);
  }
  return new CliError(`${ctx.action} failed for ${what}${detail}.`, ExitCode.Failed, opts);
}

/** Which timeout of the SDK's Node.js request handler fired, from its message. */
function timeoutOf(message: string): { kind: 'connect' | 'read'; ms: number } | undefined {
  const connect = /did not establish a connection with the server within the configured timeout of (\d+) ms/.exec(message);
  if (connect) return { kind: 'connect', ms: Number(connect[1]) };
  const read = /timed out after (\d+) ms of inactivity|exceeded the configured (\d+) ms requestTimeout/.exec(message);
  if (read) return { kind: 'read', ms: Number(read[1] ?? read[2]) };
  return undefined;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
