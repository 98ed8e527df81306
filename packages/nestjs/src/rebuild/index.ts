export type { CredentialsSource, CredentialsVersion, ConnectionLogger, ConnectionEvent } from './credentials-source.js';
export { AUTH_RETRY_DEFAULTS, type AuthRetryOptions } from './auth-retry.options.js';
export { RotatingCredentials, type RotatingCredentialsOptions, type SelectedCredentials } from './rotating-credentials.js';
export { RotatingClient, ROTATING_CLIENT_DEFAULTS, type RotatingClientOptions, type ClientLease, type ClientSwapEvent } from './rotating-client.js';
export { CredentialsRejectedError, type CredentialsRejectedErrorOptions } from './errors/credentials-rejected.error.js';
export { InvalidConnectionSecretError } from './errors/invalid-connection-secret.error.js';
export { credentialsFromSecretHandle, credentialsFromSecretStore, type SecretHandleLike, type SecretInput } from './credentials-adapters.js';
