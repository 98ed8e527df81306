import { KeyturnError } from './keyturn.error.js';
import { SecretAccessDeniedError } from './secret-access-denied.error.js';
import { SecretDecryptionError } from './secret-decryption.error.js';
import { SecretNotFoundError } from './secret-not-found.error.js';
import { SecretRequestError } from './secret-request.error.js';
import { SecretScheduledForDeletionError } from './secret-scheduled-for-deletion.error.js';
import { SecretUnavailableError } from './secret-unavailable.error.js';

/** Error names that mean "try again later". */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalServiceError',
  'InternalServiceErrorException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
  'NetworkingError',
  'EC2ThrottledException',
]);

/** Node/undici network error codes that mean the endpoint could not be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  $retryable?: unknown;
}

const asErrorLike = (err: unknown): ErrorLike | undefined => (typeof err === 'object' && err !== null ? (err as ErrorLike) : undefined);

/** The AWS error name or Node error code of an error, if any. */
export function errorCode(err: unknown): string | undefined {
  const e = asErrorLike(err);
  if (!e) return undefined;
  if (e instanceof KeyturnError) return e.code;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  const wrapped = wrappedNetworkCode(e);
  if (wrapped) return wrapped;
  if (typeof e.code === 'string') return e.code;
  return undefined;
}

/**
 * The SDK wraps a non-Error throwable (e.g. a socket error from another realm) as
 * "AWS SDK error wrapper for Error: connect ECONNREFUSED ...", dropping `code`. No HTTP
 * response was received, so the code is read back from that message.
 */
function wrappedNetworkCode(e: ErrorLike): string | undefined {
  if (!e.$metadata || e.$metadata.httpStatusCode !== undefined || typeof e.message !== 'string') return undefined;
  if (!e.message.startsWith('AWS SDK error wrapper')) return undefined;
  const m = /\b(E[A-Z_]{3,}|UND_ERR_[A-Z_]+)\b/.exec(e.message);
  // No HTTP response at all (a socket hang-up, a timeout): a network failure whatever its wording.
  return m && NETWORK_CODES.has(m[1]) ? m[1] : 'NetworkError';
}

function httpStatus(e: ErrorLike): number | undefined {
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
}

/**
 * Whether an error is transient: timeouts, network errors, 5xx, throttling, InternalServiceError.
 * Refusals (AccessDenied, not found, scheduled for deletion, decryption failure) are not.
 */
export function isTransientError(err: unknown): boolean {
  if (err instanceof KeyturnError) return err.transient;
  const e = asErrorLike(err);
  if (!e) return false;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || TRANSIENT_NAMES.has(e.code))) return true;
  if (wrappedNetworkCode(e)) return true;
  const status = httpStatus(e);
  if (status !== undefined && status >= 500 && status <= 599 && !isKnownRefusal(e)) return true;
  if (status === 429) return true;
  // undici wraps socket errors: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  if (e.cause !== undefined && e.cause !== err) return isTransientError(e.cause);
  return false;
}

function isKnownRefusal(e: ErrorLike): boolean {
  return typeof e.name === 'string' && ['AccessDeniedException', 'ResourceNotFoundException', 'DecryptionFailure', 'InvalidRequestException'].includes(e.name);
}

/** Context used to word a classified error. */
export interface ClassifyContext {
  secretId: string;
  /** IAM action(s) the call needed, e.g. `secretsmanager:GetSecretValue`. */
  action?: string;
  /** Name of the source that failed. */
  source?: string;
  /** Version stage or id asked for, if not the current version. */
  version?: string;
}

/**
 * Turns any error from a source into a KeyturnError subclass whose message names the secret and what
 * to check. The original error is kept as `cause`; its message is never copied (it could quote input).
 */
export function classifyError(err: unknown, ctx: ClassifyContext): KeyturnError {
  if (err instanceof KeyturnError) return err;
  const e = asErrorLike(err) ?? {};
  const code = errorCode(err) ?? 'UnknownError';
  const action = ctx.action ?? 'secretsmanager:GetSecretValue';
  const id = ctx.secretId;
  const what = ctx.version ? `Secret "${id}" (${ctx.version})` : `Secret "${id}"`;
  const via = ctx.source ? ` from ${ctx.source}` : '';
  if (isTransientError(err)) {
    return new SecretUnavailableError(`${what} could not be fetched${via}: ${code} (transient; retrying with backoff)`, {
      secretId: id,
      code,
      cause: err,
      hint: 'network reachability of the Secrets Manager endpoint and the service quota',
    });
  }
  switch (code) {
    case 'AccessDeniedException':
      return new SecretAccessDeniedError(`${what}: access denied${via} (AccessDeniedException). Check that the caller's IAM policy allows ${action} (and kms:Decrypt on its key) for this secret.`, {
        secretId: id,
        code,
        cause: err,
        hint: `IAM ${action} and kms:Decrypt`,
      });
    case 'ResourceNotFoundException':
      return new SecretNotFoundError(`${what} was not found${via} (ResourceNotFoundException). Check the name or ARN, the region and the version stage; reading it needs ${action}.`, {
        secretId: id,
        code,
        cause: err,
        hint: `the secret name/ARN and region; IAM ${action}`,
      });
    case 'DecryptionFailure':
      return new SecretDecryptionError(`${what} could not be decrypted${via} (DecryptionFailure). Check that the caller may use the secret's KMS key (kms:Decrypt).`, {
        secretId: id,
        code,
        cause: err,
        hint: 'kms:Decrypt on the secret KMS key',
      });
    case 'InvalidRequestException': {
      const message = typeof e.message === 'string' ? e.message : '';
      if (/delet/i.test(message)) {
        return new SecretScheduledForDeletionError(`${what} is scheduled for deletion${via} (InvalidRequestException). Restore it with RestoreSecret or point the reference at another secret.`, {
          secretId: id,
          code,
          cause: err,
          hint: 'secretsmanager:RestoreSecret or the secret reference',
        });
      }
      return new SecretRequestError(`${what}: request refused${via} (InvalidRequestException). Check the version stage and version id of the reference.`, {
        secretId: id,
        code,
        cause: err,
        hint: 'the reference version stage / version id',
      });
    }
    default:
      return new SecretRequestError(`${what} could not be fetched${via}: ${code}. Check the credentials, region and the IAM action ${action}.`, {
        secretId: id,
        code,
        cause: err,
        hint: `credentials, region and IAM ${action}`,
      });
  }
}
