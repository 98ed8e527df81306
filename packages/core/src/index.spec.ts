import * as core from './index.js';

// Pins the root entry point's runtime exports: adding is fine (update the list), renaming is not.
it('exports exactly the public API', () => {
  expect(Object.keys(core).sort()).toEqual([
    'AwsSecretsManagerSource',
    'ChainSource',
    'DEFAULT_INVALIDATION_CHANNEL',
    'DotenvSource',
    'EnvSource',
    'FLEET_DEFAULTS',
    'FleetInvalidation',
    'FleetWatcher',
    'InvalidSecretReferenceError',
    'KEYTURN_METER_NAME',
    'KeyturnError',
    'MAX_INVALIDATION_MESSAGE_BYTES',
    'METRIC_ATTRIBUTES',
    'MemorySource',
    'REFRESH_DURATION_BUCKETS',
    'REGIONAL_SOURCE_DEFAULTS',
    'RedisInvalidationBus',
    'RegionalSource',
    'SECRET_STORE_DEFAULTS',
    'SecretAccessDeniedError',
    'SecretDecryptionError',
    'SecretKeyMissingError',
    'SecretKindError',
    'SecretMappingError',
    'SecretNotFoundError',
    'SecretNotLoadedError',
    'SecretParseError',
    'SecretRequestError',
    'SecretScheduledForDeletionError',
    'SecretStore',
    'SecretUnavailableError',
    'SecretValidationError',
    'SecretValue',
    'SecretsStartupError',
    'SideBySideSource',
    'SqlTableSource',
    'TokenBucket',
    'attachInvalidationBus',
    'backoffDelay',
    'canonicalJson',
    'classifyError',
    'compileNameTemplate',
    'describeKeyPath',
    'describeMismatch',
    'describeVersion',
    'encodeInvalidationMessage',
    'errorCode',
    'formatSecretRef',
    'isCurrentRequest',
    'isSecretArn',
    'isTransientError',
    'keyturnMeter',
    'parseColumnMapping',
    'parseInvalidationMessage',
    'parseSecretRef',
    'refreshDelay',
    'rowToSecretObject',
    'summarizeMismatch',
    'wrapHookFailure',
  ]);
});

it('every error class sets name to its class name and extends KeyturnError', () => {
  const errors = Object.entries(core).filter(([k]) => k.endsWith('Error') && k !== 'classifyError' && k !== 'isTransientError');
  expect(errors.length).toBeGreaterThanOrEqual(14);
  for (const [name, Cls] of errors) {
    const e = name === 'SecretValidationError' ? new core.SecretValidationError('s', []) : name === 'SecretsStartupError' ? new core.SecretsStartupError([]) : new (Cls as typeof core.KeyturnError)('m');
    expect(e.name).toBe(name);
    expect(e).toBeInstanceOf(core.KeyturnError);
  }
});
