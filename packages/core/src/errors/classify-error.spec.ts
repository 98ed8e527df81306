import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { classifyError, isTransientError } from './classify-error.js';
import { SecretAccessDeniedError } from './secret-access-denied.error.js';
import { SecretDecryptionError } from './secret-decryption.error.js';
import { SecretNotFoundError } from './secret-not-found.error.js';
import { SecretRequestError } from './secret-request.error.js';
import { SecretScheduledForDeletionError } from './secret-scheduled-for-deletion.error.js';
import { SecretUnavailableError } from './secret-unavailable.error.js';

const aws = (name: string, status: number, message = 'aws says no') =>
  new SecretsManagerServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });
const net = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('isTransientError / classifyError', () => {
  it.each([
    [aws('ThrottlingException', 400), 'ThrottlingException'],
    [aws('InternalServiceError', 500), 'InternalServiceError'],
    [aws('ServiceUnavailable', 503), 'ServiceUnavailable'],
    [aws('SomethingNew', 502), 'SomethingNew'],
    [net('ECONNREFUSED'), 'ECONNREFUSED'],
    [net('ECONNRESET'), 'ECONNRESET'],
    [net('ETIMEDOUT'), 'ETIMEDOUT'],
    [Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), 'TimeoutError'],
    [new TypeError('fetch failed', { cause: net('ECONNREFUSED') }), 'TypeError'],
  ])('transient: %s', (err, code) => {
    expect(isTransientError(err)).toBe(true);
    const k = classifyError(err, { secretId: 'app/db' });
    expect(k).toBeInstanceOf(SecretUnavailableError);
    expect(k.transient).toBe(true);
    expect(k.code).toBe(code);
    expect(k.cause).toBe(err);
    expect(k.message).toContain('"app/db"');
  });

  it.each([
    [aws('AccessDeniedException', 400), SecretAccessDeniedError, /secretsmanager:GetSecretValue/],
    [aws('ResourceNotFoundException', 404), SecretNotFoundError, /name or ARN/],
    [aws('ResourceNotFoundException', 400), SecretNotFoundError, /region/],
    [aws('InvalidRequestException', 400, "You can't perform this operation on the secret because it was marked for deletion."), SecretScheduledForDeletionError, /RestoreSecret/],
    [aws('InvalidRequestException', 400, 'You tried to perform the operation on a secret that\'s currently marked deleted.'), SecretScheduledForDeletionError, /scheduled for deletion/],
    [aws('InvalidRequestException', 404, 'version mismatch'), SecretRequestError, /version stage/],
    [aws('DecryptionFailure', 400), SecretDecryptionError, /kms:Decrypt/],
    [aws('UnrecognizedClientException', 400), SecretRequestError, /credentials/],
    [aws('InvalidParameterException', 400), SecretRequestError, /UnknownError|InvalidParameterException/],
  ])('not transient: %s', (err, cls, hint) => {
    expect(isTransientError(err)).toBe(false);
    const k = classifyError(err, { secretId: 'app/db' });
    expect(k).toBeInstanceOf(cls);
    expect(k.transient).toBe(false);
    expect(k.message).toMatch(hint);
    expect(k.message).toContain('"app/db"');
    expect(k.cause).toBe(err);
  });

  it('names the IAM action it was given and never copies the AWS message', () => {
    const k = classifyError(aws('AccessDeniedException', 400, 'User arn:x is not authorized ZZZ'), { secretId: 's', action: 'secretsmanager:BatchGetSecretValue' });
    expect(k.message).toContain('secretsmanager:BatchGetSecretValue');
    expect(k.message).not.toContain('ZZZ');
    expect(k.hint).toContain('secretsmanager:BatchGetSecretValue');
  });

  it('returns KeyturnErrors unchanged and treats non-errors as not transient', () => {
    const k = new SecretNotFoundError('x', { secretId: 'x' });
    expect(classifyError(k, { secretId: 'y' })).toBe(k);
    expect(isTransientError('boom')).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});

it('reads the network code back from an SDK error wrapper (no HTTP response)', () => {
  const wrapped = Object.assign(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1'), { $metadata: { attempts: 1 } });
  expect(isTransientError(wrapped)).toBe(true);
  expect(classifyError(wrapped, { secretId: 's' }).code).toBe('ECONNREFUSED');
  const hangUp = Object.assign(new Error('AWS SDK error wrapper for Error: socket hang up'), { $metadata: { attempts: 1 } });
  expect(classifyError(hangUp, { secretId: 's' })).toMatchObject({ code: 'NetworkError', transient: true });
  const credentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError', $metadata: { attempts: 1 } });
  expect(isTransientError(credentials)).toBe(false);
  expect(classifyError(credentials, { secretId: 's' }).message).toContain('Check the credentials');
});
